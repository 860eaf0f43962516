import Foundation
import Git

/// What `lore recall` needs to know of commits, read from git once and kept by commit id in
/// `lore/recall-cache` of the common git folder (a `RecordStore`, like the history cache):
///
/// - `h` + id: the commit's parents and the ids its `Lore:` trailers name;
/// - `p` + id: every path the commit changed against its first parent (both sides of a rename);
/// - `t` + id: every commit reachable from this one (itself included) that has `Lore:` trailers,
///   with those ids — so a later walk from a descendant stops where an earlier walk ended.
///
/// Commits never change, so records never go stale; only a shallow clone's walk (whose end moves
/// when it is deepened) is not kept as a `t` record.
final class CommitFacts {
    private let repository: Repository
    private let store: RecordStore?
    private let boundary: Set<ObjectID>
    private var used: [(key: [UInt8], payload: ArraySlice<UInt8>, fresh: Bool)] = []
    private var pathsByCommit: [ObjectID: [GitPath]] = [:]

    /// A commit with `Lore:` trailers and the ids they name.
    struct TrailerCommit: Sendable, Hashable {
        let commit: ObjectID
        let ids: [String]
    }

    init(repository: Repository, caching: Bool) {
        self.repository = repository
        store = caching ? RecordStore(path: repository.commonDirectory + "lore/recall-cache",
                                      header: "lore recall cache 1 \(LoreVersion.current)\n") : nil
        boundary = repository.shallowBoundary()
    }

    /// History stops early: the repository is a shallow clone.
    var isPartial: Bool { !boundary.isEmpty }

    private func record(_ tag: Character, _ id: ObjectID) -> ArraySlice<UInt8>? {
        let key = [tag.asciiValue!] + id.raw
        guard let payload = store?[key] else { return nil }
        used.append((key, payload, false))
        return payload
    }

    private func remember(_ tag: Character, _ id: ObjectID, _ payload: [UInt8]) {
        guard store != nil else { return }
        used.append(([tag.asciiValue!] + id.raw, payload[...], true))
    }

    /// Every path commit `id` changed against its first parent (everything it holds for a root
    /// commit); empty for a commit at a shallow boundary, whose parent is not there to compare with,
    /// and for an id that names no commit.
    func changedPaths(_ id: ObjectID) throws(GitError) -> [GitPath] {
        if let known = pathsByCommit[id] { return known }
        var paths: [GitPath]?
        if let payload = record("p", id) {
            var reader = ByteReader(payload)
            if let count = reader.varint() {
                var decoded: [GitPath] = []
                for _ in 0..<count {
                    guard let bytes = reader.lengthPrefixedBytes() else { break }
                    decoded.append(GitPath(bytes: bytes))
                }
                if decoded.count == count && reader.isAtEnd { paths = decoded }
            }
        }
        if paths == nil {
            if boundary.contains(id) {
                paths = []
            } else if !repository.commitExists(id.hex) {
                paths = []   // not kept: the commit may be fetched later
            } else {
                let header = try self.header(id)
                let found = try repository.changedPaths(from: header.parents.first, to: id)
                var out: [UInt8] = []
                ByteWriter.varint(found.count, into: &out)
                for path in found { ByteWriter.bytes(path.bytes, into: &out) }
                remember("p", id, out)
                paths = found
            }
        }
        pathsByCommit[id] = paths!
        return paths!
    }

    /// A commit's parents and trailer ids.
    private func header(_ id: ObjectID) throws(GitError) -> (parents: [ObjectID], ids: [String]) {
        if let payload = record("h", id) {
            var reader = ByteReader(payload)
            if let parentCount = reader.varint() {
                var parents: [ObjectID] = []
                for _ in 0..<parentCount {
                    guard let raw = reader.bytes(20), let parent = ObjectID(raw: Array(raw)) else { break }
                    parents.append(parent)
                }
                var ids: [String] = []
                if parents.count == parentCount, let idCount = reader.varint() {
                    for _ in 0..<idCount {
                        guard let text = reader.string() else { break }
                        ids.append(text)
                    }
                    if ids.count == idCount && reader.isAtEnd { return (parents, ids) }
                }
            }
        }
        let header = try repository.readCommitHeader(id)
        var ids: [String] = []
        for reference in LoreTrailers.references(in: header.message) where !ids.contains(reference.id) { ids.append(reference.id) }
        var out: [UInt8] = []
        ByteWriter.varint(header.parents.count, into: &out)
        for parent in header.parents { out += parent.raw }
        ByteWriter.varint(ids.count, into: &out)
        for text in ids { ByteWriter.string(text, into: &out) }
        remember("h", id, out)
        return (header.parents, ids)
    }

    /// Every commit reachable from `tip` (itself included) whose message has `Lore:` trailers,
    /// sorted by id. The walk stops at commits a previous walk started from.
    func trailerCommits(from tip: ObjectID) throws(GitError) -> [TrailerCommit] {
        let keepsWalks = boundary.isEmpty
        if keepsWalks, let known = decodeWalk(record("t", tip)) { return known }
        var found: [ObjectID: [String]] = [:]
        var seen = Set<ObjectID>()
        var stack = [tip]
        while let id = stack.popLast() {
            guard seen.insert(id).inserted else { continue }
            if keepsWalks, id != tip, let known = decodeWalk(record("t", id)) {
                for commit in known { found[commit.commit] = commit.ids }
                continue
            }
            let header = try header(id)
            if !header.ids.isEmpty { found[id] = header.ids }
            if !boundary.contains(id) { stack += header.parents.reversed() }
        }
        let result = found.map { TrailerCommit(commit: $0.key, ids: $0.value) }.sorted { $0.commit < $1.commit }
        if keepsWalks {
            var out: [UInt8] = []
            ByteWriter.varint(result.count, into: &out)
            for commit in result {
                out += commit.commit.raw
                ByteWriter.varint(commit.ids.count, into: &out)
                for text in commit.ids { ByteWriter.string(text, into: &out) }
            }
            remember("t", tip, out)
        }
        return result
    }

    private func decodeWalk(_ payload: ArraySlice<UInt8>?) -> [TrailerCommit]? {
        guard let payload else { return nil }
        var reader = ByteReader(payload)
        guard let count = reader.varint() else { return nil }
        var result: [TrailerCommit] = []
        for _ in 0..<count {
            guard let raw = reader.bytes(20), let id = ObjectID(raw: Array(raw)), let idCount = reader.varint() else { return nil }
            var ids: [String] = []
            for _ in 0..<idCount {
                guard let text = reader.string() else { return nil }
                ids.append(text)
            }
            result.append(TrailerCommit(commit: id, ids: ids))
        }
        return reader.isAtEnd ? result : nil
    }

    /// Writes what this run read or learnt back to `lore/recall-cache`.
    func save() {
        store?.keep(used)
        used = []
    }
}
