import Foundation
import Git

/// One change to a snapshot, from any source: a git diff (tree to tree, tree to index), an
/// editor's unsaved buffer, an agent's draft. What `SnapshotState.apply` takes.
public struct SnapshotChange: Sendable {
    /// What the path holds now.
    public enum Content: Sendable {
        /// A file of the snapshot (read through it when it is an entry file).
        case file(SnapshotFile)
        /// These bytes (an unsaved buffer): an entry file's text, or any file's.
        case bytes([UInt8])
        /// Nothing: the file is gone.
        case deleted
    }

    /// The path, from the repository root.
    public let path: GitPath
    /// What it holds now.
    public let content: Content

    /// A change.
    public init(path: GitPath, content: Content) {
        self.path = path
        self.content = content
    }
}

/// The state of one snapshot as `lore check` judged it, kept between runs (`lore/check-state` in
/// the common git directory, shared by worktrees) and brought up to date by the changes since:
/// the file listing, each entry file's blob, kind, summary (whose id and supersession items are
/// the id table and the skeleton the snapshot-wide rules see of it), the ids and paths it points
/// at (the reverse links), its own findings and its snapshot-wide rules' findings.
///
/// A snapshot-wide rule's findings for an entry depend only on the entry's whole summary, the
/// other entries' ids, paths, kinds and supersession items, the file listing, the date and the
/// commits that exist. So a change judges the changed entries, then runs the snapshot-wide rules
/// over the skeletons with whole summaries only for the entries a change can affect (those naming
/// a changed id or path, holding a changed id, with `affects` when files come or go, with due
/// items when the date moves), and keeps their findings; `supersession-cycle`, which follows
/// chains, is judged over all skeletons every time. The result is byte for byte a cold check's.
public struct SnapshotState: Sendable {
    /// One entry file of the snapshot.
    struct Record: Sendable {
        var path: GitPath
        var kind: String
        /// The blob judged (`nil` for bytes given without one).
        var blob: ObjectID?
        /// What other entries' findings depend on: the id and supersession items (`nil`: not an entry).
        var skeleton: EntrySummary?
        /// Hashes of the ids and paths this entry's findings depend on.
        var keys: [UInt64]
        var flags: UInt8
        /// The summary, own findings and snapshot-wide findings, encoded (decoded on demand).
        var summaryBytes: ArraySlice<UInt8>
        var ownBytes: ArraySlice<UInt8>
        var collectionBytes: ArraySlice<UInt8>

        static let hasAffects: UInt8 = 1, hasDueItems: UInt8 = 2, hasCommits: UInt8 = 4, followsNames: UInt8 = 8

        func summary() -> EntrySummary? {
            guard skeleton != nil else { return nil }
            var reader = ByteReader(summaryBytes)
            return EntrySummaryCoding.decode(&reader, path: path, kind: kind)
        }

        func own() -> [Diagnostic] { Self.diagnostics(ownBytes, path: path) }
        func collection() -> [Diagnostic] { Self.diagnostics(collectionBytes, path: path) }

        static func diagnostics(_ bytes: ArraySlice<UInt8>, path: GitPath) -> [Diagnostic] {
            var reader = ByteReader(bytes)
            return reader.diagnostics(path: path) ?? []
        }

        static func encode(_ diagnostics: [Diagnostic]) -> ArraySlice<UInt8> {
            var out: [UInt8] = []
            ByteWriter.diagnostics(diagnostics, into: &out)
            return out[...]
        }
    }

    /// The check context's fingerprint (Lore's version, configuration, templates).
    let fingerprint: UInt64
    /// The snapshot's content id (tree or index checksum) and commit, when it has them.
    public private(set) var contentID: ObjectID?
    private(set) var commit: ObjectID?
    /// The date the snapshot-wide rules judged due items against.
    public private(set) var today: String
    /// History was incomplete (a shallow clone).
    let shallow: Bool
    /// Every file path of the snapshot, sorted by bytes.
    private(set) var files: [GitPath]
    /// The entry files, sorted by path.
    private(set) var records: [Record]
    /// Commit ids (lowercased) named by `commits` items, known to exist or not.
    private(set) var existingCommits: Set<String>
    private(set) var missingCommits: Set<String>
    /// Findings about the entry files as a set (name clashes, unmerged files), at their severities.
    private(set) var extra: [Diagnostic]
    /// `supersession-cycle`'s findings, judged over every skeleton.
    private(set) var cycles: [Diagnostic]
    /// The entries whose findings the last `apply` judged again (for reports of what changed).
    public private(set) var rejudged: Set<GitPath> = []
    /// Where the state was read from and what changed since (`SnapshotStateStore` appends that).
    var storage = Storage()

    /// The kept file a state was read from or last written to, and what changed since then: what
    /// the next journal record of that file must hold.
    struct Storage: Sendable {
        /// The slot (`index`, `tree`), `nil` when the state was made in memory.
        var slot: String?
        /// The id of the last record applied (the whole state's or a journal record's): the next
        /// journal record names it, so a record written after another process rewrote the file,
        /// or after another journal record from the same state, is not applied.
        var chain: UInt64 = 0
        /// How many journal records were applied, and their bytes and the whole state's.
        var journalCount = 0
        var journalBytes = 0
        var wholeBytes = 0
        /// The listing's paths, entry files' paths and commit ids changed since.
        var files: Set<GitPath> = []
        var records: Set<GitPath> = []
        var commits: Set<String> = []
    }

    // MARK: Building

    /// Judges a whole snapshot (through the check cache) and keeps what later changes need.
    package static func build(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration, context: CheckContext,
                      today: String) throws(LoreError) -> SnapshotState {
        let listing: [SnapshotFile]
        do {
            listing = try snapshot.files()
        } catch {
            throw .repository(error)
        }
        let files = CorpusLoader.entryFiles(among: listing, configuration: configuration)
        let verdicts = try Checker.fileVerdicts(memory, snapshot: snapshot, configuration: configuration, files: files)
        var state = SnapshotState(fingerprint: context.fingerprint, contentID: snapshot.contentID, commit: snapshot.commit, today: today,
                                  shallow: memory.repository.isShallow, files: listing.map(\.path), records: [],
                                  existingCommits: [], missingCommits: [], extra: [], cycles: [])
        var records: [Record] = []
        records.reserveCapacity(files.count)
        for (file, verdict) in zip(files, verdicts) {
            records.append(state.record(path: file.path, kind: file.kind, blob: file.file.blob, verdict: verdict,
                                        configuration: configuration))
        }
        state.records = records
        let summaries = verdicts.compactMap(\.summary)
        state.judgeCommits(summaries, repository: memory.repository)
        state.extra = Checker.ownDiagnostics([], extra: CorpusLoader.snapshotDiagnostics(paths: files.map(\.path), of: snapshot,
                                                                                         configuration: configuration),
                                             configuration: configuration)
        state.judgeCollection(summaries: summaries, scope: nil, configuration: configuration)
        state.rejudged = Set(files.map(\.path))
        return state
    }

    /// A record of an entry file judged now.
    private func record(path: GitPath, kind: String, blob: ObjectID?, verdict: FileVerdict, configuration: Configuration) -> Record {
        let own = Checker.ownDiagnostics([verdict], extra: [], configuration: configuration)
        var summaryBytes: [UInt8] = []
        var keys: [UInt64] = []
        var flags: UInt8 = 0
        var skeleton: EntrySummary?
        if let summary = verdict.summary {
            EntrySummaryCoding.encode(summary, into: &summaryBytes)
            skeleton = LiveCheck.skeleton(summary)
            (keys, flags) = Self.dependencies(of: summary)
        }
        return Record(path: path, kind: kind, blob: blob, skeleton: skeleton, keys: keys, flags: flags,
                      summaryBytes: summaryBytes[...], ownBytes: Record.encode(own), collectionBytes: Record.encode([]))
    }

    /// What an entry's findings depend on besides itself: hashes of the ids it holds and names and
    /// of the paths it links to; flags for the findings that depend on the listing, date or commits.
    static func dependencies(of summary: EntrySummary) -> ([UInt64], UInt8) {
        var keys: Set<UInt64> = []
        var flags: UInt8 = 0
        if let id = summary.id?.text { keys.insert(key(id: id)) }
        for relation in summary.relations { keys.insert(key(id: relation.item.text)) }
        for link in summary.links {
            guard let target = link.target else { keys.insert(key(id: link.item.text)); continue }
            if target.hasSuffix(".md") { keys.insert(key(path: target)) } else { flags |= Record.followsNames }
        }
        if !summary.affects.isEmpty { flags |= Record.hasAffects }
        if !summary.dueItems.isEmpty { flags |= Record.hasDueItems }
        if !summary.commits.isEmpty { flags |= Record.hasCommits }
        return (keys.sorted(), flags)
    }

    static func key(id: String) -> UInt64 { FNV1a.hash(id.utf8, seed: 0x1D) }
    static func key(path: String) -> UInt64 { FNV1a.hash(path.utf8, seed: 0x9A) }
    static func key(path: GitPath) -> UInt64 { FNV1a.hash(path.bytes, seed: 0x9A) }

    /// Which `commits` ids exist, asking the repository only for those not known yet and for
    /// those missing before (a fetch may have brought them).
    private mutating func judgeCommits(_ summaries: [EntrySummary], repository: Repository) {
        for summary in summaries {
            for item in summary.commits where FieldType.isCommitID(item.text) {
                let key = item.text.lowercased()
                if existingCommits.contains(key) || missingCommits.contains(key) { continue }
                if repository.commitExists(item.text) { existingCommits.insert(key) } else { missingCommits.insert(key) }
                storage.commits.insert(key)
            }
        }
    }

    /// Runs the snapshot-wide rules: over every whole summary (`scope` nil), or over the
    /// skeletons with whole summaries for the entries of `scope`, keeping the findings of those.
    private mutating func judgeCollection(summaries given: [EntrySummary]?, scope: Set<GitPath>?, configuration: Configuration) {
        var input: [EntrySummary] = []
        var whole: [GitPath: EntrySummary] = [:]
        if let given {
            input = given
        } else {
            input.reserveCapacity(records.count)
            for record in records {
                guard let skeleton = record.skeleton else { continue }
                if scope?.contains(record.path) ?? true, let summary = record.summary() {
                    input.append(summary)
                    whole[record.path] = summary
                } else {
                    input.append(skeleton)
                }
            }
        }
        let facts = SnapshotFacts(configuration: configuration, today: today, files: FileIndex(files),
                                  existingCommits: existingCommits, historyIsIncomplete: shallow)
        var found: [GitPath: [Diagnostic]] = [:]
        var cycles: [Diagnostic] = []
        for diagnostic in Checker.collectionDiagnostics(input, facts: facts, rules: Checker.snapshotRules) {
            if diagnostic.code == SupersessionCycleRule.description.id {
                cycles.append(diagnostic)
            } else if scope?.contains(diagnostic.path) ?? true {
                found[diagnostic.path, default: []].append(diagnostic)
            }
        }
        self.cycles = cycles
        for index in records.indices where scope?.contains(records[index].path) ?? true {
            let bytes = Record.encode(found[records[index].path] ?? [])
            if !bytes.elementsEqual(records[index].collectionBytes) { storage.records.insert(records[index].path) }
            records[index].collectionBytes = bytes
        }
    }

    // MARK: Changes

    /// Brings the state up to date with `changes` (paths not named are unchanged) and the date
    /// `today`: judges the changed entry files (read through `snapshot`, or as the bytes given),
    /// then the snapshot-wide rules for the entries the changes can affect. A change of
    /// `.lore/` (configuration, templates) cannot be applied: the caller builds the state anew.
    package mutating func apply(_ changes: [SnapshotChange], memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                        context: CheckContext, today: String) throws(LoreError) {
        contentID = snapshot.contentID
        commit = snapshot.commit
        rejudged = []
        // Nothing changed, the same day, no missing commit found since: the state stands.
        if changes.isEmpty, today == self.today, !missingCommits.contains(where: { memory.repository.commitExists($0) }) { return }
        var affectedKeys: Set<UInt64> = []
        var filesChanged = false
        var changedEntries: [(path: GitPath, kind: String, content: SnapshotChange.Content)] = []
        var removed: Set<GitPath> = []
        // The listing.
        var addedFiles: Set<GitPath> = []
        var removedFiles: Set<GitPath> = []
        for change in changes {
            let present: Bool
            if case .deleted = change.content { present = false } else { present = true }
            let listed = Self.binarySearch(files, change.path)
            if present && !listed { addedFiles.insert(change.path) }
            if !present && listed { removedFiles.insert(change.path) }
            if present != listed { affectedKeys.insert(Self.key(path: change.path)) }
            if let kind = CorpusLoader.entryKind(of: change.path, configuration: configuration) {
                if present { changedEntries.append((change.path, kind, change.content)) } else { removed.insert(change.path) }
            }
        }
        if !addedFiles.isEmpty || !removedFiles.isEmpty {
            filesChanged = true
            storage.files.formUnion(addedFiles)
            storage.files.formUnion(removedFiles)
            files = Self.merge(files.filter { !removedFiles.contains($0) }, addedFiles.sorted())
        }
        // The entry files judged again.
        let verdicts = try judge(changedEntries, memory: memory, snapshot: snapshot, configuration: configuration)
        var byPath: [GitPath: Int] = [:]
        for (index, record) in records.enumerated() { byPath[record.path] = index }
        var changedPaths = Set(changedEntries.map(\.path)).union(removed)
        var identityChanged = false
        func noteIdentity(_ old: EntrySummary?, _ new: EntrySummary?) {
            if old == nil && new == nil { return }
            if let old, let new, LiveCheck.sameIdentity(old, new), old.kind == new.kind { return }
            identityChanged = true
            for skeleton in [old, new].compactMap({ $0 }) {
                if let id = skeleton.id?.text { affectedKeys.insert(Self.key(id: id)) }
                affectedKeys.insert(Self.key(path: skeleton.path))
                for relation in skeleton.relations { affectedKeys.insert(Self.key(id: relation.item.text)) }
            }
        }
        var newRecords: [GitPath: Record] = [:]
        for (entry, verdict) in zip(changedEntries, verdicts) {
            let blob: ObjectID?
            if case .file(let file) = entry.content { blob = file.blob } else { blob = nil }
            let record = record(path: entry.path, kind: entry.kind, blob: blob, verdict: verdict, configuration: configuration)
            if let index = byPath[entry.path], records[index].blob != nil, records[index].blob == blob, records[index].kind == entry.kind {
                changedPaths.remove(entry.path)   // the same blob: nothing to judge
                continue
            }
            noteIdentity(byPath[entry.path].flatMap { records[$0].skeleton }, record.skeleton)
            newRecords[entry.path] = record
        }
        for path in removed { noteIdentity(byPath[path].flatMap { records[$0].skeleton }, nil) }
        judgeCommits(newRecords.values.compactMap { $0.summary() }, repository: memory.repository)
        // A commit missing before may exist now (fetched): the entries naming it are judged again.
        let found = missingCommits.filter { memory.repository.commitExists($0) }
        if !found.isEmpty {
            missingCommits.subtract(found)
            existingCommits.formUnion(found)
            storage.commits.formUnion(found)
        }
        let dateMoved = today != self.today
        self.today = today
        // The new records, in path order.
        if !newRecords.isEmpty || !removed.isEmpty {
            var merged: [Record] = []
            merged.reserveCapacity(records.count + newRecords.count)
            for record in records where newRecords[record.path] == nil && !removed.contains(record.path) { merged.append(record) }
            records = Self.merge(merged, newRecords.values.sorted { $0.path < $1.path }, by: \.path)
            storage.records.formUnion(newRecords.keys)
            storage.records.formUnion(removed)
        }
        // The entries whose findings may change.
        var scope = Set(newRecords.keys)
        let followsChanged = identityChanged || filesChanged
        if !affectedKeys.isEmpty || dateMoved || !found.isEmpty || followsChanged {
            for record in records where record.skeleton != nil && !scope.contains(record.path) {
                if (dateMoved && record.flags & Record.hasDueItems != 0)
                    || (filesChanged && record.flags & Record.hasAffects != 0)
                    || (!found.isEmpty && record.flags & Record.hasCommits != 0)
                    || (followsChanged && record.flags & Record.followsNames != 0)
                    || record.keys.contains(where: affectedKeys.contains) {
                    scope.insert(record.path)
                }
            }
        }
        if !changes.isEmpty {
            var entryPaths: [GitPath] = []
            entryPaths.reserveCapacity(records.count)
            for record in records { entryPaths.append(record.path) }
            extra = Checker.ownDiagnostics([], extra: CorpusLoader.snapshotDiagnostics(paths: entryPaths, of: snapshot, configuration: configuration),
                                           configuration: configuration)
        }
        if !scope.isEmpty || identityChanged {
            judgeCollection(summaries: nil, scope: scope, configuration: configuration)
        }
        rejudged = scope.union(changedPaths)
    }

    /// Each changed entry file judged by itself: a few read and parsed directly (opening the check
    /// cache costs more than parsing three files), many through the check cache.
    private func judge(_ entries: [(path: GitPath, kind: String, content: SnapshotChange.Content)], memory: MemoryRepository,
                       snapshot: Snapshot, configuration: Configuration) throws(LoreError) -> [FileVerdict] {
        let context = try Checker.context(for: configuration, in: snapshot)
        let rules = Checker.entryRules
        let files = entries.compactMap { entry -> CorpusLoader.EntryFile? in
            if case .file(let file) = entry.content { return CorpusLoader.EntryFile(file: file, kind: entry.kind) }
            return nil
        }
        var fromFiles: [FileVerdict] = []
        if files.count > 64 {
            fromFiles = try Checker.fileVerdicts(memory, snapshot: snapshot, configuration: configuration, files: files)
        } else if !files.isEmpty {
            do {
                fromFiles = try CorpusLoader.process(files, from: snapshot, configuration: configuration, keyed: false,
                                                     cached: { _, _ in nil },
                                                     make: { file, result, _ in
                                                         FileVerdict(FieldDerivation.apply(result, kind: configuration.kind(named: file.kind)),
                                                                     rules: rules, context: context)
                                                     })
            } catch {
                throw .repository(error)
            }
        }
        var next = fromFiles.makeIterator()
        var verdicts: [FileVerdict] = []
        for entry in entries {
            switch entry.content {
            case .file:
                guard let verdict = next.next() else { continue }
                verdicts.append(verdict)
            case .bytes(let bytes):
                let result: EntryParser.Result
                if bytes.count > configuration.maxFileSize {
                    result = EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                        path: entry.path, position: SourcePosition(line: 1, column: 1), code: "file-too-large",
                        message: "file of \(bytes.count) bytes is larger than max_file_size (\(configuration.maxFileSize) bytes); not read")])
                } else {
                    result = EntryParser.parse(path: entry.path, kind: entry.kind, bytes: bytes, readsFilesWithoutFrontMatter: true)
                }
                verdicts.append(FileVerdict(FieldDerivation.apply(result, kind: configuration.kind(named: entry.kind)), rules: rules, context: context))
            case .deleted:
                continue
            }
        }
        return verdicts
    }

    /// Two sorted lists as one sorted list.
    static func merge<T, K: Comparable>(_ one: [T], _ other: [T], by key: (T) -> K) -> [T] {
        var result: [T] = []
        result.reserveCapacity(one.count + other.count)
        var i = 0, j = 0
        while i < one.count || j < other.count {
            if j == other.count || (i < one.count && key(one[i]) < key(other[j])) { result.append(one[i]); i += 1 } else { result.append(other[j]); j += 1 }
        }
        return result
    }

    static func merge(_ one: [GitPath], _ other: [GitPath]) -> [GitPath] { merge(one, other, by: { $0 }) }

    /// `path` is in the sorted `list`.
    static func binarySearch(_ list: [GitPath], _ path: GitPath) -> Bool {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < path { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low] == path
    }

    // MARK: Reports

    /// The report `lore check` gives of the snapshot: every finding, sorted.
    package func report(notes: [String]) -> CheckReport {
        var diagnostics = extra + cycles
        var checked: [GitPath] = []
        var count = 0
        for record in records {
            diagnostics += record.own()
            diagnostics += record.collection()
            if record.skeleton != nil { count += 1; checked.append(record.path) }
        }
        diagnostics.sort()
        let paths = Set(checked).union(diagnostics.map(\.path))
        return CheckReport(diagnostics: diagnostics, entryCount: count, notes: notes, checkedPaths: paths.sorted())
    }

    /// The report of `lore check --changed-since`: the findings in the files of `changed`, and the
    /// findings elsewhere that `base` (the state of the revision compared with) does not have,
    /// speaking for the files of `changed`. An entry whose findings are stored as the same bytes
    /// in both states is not even decoded: none of its findings can be new.
    package func report(since base: SnapshotState, changed: Set<GitPath>, notes: [String]) -> CheckReport {
        var baseExtra: [GitPath: [Diagnostic]] = [:]
        for diagnostic in base.extra + base.cycles { baseExtra[diagnostic.path, default: []].append(diagnostic) }
        var extraHere: [GitPath: [Diagnostic]] = [:]
        for diagnostic in extra + cycles { extraHere[diagnostic.path, default: []].append(diagnostic) }
        struct Key: Hashable { let position: SourcePosition; let code: String; let message: String }
        func key(_ diagnostic: Diagnostic) -> Key { Key(position: diagnostic.position, code: diagnostic.code, message: diagnostic.message) }
        var kept: [Diagnostic] = []
        var checked: Set<GitPath> = []
        var b = 0
        var seen: Set<GitPath> = []
        func judge(_ path: GitPath, now: [Diagnostic], before: () -> [Diagnostic], isEntry: Bool) {
            if changed.contains(path) {
                kept += now
                if isEntry || !now.isEmpty { checked.insert(path) }
                return
            }
            guard !now.isEmpty else { return }
            let known = Set(before().map(key))
            for diagnostic in now where !known.contains(key(diagnostic)) {
                kept.append(diagnostic)
                checked.insert(path)
            }
        }
        for record in records {
            while b < base.records.count && base.records[b].path < record.path { b += 1 }
            let other = b < base.records.count && base.records[b].path == record.path ? base.records[b] : nil
            let here = extraHere[record.path] ?? []
            let previous = baseExtra[record.path] ?? []
            seen.insert(record.path)
            if !changed.contains(record.path), let other, here == previous,
               other.ownBytes.elementsEqual(record.ownBytes), other.collectionBytes.elementsEqual(record.collectionBytes) {
                continue
            }
            judge(record.path, now: record.own() + record.collection() + here,
                  before: { (other.map { $0.own() + $0.collection() } ?? []) + previous }, isEntry: record.skeleton != nil)
        }
        // Findings about files that are not entry records (none today; kept for completeness).
        for (path, here) in extraHere where !seen.contains(path) {
            judge(path, now: here, before: { (base.index(of: path).map { base.records[$0].own() + base.records[$0].collection() } ?? [])
                + (baseExtra[path] ?? []) }, isEntry: false)
        }
        kept.sort()
        return CheckReport(diagnostics: kept, entryCount: entryCount, notes: notes, checkedPaths: checked.union(kept.map(\.path)).sorted())
    }

    /// The findings of the entry file at `path` (its own and the snapshot-wide rules'), unsorted.
    package func findings(at path: GitPath) -> [Diagnostic] {
        guard let index = index(of: path) else { return [] }
        return records[index].own() + records[index].collection()
    }

    /// Where the record of `path` is.
    func index(of path: GitPath) -> Int? {
        var low = 0, high = records.count
        while low < high {
            let middle = (low + high) / 2
            if records[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < records.count && records[low].path == path ? low : nil
    }

    /// The ids every entry holds, in path order: the id table (`lore new` counts past it).
    public var ids: [String] { records.compactMap { $0.skeleton?.id?.text } }

    /// The entry files' paths and ids, in path order (entries without an id left out): the id
    /// table kept beside the state.
    var idTable: [(path: GitPath, id: String)] {
        records.compactMap { record in record.skeleton?.id.map { (record.path, $0.text) } }
    }

    /// Every entry's summary, in path order.
    public var summaries: [EntrySummary] { records.compactMap { $0.summary() } }

    /// How many entries the snapshot has.
    public var entryCount: Int { records.reduce(0) { $0 + ($1.skeleton != nil ? 1 : 0) } }

    /// The changes that turn this state's listing into `listing` (a snapshot's whole listing,
    /// sorted by path): entry files whose blob differs, files added or removed.
    package func changes(to listing: [SnapshotFile], configuration: Configuration) -> [SnapshotChange] {
        var changes: [SnapshotChange] = []
        var i = 0, j = 0
        var r = 0
        while i < files.count || j < listing.count {
            if j == listing.count || (i < files.count && files[i] < listing[j].path) {
                changes.append(SnapshotChange(path: files[i], content: .deleted))
                i += 1
            } else if i == files.count || listing[j].path < files[i] {
                changes.append(SnapshotChange(path: listing[j].path, content: .file(listing[j])))
                j += 1
            } else {
                let file = listing[j]
                while r < records.count && records[r].path < file.path { r += 1 }
                if r < records.count, records[r].path == file.path {
                    if records[r].blob == nil || records[r].blob != file.blob {
                        changes.append(SnapshotChange(path: file.path, content: .file(file)))
                    }
                } else if CorpusLoader.entryKind(of: file.path, configuration: configuration) != nil {
                    changes.append(SnapshotChange(path: file.path, content: .file(file)))
                }
                i += 1
                j += 1
            }
        }
        return changes
    }

    // MARK: Storage

    private init(fingerprint: UInt64, contentID: ObjectID?, commit: ObjectID?, today: String, shallow: Bool, files: [GitPath],
                 records: [Record], existingCommits: Set<String>, missingCommits: Set<String>, extra: [Diagnostic], cycles: [Diagnostic]) {
        self.fingerprint = fingerprint
        self.contentID = contentID
        self.commit = commit
        self.today = today
        self.shallow = shallow
        self.files = files
        self.records = records
        self.existingCommits = existingCommits
        self.missingCommits = missingCommits
        self.extra = extra
        self.cycles = cycles
    }

    /// The binary form.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        Self.u64(fingerprint, into: &out)
        encodeHead(into: &out)
        out.append(shallow ? 1 : 0)
        ByteWriter.varint(files.count, into: &out)
        for path in files { ByteWriter.bytes(path.bytes, into: &out) }
        for set in [existingCommits, missingCommits] {
            ByteWriter.varint(set.count, into: &out)
            for commit in set.sorted() { ByteWriter.string(commit, into: &out) }
        }
        encodeLists(into: &out)
        ByteWriter.varint(records.count, into: &out)
        for record in records { Self.encode(record, into: &out) }
        return out
    }

    /// A journal record: what changed since the state's storage was read or written (the content
    /// id, commit and date, the commits judged since, the snapshot-wide lists, the listing's paths
    /// and entry records changed), naming the record it follows (`parent`) and itself (`chain`).
    func journal(parent: UInt64, chain: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        Self.u64(parent, into: &out)
        Self.u64(chain, into: &out)
        encodeHead(into: &out)
        ByteWriter.varint(storage.commits.count, into: &out)
        for commit in storage.commits.sorted() {
            ByteWriter.string(commit, into: &out)
            out.append(existingCommits.contains(commit) ? 1 : missingCommits.contains(commit) ? 2 : 0)
        }
        encodeLists(into: &out)
        ByteWriter.varint(storage.files.count, into: &out)
        for path in storage.files.sorted() {
            ByteWriter.bytes(path.bytes, into: &out)
            out.append(Self.binarySearch(files, path) ? 1 : 0)
        }
        ByteWriter.varint(storage.records.count, into: &out)
        for path in storage.records.sorted() {
            if let index = index(of: path) {
                out.append(1)
                Self.encode(records[index], into: &out)
            } else {
                out.append(0)
                ByteWriter.bytes(path.bytes, into: &out)
            }
        }
        return out
    }

    /// Applies a journal record written by `journal(parent:chain:)`; `false`, leaving the state
    /// as it was, when the record does not follow the last one applied or does not read.
    mutating func applyJournal(_ bytes: ArraySlice<UInt8>) -> Bool {
        var reader = ByteReader(bytes)
        guard let parent = Self.u64(&reader), parent == storage.chain, let chain = Self.u64(&reader),
              let head = Self.decodeHead(&reader), let commitCount = reader.varint(), commitCount <= bytes.count else { return false }
        var commits: [(String, UInt8)] = []
        for _ in 0..<commitCount {
            guard let commit = reader.string(), let known = reader.byte() else { return false }
            commits.append((commit, known))
        }
        guard let lists = Self.decodeLists(&reader), let fileCount = reader.varint(), fileCount <= bytes.count else { return false }
        var added: [GitPath] = [], removed: Set<GitPath> = []
        for _ in 0..<fileCount {
            guard let path = Self.decodePath(&reader), let present = reader.byte() else { return false }
            if present == 1 { added.append(path) } else { removed.insert(path) }
        }
        guard let recordCount = reader.varint(), recordCount <= bytes.count else { return false }
        var changed: [GitPath: Record?] = [:]
        for _ in 0..<recordCount {
            guard let present = reader.byte() else { return false }
            if present == 1 {
                guard let record = Self.decodeRecord(&reader, limit: bytes.count) else { return false }
                changed[record.path] = .some(record)
            } else {
                guard let path = Self.decodePath(&reader) else { return false }
                changed[path] = .some(nil)
            }
        }
        guard reader.isAtEnd else { return false }
        (contentID, commit, today) = head
        for (commit, known) in commits {
            existingCommits.remove(commit)
            missingCommits.remove(commit)
            if known == 1 { existingCommits.insert(commit) } else if known == 2 { missingCommits.insert(commit) }
        }
        (extra, cycles) = lists
        if !added.isEmpty || !removed.isEmpty {
            let addedSet = Set(added)
            files = Self.merge(files.filter { !removed.contains($0) && !addedSet.contains($0) }, addedSet.sorted())
        }
        if !changed.isEmpty {
            let kept = records.filter { changed[$0.path] == nil }
            records = Self.merge(kept, changed.values.compactMap { $0 }.sorted { $0.path < $1.path }, by: \.path)
        }
        storage.chain = chain
        storage.journalCount += 1
        storage.journalBytes += bytes.count
        return true
    }

    /// Reads what `encoded()` wrote; `nil` when the bytes are not a state.
    static func decode(_ bytes: ArraySlice<UInt8>) -> SnapshotState? {
        var reader = ByteReader(bytes)
        guard let fingerprint = u64(&reader), let head = decodeHead(&reader), let shallow = reader.byte(),
              let fileCount = reader.varint(), fileCount <= bytes.count else { return nil }
        var files: [GitPath] = []
        files.reserveCapacity(fileCount)
        for _ in 0..<fileCount {
            guard let next = decodePath(&reader) else { return nil }
            files.append(next)
        }
        var sets: [Set<String>] = []
        for _ in 0..<2 {
            guard let count = reader.varint(), count <= bytes.count else { return nil }
            var set = Set<String>()
            for _ in 0..<count {
                guard let text = reader.string() else { return nil }
                set.insert(text)
            }
            sets.append(set)
        }
        guard let lists = decodeLists(&reader), let recordCount = reader.varint(), recordCount <= bytes.count else { return nil }
        var records: [Record] = []
        records.reserveCapacity(recordCount)
        for _ in 0..<recordCount {
            guard let record = decodeRecord(&reader, limit: bytes.count) else { return nil }
            records.append(record)
        }
        guard reader.isAtEnd else { return nil }
        return SnapshotState(fingerprint: fingerprint, contentID: head.0, commit: head.1, today: head.2, shallow: shallow == 1,
                             files: files, records: records, existingCommits: sets[0], missingCommits: sets[1],
                             extra: lists.0, cycles: lists.1)
    }

    // The parts both forms share.

    static func u64(_ value: UInt64, into out: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func u64(_ reader: inout ByteReader) -> UInt64? {
        guard let raw = reader.bytes(8) else { return nil }
        return raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func id(_ value: ObjectID?, into out: inout [UInt8]) {
        if let value { out.append(1); out += value.raw } else { out.append(0) }
    }

    private static func id(_ reader: inout ByteReader) -> ObjectID?? {
        guard let flag = reader.byte() else { return nil }
        if flag == 0 { return .some(nil) }
        guard flag == 1, let raw = reader.bytes(20), let value = ObjectID(raw: Array(raw)) else { return nil }
        return .some(value)
    }

    private static func decodePath(_ reader: inout ByteReader) -> GitPath? {
        guard let count = reader.varint(), let raw = reader.bytes(count) else { return nil }
        return GitPath(bytes: Array(raw))
    }

    /// The content id, commit and date.
    private func encodeHead(into out: inout [UInt8]) {
        Self.id(contentID, into: &out)
        Self.id(commit, into: &out)
        ByteWriter.string(today, into: &out)
    }

    private static func decodeHead(_ reader: inout ByteReader) -> (ObjectID?, ObjectID?, String)? {
        guard let contentID = id(&reader), let commit = id(&reader), let today = reader.string() else { return nil }
        return (contentID, commit, today)
    }

    /// The findings about the entry files as a set, and `supersession-cycle`'s.
    private func encodeLists(into out: inout [UInt8]) {
        for list in [extra, cycles] {
            ByteWriter.varint(list.count, into: &out)
            for diagnostic in list {
                ByteWriter.bytes(diagnostic.path.bytes, into: &out)
                ByteWriter.diagnostics([diagnostic], into: &out)
            }
        }
    }

    private static func decodeLists(_ reader: inout ByteReader) -> ([Diagnostic], [Diagnostic])? {
        var lists: [[Diagnostic]] = []
        for _ in 0..<2 {
            guard let count = reader.varint(), count <= 1 << 24 else { return nil }
            var list: [Diagnostic] = []
            for _ in 0..<count {
                guard let where_ = decodePath(&reader), let one = reader.diagnostics(path: where_), one.count == 1 else { return nil }
                list += one
            }
            lists.append(list)
        }
        return (lists[0], lists[1])
    }

    private static func encode(_ record: Record, into out: inout [UInt8]) {
        ByteWriter.bytes(record.path.bytes, into: &out)
        ByteWriter.string(record.kind, into: &out)
        id(record.blob, into: &out)
        out.append(record.skeleton == nil ? 0 : 1)
        out.append(record.flags)
        ByteWriter.varint(record.keys.count, into: &out)
        for key in record.keys { u64(key, into: &out) }
        for part in [record.summaryBytes, record.ownBytes, record.collectionBytes] {
            ByteWriter.varint(part.count, into: &out)
            out += part
        }
    }

    private static func decodeRecord(_ reader: inout ByteReader, limit: Int) -> Record? {
        guard let path = decodePath(&reader), let kind = reader.string(), let blob = id(&reader), let isEntry = reader.byte(),
              let flags = reader.byte(), let keyCount = reader.varint(), keyCount <= limit else { return nil }
        var keys: [UInt64] = []
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount {
            guard let key = u64(&reader) else { return nil }
            keys.append(key)
        }
        var parts: [ArraySlice<UInt8>] = []
        for _ in 0..<3 {
            guard let count = reader.varint(), let part = reader.bytes(count) else { return nil }
            parts.append(part)
        }
        var skeleton: EntrySummary?
        if isEntry == 1 {
            var summaryReader = ByteReader(parts[0])
            guard let value = EntrySummaryCoding.decodeSkeleton(&summaryReader, path: path, kind: kind) else { return nil }
            skeleton = value
        }
        return Record(path: path, kind: kind, blob: blob, skeleton: skeleton, keys: keys, flags: flags,
                      summaryBytes: parts[0], ownBytes: parts[1], collectionBytes: parts[2])
    }
}
