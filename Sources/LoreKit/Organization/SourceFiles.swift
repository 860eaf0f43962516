import Foundation
import Git

extension SourceStore {
    /// The snapshot of a git source's mirror at the synced commit, or `nil` when the source is not
    /// a git source or its mirror cannot be read.
    public func mirrorSnapshot(_ source: SourceMemory, caching: Bool = true) -> Snapshot? {
        guard source.header.type == "git", let commit = source.header.commit,
              let mirror = try? MemoryRepository(discoveringFrom: mirrorPath(source.name), caching: caching) else { return nil }
        return try? mirror.snapshot(.revision(commit))
    }

    /// The folder a git source's entry files are copied into to be opened (`files/NAME/COMMIT/`).
    public func filesFolder(_ name: String, commit: String) -> String { folder + "files/" + name + "/" + commit + "/" }

    /// A file on disk holding a git source's entry as of the synced commit (`lore lsp` opens it
    /// for go-to-definition): copied from the mirror into `files/NAME/COMMIT/PATH` under the store,
    /// read-only, once per commit. `nil` for an `index.json` source (there is no file to point
    /// at), or when the mirror or the file cannot be read. `entry` is one of `source.entries`.
    public func entryFile(_ entry: Entry, of source: SourceMemory, limit: Int) -> String? {
        guard source.header.type == "git", let commit = source.header.commit, ObjectID(hex: commit) != nil else { return nil }
        let prefix = source.name.utf8.count + 1
        guard entry.path.bytes.count > prefix, let inner = GitPath(bytes: Array(entry.path.bytes.dropFirst(prefix))).string else { return nil }
        let parts = inner.split(separator: "/", omittingEmptySubsequences: false)
        guard !inner.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        let file = filesFolder(source.name, commit: commit) + inner
        if FileManager.default.fileExists(atPath: file) { return file }
        guard let snapshot = mirrorSnapshot(source), case .bytes(let bytes)? = try? snapshot.contents(at: GitPath(inner), limit: limit) else {
            return nil
        }
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: file)
        } catch {
            return nil
        }
        _ = chmod(file, 0o444)
        return file
    }
}
