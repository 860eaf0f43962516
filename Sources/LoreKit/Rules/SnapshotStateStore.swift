import Foundation
import Git

/// Where `SnapshotState`s are kept between runs: one per kind of snapshot (`index`, `tree`) in
/// `lore/check-state-KIND` of the common git directory (shared by worktrees), each a `RecordStore`
/// holding the whole state (`state`) and a journal of the changes since (`journal-1`, `journal-2`
/// …, each appended in one write and naming the record it follows), written whole again once the
/// journal reaches an eighth of the whole. A damaged, truncated or foreign file reads as no state,
/// and the state is built again; a damaged journal record, or one that does not follow the last
/// one read (two processes appending at once, one appending after another rewrote the file),
/// ends the journal there: the state read is an earlier one, brought up to date by listing.
package enum SnapshotStateStore {
    /// The slot a snapshot's state is kept in; `nil` for the working tree, which has no content id.
    static func slot(of snapshot: Snapshot) -> String? {
        switch snapshot.source {
        case .index: return "index"
        case .revision: return "tree"
        case .workingTree: return nil
        }
    }

    private static func store(_ memory: MemoryRepository, slot: String) -> RecordStore {
        RecordStore(path: memory.repository.commonDirectory + "lore/check-state-\(slot)", header: "lore check state 2 \(LoreVersion.current)\n")
    }

    private static let key = Array("state".utf8)
    private static func journalKey(_ number: Int) -> [UInt8] { Array("journal-\(number)".utf8) }

    /// The states this session has read or made, by slot: a process reading a slot twice (the
    /// working tree and `HEAD`, `lore new`'s snapshots) decodes it once.
    final class Session {
        var states: [String: SnapshotState] = [:]
        /// The files read, by slot: appending to one does not read it again.
        var stores: [String: RecordStore] = [:]
        init(_: String) {}
    }

    /// The state kept in `slot`, when there is one that reads.
    static func load(_ memory: MemoryRepository, slot: String) -> SnapshotState? {
        let session = memory.sessionCache(Session.self, make: Session.init)
        if let known = session?.states[slot] { return known }
        let store = store(memory, slot: slot)
        session?.stores[slot] = store
        guard let whole = store[key] else { return nil }
        var reader = ByteReader(whole)
        guard let chain = SnapshotState.u64(&reader), var state = SnapshotState.decode(whole.dropFirst(8)) else { return nil }
        state.storage = SnapshotState.Storage(slot: slot, chain: chain, wholeBytes: whole.count)
        while let record = store[journalKey(state.storage.journalCount + 1)], state.applyJournal(record) {}
        state.storage.files = []
        state.storage.records = []
        state.storage.commits = []
        session?.states[slot] = state
        return state
    }

    /// Keeps `state` in `slot`: appends what changed since it was read from there, or writes it
    /// whole (read from elsewhere or made anew, the journal long, the file gone).
    static func save(_ memory: MemoryRepository, slot: String, _ state: inout SnapshotState) {
        let session = memory.sessionCache(Session.self, make: Session.init)
        defer { session?.states[slot] = state }
        let store = session?.stores[slot] ?? store(memory, slot: slot)
        let chain = UInt64.random(in: 1...UInt64.max)
        if state.storage.slot == slot, state.storage.wholeBytes > 0 {
            let record = state.journal(parent: state.storage.chain, chain: chain)
            if state.storage.journalBytes + record.count <= max(4096, state.storage.wholeBytes / 8),
               store.append([(journalKey(state.storage.journalCount + 1), record)]) {
                state.storage = SnapshotState.Storage(slot: slot, chain: chain, journalCount: state.storage.journalCount + 1,
                                                      journalBytes: state.storage.journalBytes + record.count,
                                                      wholeBytes: state.storage.wholeBytes)
                return
            }
        }
        var whole: [UInt8] = []
        SnapshotState.u64(chain, into: &whole)
        whole += state.encoded()
        store.replace(with: [(key, whole)])
        session?.stores[slot] = store
        state.storage = SnapshotState.Storage(slot: slot, chain: chain, wholeBytes: whole.count)
    }

    /// The state of `snapshot` judged on `today`: the kept one brought up to date by the changes
    /// since (compared by listing, or nothing when the content id is the same), else built whole.
    /// Kept again when it changed.
    package static func state(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                              today: String) throws(LoreError) -> SnapshotState? {
        guard let slot = slot(of: snapshot) else {
            return try workingTreeState(memory, snapshot: snapshot, configuration: configuration, today: today)
        }
        let context = try Checker.context(for: configuration, in: snapshot)
        var kept: SnapshotState?
        for candidate in [slot] + ["index", "tree"].filter({ $0 != slot }) {
            if let state = load(memory, slot: candidate), state.fingerprint == context.fingerprint,
               state.shallow == memory.repository.isShallow {
                kept = state
                break
            }
        }
        guard var state = kept else {
            var state = try SnapshotState.build(memory, snapshot: snapshot, configuration: configuration, context: context, today: today)
            save(memory, slot: slot, &state)
            return state
        }
        let same = state.contentID != nil && state.contentID == snapshot.contentID && state.commit == snapshot.commit
        var changes: [SnapshotChange] = []
        if state.contentID == nil || state.contentID != snapshot.contentID {
            let listing: [SnapshotFile]
            do {
                listing = try snapshot.files()
            } catch {
                throw .repository(error)
            }
            changes = state.changes(to: listing, configuration: configuration)
        }
        try state.apply(changes, memory: memory, snapshot: snapshot, configuration: configuration, context: context, today: today)
        if !same || !state.rejudged.isEmpty { save(memory, slot: slot, &state) }
        return state
    }

    /// The working tree's state: `HEAD`'s, with the files git sees changed since `HEAD` (its
    /// diff of the working tree uses the index's stat data, so unchanged files are not read)
    /// read from disk. Not kept: `HEAD`'s is. `nil` (judge it whole) on an unborn branch or when
    /// `.lore/` differs from `HEAD`'s.
    static func workingTreeState(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                                 today: String) throws(LoreError) -> SnapshotState? {
        guard case .workingTree = snapshot.source, !memory.repository.isHeadUnborn else { return nil }
        let changed: [GitPath]
        do {
            changed = try snapshot.changedPathsIncludingDeletions(since: "HEAD")
        } catch {
            throw .repository(error)
        }
        guard !changed.contains(where: { $0.components.first?.elementsEqual(".lore".utf8) ?? false }) else { return nil }
        let head = try memory.snapshot(.revision("HEAD"))
        guard var state = try Self.state(memory, snapshot: head, configuration: configuration, today: today),
              state.fingerprint == (try Checker.context(for: configuration, in: snapshot)).fingerprint else { return nil }
        var changes: [SnapshotChange] = []
        do {
            var present: [GitPath: SnapshotFile] = [:]
            if !changed.isEmpty { for file in try snapshot.files(under: changed) { present[file.path] = file } }
            for path in changed {
                changes.append(SnapshotChange(path: path, content: present[path].map { .file($0) } ?? .deleted))
            }
        } catch {
            throw .repository(error)
        }
        try state.apply(changes, memory: memory, snapshot: snapshot, configuration: configuration,
                        context: Checker.context(for: configuration, in: snapshot), today: today)
        return state
    }
}
