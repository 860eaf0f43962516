import Foundation
import Git

/// Where the replay of history stands at one commit: every path of that commit under the kinds'
/// folders with its line of descent (created by, touched by, previous paths), the trailers met
/// and the number of commits walked. Kept in `lore/history-state` of the common git folder, so
/// that a later run whose tip descends from it by a line of commits replays only those commits
/// (see `HistoryReader.resume`) and gets what replaying the whole history gives.
struct HistoryState: Sendable, Equatable {
    /// A commit a lineage refers to, with its author (`nil` when it was not read).
    struct Commit: Sendable, Equatable {
        let id: ObjectID
        let author: HistoryCommit.Author?
    }

    let tip: ObjectID
    let commitCount: Int
    let partial: Bool
    /// The trailers in the order of the replay (oldest commit first, each commit's reversed).
    let trailers: [TrailerLink]
    /// The commits lineages refer to, oldest first.
    let commits: [Commit]
    let lineages: [HistoryReader.Lineage]
    /// Path → index in `lineages`.
    let paths: [GitPath: Int]

    /// The history this state gives, with `mailmap` applied to authors.
    func history(mailmap: Mailmap?) -> RepositoryHistory {
        RepositoryHistory(tip: tip.hex, isPartial: partial, commitCount: commitCount,
                          entries: HistoryReader.histories(lineages, at: paths, table: commits, mailmap: mailmap),
                          trailers: trailers.reversed())
    }

    /// The same state with only the lineages of the tip's paths and the commits they refer to
    /// (numbered again in the same order).
    func compacted() -> HistoryState {
        var lineageNumbers: [Int: Int] = [:]
        var kept: [HistoryReader.Lineage] = []
        var paths: [GitPath: Int] = [:]
        paths.reserveCapacity(self.paths.count)
        for (path, index) in self.paths.sorted(by: { $0.key < $1.key }) {
            if let number = lineageNumbers[index] {
                paths[path] = number
                continue
            }
            lineageNumbers[index] = kept.count
            paths[path] = kept.count
            kept.append(lineages[index])
        }
        var used = Set<Int>()
        for lineage in kept {
            if let created = lineage.created { used.insert(created) }
            used.formUnion(lineage.touches)
        }
        let order = used.sorted()
        var commitNumbers: [Int: Int] = [:]
        commitNumbers.reserveCapacity(order.count)
        for (number, index) in order.enumerated() { commitNumbers[index] = number }
        let commits = order.map { self.commits[$0] }
        kept = kept.map { lineage in
            var lineage = lineage
            lineage.created = lineage.created.flatMap { commitNumbers[$0] }
            lineage.touches = lineage.touches.compactMap { commitNumbers[$0] }
            return lineage
        }
        return HistoryState(tip: tip, commitCount: commitCount, partial: partial, trailers: trailers, commits: commits,
                            lineages: kept, paths: paths)
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out += tip.raw
        ByteWriter.varint(commitCount, into: &out)
        out.append(partial ? 1 : 0)
        ByteWriter.varint(trailers.count, into: &out)
        for trailer in trailers {
            ByteWriter.string(trailer.commit, into: &out)
            ByteWriter.string(trailer.id, into: &out)
            ByteWriter.position(trailer.position, into: &out)
        }
        var people: [String: Int] = [:]
        var peopleList: [(String, String)] = []
        for commit in commits {
            guard let author = commit.author else { continue }
            let key = author.name + "\u{0}" + author.email
            if people[key] == nil {
                people[key] = peopleList.count
                peopleList.append((author.name, author.email))
            }
        }
        ByteWriter.varint(peopleList.count, into: &out)
        for (name, email) in peopleList {
            ByteWriter.string(name, into: &out)
            ByteWriter.string(email, into: &out)
        }
        ByteWriter.varint(commits.count, into: &out)
        for commit in commits {
            out += commit.id.raw
            guard let author = commit.author, let person = people[author.name + "\u{0}" + author.email] else {
                ByteWriter.varint(0, into: &out)
                continue
            }
            ByteWriter.varint(person + 1, into: &out)
            ByteWriter.varint64(UInt64(bitPattern: (author.time &<< 1) ^ (author.time >> 63)), into: &out)
            ByteWriter.varint(author.offsetMinutes >= 0 ? author.offsetMinutes * 2 : -author.offsetMinutes * 2 - 1, into: &out)
        }
        ByteWriter.varint(lineages.count, into: &out)
        for lineage in lineages {
            ByteWriter.varint(lineage.created.map { $0 + 1 } ?? 0, into: &out)
            ByteWriter.varint(lineage.touches.count, into: &out)
            for touch in lineage.touches { ByteWriter.varint(touch, into: &out) }
            ByteWriter.varint(lineage.previousPaths.count, into: &out)
            for path in lineage.previousPaths { ByteWriter.bytes(path.bytes, into: &out) }
            out.append(lineage.beforeBoundary ? 1 : 0)
        }
        ByteWriter.varint(paths.count, into: &out)
        for (path, lineage) in paths.sorted(by: { $0.key < $1.key }) {
            ByteWriter.bytes(path.bytes, into: &out)
            ByteWriter.varint(lineage, into: &out)
        }
        return out
    }

    /// The state encoded in `payload`, or `nil` when it is not one (damaged: every index is checked).
    static func decode(_ payload: ArraySlice<UInt8>) -> HistoryState? {
        var reader = ByteReader(payload)
        func unzigzag(_ value: Int64) -> Int64 { Int64(bitPattern: UInt64(bitPattern: value) >> 1) ^ -(value & 1) }
        guard let tipRaw = reader.bytes(20), let tip = ObjectID(raw: Array(tipRaw)), let commitCount = reader.varint(),
              let partial = reader.byte(), partial <= 1, let trailerCount = reader.varint() else { return nil }
        var trailers: [TrailerLink] = []
        for _ in 0..<trailerCount {
            guard let commit = reader.string(), let id = reader.string(), let position = reader.position() else { return nil }
            trailers.append(TrailerLink(commit: commit, id: id, position: position))
        }
        guard let peopleCount = reader.varint() else { return nil }
        var people: [(String, String)] = []
        for _ in 0..<peopleCount {
            guard let name = reader.string(), let email = reader.string() else { return nil }
            people.append((name, email))
        }
        guard let commitTotal = reader.varint() else { return nil }
        var commits: [Commit] = []
        commits.reserveCapacity(min(commitTotal, payload.count / 21))
        for _ in 0..<commitTotal {
            guard let raw = reader.bytes(20), let id = ObjectID(raw: Array(raw)), let person = reader.varint() else { return nil }
            if person == 0 {
                commits.append(Commit(id: id, author: nil))
                continue
            }
            guard person <= people.count, let time = reader.varint64(), let offset = reader.varint() else { return nil }
            let (name, email) = people[person - 1]
            commits.append(Commit(id: id, author: HistoryCommit.Author(name: name, email: email, time: unzigzag(time),
                                                                        offsetMinutes: Int(unzigzag(Int64(offset))))))
        }
        guard let lineageCount = reader.varint() else { return nil }
        var lineages: [HistoryReader.Lineage] = []
        lineages.reserveCapacity(min(lineageCount, payload.count))
        for _ in 0..<lineageCount {
            guard let created = reader.varint(), created <= commits.count, let touchCount = reader.varint() else { return nil }
            var lineage = HistoryReader.Lineage(created: created == 0 ? nil : created - 1)
            for _ in 0..<touchCount {
                guard let touch = reader.varint(), touch < commits.count else { return nil }
                lineage.touches.append(touch)
            }
            guard let previousCount = reader.varint() else { return nil }
            for _ in 0..<previousCount {
                guard let path = reader.lengthPrefixedBytes() else { return nil }
                lineage.previousPaths.append(GitPath(bytes: path))
            }
            guard let boundary = reader.byte(), boundary <= 1 else { return nil }
            lineage.beforeBoundary = boundary == 1
            lineages.append(lineage)
        }
        guard let pathCount = reader.varint() else { return nil }
        var paths: [GitPath: Int] = [:]
        paths.reserveCapacity(min(pathCount, payload.count))
        for _ in 0..<pathCount {
            guard let path = reader.lengthPrefixedBytes(), let lineage = reader.varint(), lineage < lineages.count else { return nil }
            paths[GitPath(bytes: path)] = lineage
        }
        guard reader.isAtEnd else { return nil }
        return HistoryState(tip: tip, commitCount: commitCount, partial: partial == 1, trailers: trailers, commits: commits,
                            lineages: lineages, paths: paths)
    }
}

/// `lore/history-state` in the common git folder: the one most recent `HistoryState`, keyed by
/// its tip. Its header names the format, Lore's version and the folders replayed: another
/// configuration or version starts afresh. A damaged record fails its checksum or its decoding
/// and the whole history is read again.
final class HistoryStateStore {
    let store: RecordStore

    init(directory: String, folders: [GitPath]) {
        var header = "lore history state 1 \(LoreVersion.current)\n"
        for folder in folders.sorted() { header += (folder.string ?? folder.description) + "\u{0}" }
        store = RecordStore(path: directory + "lore/history-state", header: header + "\n")
    }

    /// Whether no state is recorded.
    var isEmpty: Bool { store.count == 0 }

    /// The state recorded at commit `id`, if any and intact.
    func state(at id: ObjectID) -> HistoryState? {
        guard let payload = store[id.raw], let state = HistoryState.decode(payload), state.tip == id else { return nil }
        return state
    }

    /// Records `state` in place of what the file held.
    func save(_ state: HistoryState) {
        guard store[state.tip.raw] == nil else { return }
        store.replace(with: [(state.tip.raw, state.encoded())])
    }
}
