import Git

extension LoreTrailers {
    /// Findings for ids no entry of `corpus` has, reported against the message file.
    public static func check(_ message: String, path: GitPath, against corpus: Corpus) -> [Diagnostic] {
        let ids = Set(corpus.entries.compactMap(\.id))
        return references(in: message).filter { !ids.contains($0.id) }.map {
            Diagnostic(path: path, position: $0.position, code: "unknown-trailer",
                       message: "trailer 'Lore: \($0.id)' names an entry that is not in the \(corpus.source)")
        }
    }
}
