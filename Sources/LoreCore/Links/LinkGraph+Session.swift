import Git

extension MemoryRepository {
    /// The link graph of a corpus read from `snapshot`: links resolved against the snapshot's
    /// files and the repository's commits, with `history`'s trailers.
    public func linkGraph(of corpus: Corpus, snapshot: Snapshot, history: RepositoryHistory = .empty) throws(LoreError) -> LinkGraph {
        let files: [GitPath]
        do {
            files = try snapshot.files().map(\.path)
        } catch {
            throw .repository(error)
        }
        let repository = self.repository
        var known: [String: String?] = [:]
        return LinkGraph(corpus: corpus, files: FileIndex(files), commit: { hex in
            if let seen = known[hex] { return seen }
            let full = repository.commitID(prefix: hex)?.hex
            known[hex] = full
            return full
        }, trailers: history.trailers)
    }
}
