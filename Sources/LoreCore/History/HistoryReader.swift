import Foundation
import Git

/// Reads the history of every entry file in one pass over the commits: each commit is diffed once
/// against its first parent (only under the kinds' folders; a commit that leaves them alone costs a
/// few tree lookups), and the diffs are kept in `lore/history-cache` in the git folder, keyed by
/// commit, so a later run diffs only the commits that are new.
public enum HistoryReader {
    /// Reads the history of the entry files of commit `tip` under `folders`. Uses the cache unless
    /// `useCache` is false; `progress` is called with the number of commits read so far while
    /// commits not in the cache are read.
    public static func read(_ repository: Repository, tip: ObjectID, folders: [GitPath], useCache: Bool = true,
                            progress: ((Int) -> Void)? = nil) throws(GitError) -> RepositoryHistory {
        let boundary = repository.shallowBoundary()
        // The state recorded at an earlier tip: only the commits made since are read and replayed.
        let stateStore = useCache ? HistoryStateStore(directory: repository.commonDirectory, folders: folders) : nil
        if let stateStore, boundary.isEmpty, let resumed = try resume(repository, tip: tip, folders: folders, store: stateStore) {
            return resumed
        }
        let cache = useCache ? HistoryCache(directory: repository.commonDirectory, folders: folders) : nil
        var commits: [ObjectID: HistoryCommit] = [:]
        var missing: [ObjectID] = []
        // First the shape of history (parents only: cheap), then the diffs of the commits the
        // cache does not have, on every core, each thread with its own repository handle.
        let order = try Repository.parentsFirstOrder(from: tip) { (id: ObjectID) throws(GitError) -> [ObjectID] in
            if let cached = cache?.commit(id), cached.isShallowBoundary == boundary.contains(id) {
                commits[id] = cached
                return cached.parents
            }
            missing.append(id)
            return try repository.parents(of: id, boundary: boundary)
        }
        if !missing.isEmpty {
            let gitDirectory = repository.gitDirectory
            let counter = ProgressCounter(total: missing.count, report: progress)
            let results = missing.parallelMap(context: { () -> Swift.Result<Repository, GitError> in
                do throws(GitError) { return .success(try Repository.open(gitDirectory: gitDirectory)) } catch { return .failure(error) }
            }) { context, id -> Swift.Result<HistoryCommit, GitError> in
                defer { counter.step() }
                do throws(GitError) {
                    return .success(HistoryCommit(try context.get().readCommit(id, under: folders, boundary: boundary)))
                } catch {
                    return .failure(error)
                }
            }
            for (id, result) in zip(missing, results) {
                switch result {
                case .success(let record):
                    commits[id] = record
                    cache?.add(id, record)
                case .failure(let error):
                    throw error
                }
            }
            progress?(missing.count)
        }
        cache?.save()
        let mailmap = try? repository.mailmap()
        let replayed = replay(order: order, commits: commits, tip: tip, seed: nil)
        if let stateStore, boundary.isEmpty { stateStore.save(replayed) }
        return replayed.history(mailmap: mailmap)
    }

    /// How many commits past the recorded state a run walks back to find it before reading the
    /// whole history instead.
    static let resumeLimit = 100

    /// The history at `tip` from the state recorded at an ancestor of it, when the commits since
    /// are a line of at most `resumeLimit` commits with one parent each (no merge); `nil` when
    /// there is no such state (none recorded, a rewritten branch, a merge since): then the whole
    /// history is read.
    static func resume(_ repository: Repository, tip: ObjectID, folders: [GitPath],
                       store: HistoryStateStore) throws(GitError) -> RepositoryHistory? {
        guard store.isEmpty == false else { return nil }
        var newer: [ObjectID] = []
        var commits: [ObjectID: HistoryCommit] = [:]
        var current = tip
        var found: HistoryState?
        while found == nil {
            if let state = store.state(at: current) {
                found = state
                break
            }
            guard newer.count < resumeLimit else { return nil }
            let record = HistoryCommit(try repository.readCommit(current, under: folders))
            guard record.parents.count == 1, let parent = record.parents.first else { return nil }
            commits[current] = record
            newer.append(current)
            current = parent
        }
        guard let found else { return nil }
        let mailmap = try? repository.mailmap()
        if newer.isEmpty { return found.history(mailmap: mailmap) }
        let replayed = replay(order: newer.reversed(), commits: commits, tip: tip, seed: found)
        store.save(replayed)
        return replayed.history(mailmap: mailmap)
    }

    /// One line of descent of a file: the same entry across edits and renames.
    struct Lineage: Equatable {
        var created: Int?          // index in the replay's commit table
        var touches: [Int] = []
        var previousPaths: [GitPath] = []
        var beforeBoundary = false
    }

    /// Follows every file forward from the oldest commit: each commit's state (path → lineage) is
    /// its first parent's with the commit's changes applied. In a merge, a path that is the same
    /// as in another parent takes that parent's lineage and is not counted as changed by the merge
    /// (what `git log` calls history simplification): the commit that added a file on a branch is
    /// its creator, not the merge that brought it in.
    ///
    /// With `seed` (the state recorded at the first parent of `order`'s oldest commit), the replay
    /// starts from that state instead of from nothing: it gives what replaying the whole history
    /// gives, as `order` then continues the order the seed was made in.
    static func replay(order: [ObjectID], commits: [ObjectID: HistoryCommit], tip: ObjectID, seed: HistoryState?) -> HistoryState {
        var replay = Replay(order: order, commits: commits, tip: tip, seed: seed)
        let start = seed?.commits.count ?? 0
        for (offset, id) in order.enumerated() { replay.apply(id, at: start + offset) }
        return HistoryState(tip: tip, commitCount: (seed?.commitCount ?? 0) + order.count, partial: replay.partial,
                            trailers: replay.trailers, commits: replay.table, lineages: replay.lineages,
                            paths: replay.states[tip] ?? [:]).compacted()
    }

    /// The state of the replay: every lineage met so far and the path table of each commit that a
    /// child still needs.
    private struct Replay {
        let commits: [ObjectID: HistoryCommit]
        let tip: ObjectID
        var lineages: [Lineage] = []
        /// How many children of a commit are still to come; its state is dropped after the last.
        var pendingChildren: [ObjectID: Int] = [:]
        var states: [ObjectID: [GitPath: Int]] = [:]
        var partial = false
        var trailers: [TrailerLink] = []

        /// The commit of each index a lineage refers to, with its author.
        var table: [HistoryState.Commit] = []

        init(order: [ObjectID], commits: [ObjectID: HistoryCommit], tip: ObjectID, seed: HistoryState?) {
            self.commits = commits
            self.tip = tip
            if let seed {
                lineages = seed.lineages
                states[seed.tip] = seed.paths
                partial = seed.partial
                trailers = seed.trailers
                table = seed.commits
            }
            table.reserveCapacity(table.count + order.count)
            for id in order {
                table.append(HistoryState.Commit(id: id, author: commits[id]?.author))
                for parent in commits[id]?.parents ?? [] { pendingChildren[parent, default: 0] += 1 }
            }
        }

        /// Applies commit `id` (the `index`th oldest) to its first parent's state.
        mutating func apply(_ id: ObjectID, at index: Int) {
            guard let commit = commits[id] else { return }
            for trailer in commit.trailers.reversed() {
                trailers.append(TrailerLink(commit: id.hex, id: trailer.id, position: trailer.position))
            }
            var state = inheritedState(commit)
            if commit.isShallowBoundary { partial = true }
            // Removals first, so a rename a→b with a new file at a in the same commit works.
            var renamedLineage: [GitPath: Int] = [:]
            for change in commit.changes where change.status == .renamed || change.status == .deleted {
                if change.status == .renamed, let lineage = state[change.oldPath] { renamedLineage[change.newPath] = lineage }
                state[change.oldPath] = nil
            }
            for change in commit.changes where change.status != .deleted {
                let path = change.newPath
                if commit.parents.count > 1, let lineage = fromOtherParent(path, of: commit) {
                    state[path] = lineage
                    continue
                }
                let lineage: Int
                switch change.status {
                case .renamed:
                    lineage = renamedLineage[path] ?? newLineage(commit, at: index)
                    lineages[lineage].previousPaths.append(change.oldPath)
                case .added:
                    lineage = newLineage(commit, at: index)
                default:
                    lineage = state[path] ?? newLineage(commit, at: index)
                }
                state[path] = lineage
                if !commit.isShallowBoundary && lineages[lineage].touches.last != index { lineages[lineage].touches.append(index) }
            }
            for parent in commit.parents.dropFirst() {
                pendingChildren[parent, default: 0] -= 1
                if pendingChildren[parent] == 0 && parent != tip { states[parent] = nil }
            }
            if pendingChildren[id, default: 0] > 0 || id == tip { states[id] = state }
        }

        /// The first parent's state, taken over (not copied) when this is its last child to come:
        /// copying a 10,000-path dictionary per commit made a long history quadratic.
        private mutating func inheritedState(_ commit: HistoryCommit) -> [GitPath: Int] {
            guard let first = commit.parents.first else { return [:] }
            pendingChildren[first, default: 0] -= 1
            if pendingChildren[first] == 0 && first != tip { return states.removeValue(forKey: first) ?? [:] }
            return states[first] ?? [:]
        }

        /// The lineage a path has in another parent when the merge left it as that parent has it.
        private func fromOtherParent(_ path: GitPath, of commit: HistoryCommit) -> Int? {
            for (offset, parent) in commit.parents.dropFirst().enumerated()
            where offset < commit.otherParentChanges.count && !commit.otherParentChanges[offset].contains(path) {
                if let lineage = states[parent]?[path] { return lineage }
            }
            return nil
        }

        private mutating func newLineage(_ commit: HistoryCommit, at index: Int) -> Int {
            lineages.append(Lineage(created: commit.isShallowBoundary ? nil : index, beforeBoundary: commit.isShallowBoundary))
            return lineages.count - 1
        }
    }

    /// The history of each path of the tip's state: its lineage's creator, last toucher and
    /// authors (mailmap applied, in order of first contribution).
    static func histories(_ lineages: [Lineage], at state: [GitPath: Int], table: [HistoryState.Commit],
                          mailmap: Mailmap?) -> [GitPath: EntryHistory] {
        var people: [String: Person] = [:]
        func person(_ signature: HistoryCommit.Author) -> Person {
            let key = signature.name + "\u{0}" + signature.email
            if let known = people[key] { return known }
            let resolved: (name: String, email: String) = mailmap?.resolve(name: signature.name, email: signature.email) ?? (signature.name, signature.email)
            let made = Person(name: resolved.name, email: resolved.email)
            people[key] = made
            return made
        }
        func author(_ index: Int) -> HistoryCommit.Author? { index < table.count ? table[index].author : nil }
        func summary(_ index: Int) -> CommitSummary? {
            guard let author = author(index) else { return nil }
            return CommitSummary(id: table[index].id.hex, time: author.time, offsetMinutes: author.offsetMinutes, author: person(author))
        }
        var entries: [GitPath: EntryHistory] = [:]
        entries.reserveCapacity(state.count)
        for (path, index) in state {
            let lineage = lineages[index]
            var authors: [Person] = []
            var seen = Set<String>()
            for touch in lineage.touches {
                guard let signature = author(touch) else { continue }
                let made = person(signature)
                if seen.insert(made.email.lowercased()).inserted { authors.append(made) }
            }
            entries[path] = EntryHistory(created: lineage.created.flatMap(summary), updated: lineage.touches.last.flatMap(summary),
                                         authors: authors, commitCount: lineage.touches.count,
                                         previousPaths: lineage.previousPaths, partial: lineage.beforeBoundary)
        }
        return entries
    }
}

/// A commit as the history needs it: parents, author, trailers and the changes under the kinds'
/// folders. This is what the history cache keeps.
struct HistoryCommit: Sendable, Hashable {
    struct Author: Sendable, Hashable {
        let name: String
        let email: String
        let time: Int64
        let offsetMinutes: Int
    }
    struct Trailer: Sendable, Hashable {
        let id: String
        let position: SourcePosition
    }
    let parents: [ObjectID]
    let isShallowBoundary: Bool
    let author: Author
    let trailers: [Trailer]
    let changes: [FileChange]
    let otherParentChanges: [[GitPath]]

    init(parents: [ObjectID], isShallowBoundary: Bool, author: Author, trailers: [Trailer], changes: [FileChange],
         otherParentChanges: [[GitPath]]) {
        self.parents = parents
        self.isShallowBoundary = isShallowBoundary
        self.author = author
        self.trailers = trailers
        self.changes = changes
        self.otherParentChanges = otherParentChanges
    }

    init(_ record: CommitRecord) {
        self.init(parents: record.parents, isShallowBoundary: record.isShallowBoundary,
                  author: Author(name: record.author.name, email: record.author.email, time: record.author.time,
                                 offsetMinutes: record.author.offsetMinutes),
                  trailers: LoreTrailers.references(in: record.message).map { Trailer(id: $0.id, position: $0.position) },
                  changes: record.changes, otherParentChanges: record.otherParentChanges)
    }

    private static let statuses: [FileChange.Status] = [.added, .deleted, .modified, .renamed, .typeChanged]

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        ByteWriter.varint(parents.count, into: &out)
        for parent in parents { out += parent.raw }
        out.append(isShallowBoundary ? 1 : 0)
        ByteWriter.string(author.name, into: &out)
        ByteWriter.string(author.email, into: &out)
        ByteWriter.varint64(UInt64(bitPattern: (author.time &<< 1) ^ (author.time >> 63)), into: &out)  // zigzag: any commit time, no overflow
        ByteWriter.varint(author.offsetMinutes >= 0 ? author.offsetMinutes * 2 : -author.offsetMinutes * 2 - 1, into: &out)
        ByteWriter.varint(trailers.count, into: &out)
        for trailer in trailers {
            ByteWriter.string(trailer.id, into: &out)
            ByteWriter.position(trailer.position, into: &out)
        }
        ByteWriter.varint(changes.count, into: &out)
        for change in changes {
            out.append(UInt8(Self.statuses.firstIndex(of: change.status) ?? 2))
            ByteWriter.bytes(change.oldPath.bytes, into: &out)
            ByteWriter.bytes(change.newPath.bytes, into: &out)
        }
        ByteWriter.varint(otherParentChanges.count, into: &out)
        for paths in otherParentChanges {
            ByteWriter.varint(paths.count, into: &out)
            for path in paths { ByteWriter.bytes(path.bytes, into: &out) }
        }
        return out
    }

    static func decode(_ payload: ArraySlice<UInt8>) -> HistoryCommit? {
        var reader = ByteReader(payload)
        guard let parentCount = reader.varint() else { return nil }
        var parents: [ObjectID] = []
        for _ in 0..<parentCount {
            guard let raw = reader.bytes(20), let id = ObjectID(raw: Array(raw)) else { return nil }
            parents.append(id)
        }
        guard let boundary = reader.byte(), let name = reader.string(), let email = reader.string(),
              let time = reader.varint64(), let offset = reader.varint(), let trailerCount = reader.varint() else { return nil }
        func unzigzag(_ value: Int64) -> Int64 { Int64(bitPattern: UInt64(bitPattern: value) >> 1) ^ -(value & 1) }
        var trailers: [Trailer] = []
        for _ in 0..<trailerCount {
            guard let id = reader.string(), let position = reader.position() else { return nil }
            trailers.append(Trailer(id: id, position: position))
        }
        guard let changeCount = reader.varint() else { return nil }
        var changes: [FileChange] = []
        for _ in 0..<changeCount {
            guard let status = reader.byte(), Int(status) < statuses.count, let old = reader.lengthPrefixedBytes(), let new = reader.lengthPrefixedBytes() else { return nil }
            changes.append(FileChange(status: statuses[Int(status)], oldPath: GitPath(bytes: old), newPath: GitPath(bytes: new)))
        }
        guard let otherCount = reader.varint() else { return nil }
        var others: [[GitPath]] = []
        for _ in 0..<otherCount {
            guard let count = reader.varint() else { return nil }
            var paths: [GitPath] = []
            for _ in 0..<count {
                guard let path = reader.lengthPrefixedBytes() else { return nil }
                paths.append(GitPath(bytes: path))
            }
            others.append(paths)
        }
        guard reader.isAtEnd else { return nil }
        return HistoryCommit(parents: parents, isShallowBoundary: boundary == 1,
                             author: Author(name: name, email: email, time: unzigzag(time), offsetMinutes: Int(unzigzag(Int64(offset)))),
                             trailers: trailers, changes: changes, otherParentChanges: others)
    }
}

/// Counts commits read on several threads and reports every 500th.
private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let report: ((Int) -> Void)?

    init(total: Int, report: ((Int) -> Void)?) { self.report = report }

    func step() {
        guard let report else { return }
        lock.lock()
        done += 1
        let now = done
        lock.unlock()
        if now % 500 == 0 { report(now) }
    }
}

/// The commits read before, by id, in `lore/history-cache` of the common git folder (shared by
/// linked worktrees). Its header names the folders diffed: another configuration starts afresh.
final class HistoryCache {
    let store: RecordStore
    private var used: [(key: [UInt8], payload: ArraySlice<UInt8>, fresh: Bool)] = []

    init(directory: String, folders: [GitPath]) {
        var header = "lore history cache 2 \(LoreVersion.current)\n"
        for folder in folders.sorted() { header += (folder.string ?? folder.description) + "\u{0}" }
        store = RecordStore(path: directory + "lore/history-cache", header: header + "\n")
    }

    func commit(_ id: ObjectID) -> HistoryCommit? {
        guard let payload = store[id.raw] else { return nil }
        used.append((id.raw, payload, false))
        return HistoryCommit.decode(payload)
    }

    func add(_ id: ObjectID, _ commit: HistoryCommit) {
        used.append((id.raw, commit.encoded()[...], true))
    }

    /// Appends the commits added (a rewrite drops the commits no walk of this process read).
    func save() {
        store.keep(used)
        used = []
    }
}
