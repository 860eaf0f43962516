import Git

extension LoreTrailers {
    /// Findings for ids no entry of `corpus` has, reported against the message file, at the
    /// severity `.lore/config.yml` gives `unknown-trailer` (error by default; `off` reports nothing).
    public static func check(_ message: String, path: GitPath, against corpus: Corpus) -> [Diagnostic] {
        let configured = corpus.configuration.ruleSeverities["unknown-trailer"]
        if configured == "off" { return [] }
        let ids = Set(corpus.entries.compactMap(\.id))
        return references(in: message).filter { !ids.contains($0.id) }.map {
            Diagnostic(path: path, position: $0.position, severity: configured == "warning" ? .warning : .error, code: "unknown-trailer",
                       message: "trailer 'Lore: \($0.id)' names an entry that is not in the \(corpus.source)")
        }
    }
}
