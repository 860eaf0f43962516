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
        /// The id tables read, by slot (`nil`: none that reads): `lore new` asks for several snapshots.
        var idTables: [String: IDTable?] = [:]
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
                saveIDs(memory, slot: slot, state)
                return
            }
        }
        saveIDs(memory, slot: slot, state)
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

    // MARK: The id table

    /// The id table kept beside a slot's state (`lore/check-ids-SLOT`, a `RecordStore` of one
    /// record): the check context's fingerprint, the snapshot's content id, and each entry file's
    /// path and id, in path order. Written whenever the state is, so `lore new` takes a snapshot's
    /// ids without reading or decoding the state; a table whose content id or fingerprint is not
    /// the snapshot's (written before the state moved on, damaged, truncated, another version's)
    /// is not used, and the state is taken instead (which writes the table again).
    struct IDTable: Sendable, Equatable {
        let fingerprint: UInt64
        let contentID: ObjectID?
        /// Entry paths and their ids (entries without an id are left out), in path order.
        let entries: [(path: GitPath, id: String)]

        static func == (lhs: IDTable, rhs: IDTable) -> Bool {
            lhs.fingerprint == rhs.fingerprint && lhs.contentID == rhs.contentID
                && lhs.entries.elementsEqual(rhs.entries) { $0.path == $1.path && $0.id == $1.id }
        }

        func encoded() -> [UInt8] {
            var out: [UInt8] = []
            SnapshotState.u64(fingerprint, into: &out)
            if let contentID { out.append(1); out += contentID.raw } else { out.append(0) }
            ByteWriter.varint(entries.count, into: &out)
            for entry in entries {
                ByteWriter.bytes(entry.path.bytes, into: &out)
                ByteWriter.string(entry.id, into: &out)
            }
            return out
        }

        static func decode(_ bytes: ArraySlice<UInt8>) -> IDTable? {
            var reader = ByteReader(bytes)
            guard let fingerprint = SnapshotState.u64(&reader), let flag = reader.byte() else { return nil }
            var contentID: ObjectID?
            if flag == 1 {
                guard let raw = reader.bytes(20), let value = ObjectID(raw: Array(raw)) else { return nil }
                contentID = value
            } else if flag != 0 {
                return nil
            }
            guard let count = reader.varint(), count <= bytes.count else { return nil }
            var entries: [(path: GitPath, id: String)] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard let length = reader.varint(), let raw = reader.bytes(length), let id = reader.string() else { return nil }
                entries.append((GitPath(bytes: Array(raw)), id))
            }
            guard reader.isAtEnd else { return nil }
            return IDTable(fingerprint: fingerprint, contentID: contentID, entries: entries)
        }
    }

    private static func idStore(_ memory: MemoryRepository, slot: String) -> RecordStore {
        RecordStore(path: memory.repository.commonDirectory + "lore/check-ids-\(slot)", header: "lore check ids 1 \(LoreVersion.current)\n")
    }

    private static let idKey = Array("ids".utf8)

    /// Writes `state`'s id table beside it.
    private static func saveIDs(_ memory: MemoryRepository, slot: String, _ state: SnapshotState) {
        let table = IDTable(fingerprint: state.fingerprint, contentID: state.contentID, entries: state.idTable)
        idStore(memory, slot: slot).replace(with: [(idKey, table.encoded())])
        memory.sessionCache(Session.self, make: Session.init)?.idTables[slot] = .some(table)
    }

    // MARK: The recall table

    /// The recall table of a snapshot (`lore/check-recall-SLOT`, a `RecordStore` of one record):
    /// the check context's fingerprint, the content id, and each entry's path, kind, id, `affects`
    /// and `commits`, in path order. Written by `lore recall` when it had to take the state's
    /// summaries (decoding every one), so that the next recall of the same tree or index decodes
    /// only this; one that does not fit or does not read is not used.
    private static func recallStore(_ memory: MemoryRepository, slot: String) -> RecordStore {
        RecordStore(path: memory.repository.commonDirectory + "lore/check-recall-\(slot)", header: "lore check recall 1 \(LoreVersion.current)\n")
    }

    private static let recallKey = Array("recall".utf8)

    /// Keeps `summaries` (the snapshot's, in path order) as its recall table.
    package static func keepRecallSummaries(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                                            _ summaries: [EntrySummary]) throws(LoreError) {
        guard memory.caching, configuration.sources.isEmpty, let slot = slot(of: snapshot), let contentID = snapshot.contentID else { return }
        var out: [UInt8] = []
        SnapshotState.u64(try Checker.context(for: configuration, in: snapshot).fingerprint, into: &out)
        out += contentID.raw
        ByteWriter.varint(summaries.count, into: &out)
        for summary in summaries {
            ByteWriter.bytes(summary.path.bytes, into: &out)
            ByteWriter.string(summary.kind, into: &out)
            ByteWriter.string(summary.id?.text ?? "", into: &out)
            out.append(summary.id == nil ? 0 : 1)
            for items in [summary.affects, summary.commits] {
                ByteWriter.varint(items.count, into: &out)
                for item in items { ByteWriter.string(item.text, into: &out) }
            }
        }
        recallStore(memory, slot: slot).replace(with: [(recallKey, out)])
    }

    /// What `lore recall` reads of a snapshot's entries, in path order: summaries holding only the
    /// path, kind, id, `affects` and `commits` (the rest empty), from the recall table kept beside
    /// the tree or index whose content id is the snapshot's; `nil` when there is none that fits
    /// (the caller takes the state's summaries and keeps them with `keepRecallSummaries`).
    package static func recallSummaries(_ memory: MemoryRepository, snapshot: Snapshot,
                                        configuration: Configuration) throws(LoreError) -> [EntrySummary]? {
        guard memory.caching, configuration.sources.isEmpty, let contentID = snapshot.contentID else { return nil }
        let fingerprint = try Checker.context(for: configuration, in: snapshot).fingerprint
        for slot in ["index", "tree"] {
            guard let bytes = recallStore(memory, slot: slot)[recallKey] else { continue }
            var reader = ByteReader(bytes)
            guard SnapshotState.u64(&reader) == fingerprint, let raw = reader.bytes(20),
                  ObjectID(raw: Array(raw)) == contentID else { continue }
            if let summaries = decodeRecall(&reader, limit: bytes.count) { return summaries }
        }
        return nil
    }

    private static func decodeRecall(_ reader: inout ByteReader, limit: Int) -> [EntrySummary]? {
        guard let count = reader.varint(), count <= limit else { return nil }
        var summaries: [EntrySummary] = []
        summaries.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = reader.varint(), let raw = reader.bytes(length), let kind = reader.string(), let id = reader.string(),
                  let hasID = reader.byte() else { return nil }
            var lists: [[EntrySummary.Item]] = []
            for _ in 0..<2 {
                guard let itemCount = reader.varint(), itemCount <= limit else { return nil }
                var items: [EntrySummary.Item] = []
                for _ in 0..<itemCount {
                    guard let text = reader.string() else { return nil }
                    items.append(EntrySummary.Item(text: text, position: .start))
                }
                lists.append(items)
            }
            summaries.append(EntrySummary(path: GitPath(bytes: Array(raw)), kind: kind,
                                          id: hasID == 1 ? EntrySummary.Item(text: id, position: .start) : nil,
                                          relations: [], links: [], affects: lists[0], commits: lists[1], dueItems: []))
        }
        return reader.isAtEnd ? summaries : nil
    }

    /// The id table kept in `slot`, when there is one that reads.
    static func loadIDs(_ memory: MemoryRepository, slot: String) -> IDTable? {
        let session = memory.sessionCache(Session.self, make: Session.init)
        if let known = session?.idTables[slot] { return known }
        let table = idStore(memory, slot: slot)[idKey].flatMap(IDTable.decode)
        session?.idTables[slot] = .some(table)
        return table
    }

    /// The ids of `snapshot`'s entries (`nil` when it has no kept state: caching off, sources
    /// configured, an unborn branch): from the id table of the tree or index whose content id is
    /// the snapshot's, or from `HEAD`'s table and the ids of the entry files git reports changed
    /// since `HEAD` (for the working tree, a diff that uses the index's stat data, so unchanged
    /// files are not read; for another branch's tip, a tree-to-tree diff), read and parsed but not
    /// judged. When no
    /// table fits (none yet, the configuration changed, `.lore/` changed since `HEAD`), the
    /// snapshot's state is taken (built or brought up to date, and kept with its table).
    package static func ids(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                            today: String) throws(LoreError) -> [String]? {
        guard memory.caching, configuration.sources.isEmpty else { return nil }
        let context = try Checker.context(for: configuration, in: snapshot)
        func table(for contentID: ObjectID?) -> IDTable? {
            guard let contentID else { return nil }
            for slot in ["index", "tree"] {
                if let table = loadIDs(memory, slot: slot), table.contentID == contentID, table.fingerprint == context.fingerprint {
                    return table
                }
            }
            return nil
        }
        if let found = table(for: snapshot.contentID) { return found.entries.map(\.id) }
        guard !memory.repository.isHeadUnborn else {
            return try Checker.state(memory, snapshot: snapshot, configuration: configuration, today: today)?.ids
        }
        do {
            let head = try memory.snapshot(.revision("HEAD"))
            let changed: [GitPath]
            if case .revision = snapshot.source {
                // Another branch's tip: the tree-to-tree diff from `HEAD` (same subtrees skipped).
                guard let from = head.commit, let to = snapshot.commit else {
                    return try Checker.state(memory, snapshot: snapshot, configuration: configuration, today: today)?.ids
                }
                changed = try memory.repository.changedPaths(from: from, to: to)
            } else {
                changed = try snapshot.changedPathsIncludingDeletions(since: "HEAD")
            }
            guard !changed.contains(where: { $0.components.first?.elementsEqual(".lore".utf8) ?? false }),
                  try Checker.context(for: configuration, in: head).fingerprint == context.fingerprint else {
                return try Checker.state(memory, snapshot: snapshot, configuration: configuration, today: today)?.ids
            }
            var base = table(for: head.contentID)
            if base == nil {
                // HEAD's state, kept with its table.
                guard try Checker.state(memory, snapshot: head, configuration: configuration, today: today) != nil else { return nil }
                base = table(for: head.contentID)
            }
            guard let base else {
                return try Checker.state(memory, snapshot: snapshot, configuration: configuration, today: today)?.ids
            }
            let changedSet = Set(changed)
            var ids = base.entries.compactMap { changedSet.contains($0.path) ? nil : $0.id }
            if !changed.isEmpty {
                let files = CorpusLoader.entryFiles(among: try snapshot.files(under: changed), configuration: configuration)
                let found = try CorpusLoader.process(files, from: snapshot, configuration: configuration, keyed: false,
                                                     cached: { _, _ in nil },
                                                     make: { file, result, _ in
                                                         FieldDerivation.apply(result, kind: configuration.kind(named: file.kind)).entry?.id
                                                     })
                ids += found.compactMap { $0 }
            }
            return ids
        } catch let error as LoreError {
            throw error
        } catch let error as GitError {
            throw .repository(error)
        } catch {
            throw .repository(GitError(.notFound, "\(error)", context: "ids"))
        }
    }
}
