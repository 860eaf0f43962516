import Git

/// `lore check` kept in memory for a session that edits entries (`lore lsp`): each entry file's
/// verdict by path — read once through the check cache, then replaced one file at a time from an
/// editor's unsaved text — and the snapshot-wide rules run again over the summaries. The same
/// rules, severities and messages as `lore check`; a change never re-reads the repository.
public struct LiveCheck: Sendable {
    /// The configuration and templates entries are judged with.
    public let context: CheckContext
    /// Every file path of the snapshot (for `affects` globs and relative links), with the entry
    /// files added and removed since.
    public private(set) var files: FileIndex
    /// History is incomplete (a shallow clone): missing commits are not findings.
    public let historyIsIncomplete: Bool
    private var verdicts: [GitPath: FileVerdict]
    /// The entry files, sorted by path (the order `lore check` judges them in).
    private var order: [GitPath]
    /// Findings about the snapshot's files as a set (name clashes, unmerged files).
    private let extra: [Diagnostic]
    /// Commit ids (lowercased) named by `commits` that exist in the repository.
    private var existingCommits: Set<String>
    /// Each file's own findings (reading it, its entry rules), at their severities.
    private var own: [GitPath: [Diagnostic]] = [:]
    /// The snapshot-wide rules' findings by file, as of the last run (`nil`: to run again).
    private var collection: [GitPath: [Diagnostic]]?
    /// The date the snapshot-wide rules last ran with.
    private var collectionToday = ""
    /// Every file's findings, sorted, as last reported.
    private var merged: [GitPath: [Diagnostic]] = [:]
    /// Files whose findings may have changed since last reported (`nil`: any).
    private var touched: Set<GitPath>? = nil
    /// Every entry's summary reduced to what other entries' findings depend on (its id and its
    /// supersession items), in path order, as of the last run of the snapshot-wide rules; and where
    /// each path is in it.
    private var skeletons: [EntrySummary] = []
    private var skeletonIndex: [GitPath: Int] = [:]
    /// Files whose snapshot-wide findings are to be judged again by themselves (see `findingsByFile`).
    private var rejudge: Set<GitPath> = []
    /// The ids of each synced source (`payments:PM-0001` is judged against them, as `lore check`
    /// does; `nil`: qualified ids are not judged). Setting it runs the snapshot-wide rules again.
    public var sourceIDs: [String: Set<String>]? = nil {
        didSet { if sourceIDs != oldValue { collection = nil } }
    }

    /// Judges every entry file of `snapshot` by itself, through the check cache (only files changed
    /// since the last check are parsed).
    public init(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration) throws(LoreError) {
        let listing: [SnapshotFile]
        do {
            listing = try snapshot.files()
        } catch {
            throw .repository(error)
        }
        let entryFiles = CorpusLoader.entryFiles(among: listing, configuration: configuration)
        let found = try Checker.fileVerdicts(memory, snapshot: snapshot, configuration: configuration, files: entryFiles)
        context = try Checker.context(for: configuration, in: snapshot)
        files = FileIndex(listing.map(\.path))
        historyIsIncomplete = memory.repository.isShallow
        extra = CorpusLoader.snapshotDiagnostics(entryFiles, of: snapshot, configuration: configuration)
        var verdicts: [GitPath: FileVerdict] = [:]
        verdicts.reserveCapacity(found.count)
        for (file, verdict) in zip(entryFiles, found) { verdicts[file.path] = verdict }
        self.verdicts = verdicts
        order = entryFiles.map(\.path)
        let repository = memory.repository
        var existing = Set<String>()
        for summary in found.compactMap(\.summary) {
            for item in summary.commits where FieldType.isCommitID(item.text) && repository.commitExists(item.text) {
                existing.insert(item.text.lowercased())
            }
        }
        existingCommits = existing
        let configuration = context.configuration
        for (path, verdict) in verdicts {
            own[path] = Checker.ownDiagnostics([verdict], extra: [], configuration: configuration)
        }
        for diagnostic in Checker.ownDiagnostics([], extra: extra, configuration: configuration) {
            own[diagnostic.path, default: []].append(diagnostic)
        }
    }

    /// The summary of the entry at `path`, as last judged.
    public func summary(at path: GitPath) -> EntrySummary? { verdicts[path]?.summary }

    /// Every entry's summary, in path order.
    public var summaries: [EntrySummary] { order.compactMap { verdicts[$0]?.summary } }

    /// Judges `bytes` as the entry file at `path` of kind `kind`, replacing what was known of it
    /// (an editor's unsaved text, or the file as it is now on disk). `commitExists` answers for
    /// the `commits` ids not seen before. Returns the parse, for the caller's own use.
    @discardableResult
    public mutating func update(path: GitPath, kind: String, bytes: [UInt8], commitExists: (String) -> Bool) -> EntryParser.Result {
        let result: EntryParser.Result
        let maxSize = context.configuration.maxFileSize
        if bytes.count > maxSize {
            result = EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                path: path, position: .start, code: "file-too-large",
                message: "file of \(bytes.count) bytes is larger than max_file_size (\(maxSize) bytes); not read")])
        } else {
            result = EntryParser.parse(path: path, kind: kind, bytes: bytes)
        }
        let verdict = FileVerdict(result, rules: Checker.entryRules, context: context)
        for item in verdict.summary?.commits ?? [] where FieldType.isCommitID(item.text) {
            let key = item.text.lowercased()
            if !existingCommits.contains(key), commitExists(item.text) { existingCommits.insert(key) }
        }
        let old = verdicts.updateValue(verdict, forKey: path)
        if old == nil {
            order.insert(path, at: insertionIndex(path))
            if let text = path.string, !files.contains(text) { files = FileIndex(files.all + [text]) }
        }
        own[path] = Checker.ownDiagnostics([verdict], extra: extra.filter { $0.path == path }, configuration: context.configuration)
        // The snapshot-wide rules see only summaries: when the summary says the same (positions
        // aside), their findings stay, moved with the file's items; otherwise they run again.
        if old != nil, var found = collection, let moved = Self.moves(from: old?.summary, to: verdict.summary) {
            if let mine = found[path] {
                found[path] = mine.map { Diagnostic(path: $0.path, position: moved[$0.position] ?? $0.position, severity: $0.severity,
                                                    code: $0.code, message: $0.message) }
            }
            collection = found
            touched?.insert(path)
        } else if old != nil, collection != nil, skeletonIndex[path] != nil,
                  let before = old?.summary, let after = verdict.summary, Self.sameIdentity(before, after) {
            rejudge.insert(path)
            touched?.insert(path)
        } else {
            collection = nil
        }
        return result
    }

    /// Forgets the entry file at `path` (deleted).
    public mutating func remove(path: GitPath) {
        guard verdicts.removeValue(forKey: path) != nil else { return }
        let index = insertionIndex(path)
        if index < order.count, order[index] == path { order.remove(at: index) }
        if let text = path.string, files.contains(text) { files = FileIndex(files.all.filter { $0 != text }) }
        own.removeValue(forKey: path)
        collection = nil
    }

    /// Every finding, at its configured severity, as `lore check` reports the snapshot; `today`
    /// (`YYYY-MM-DD`) is the date overdue action items are judged against.
    public mutating func report(today: String) -> CheckReport {
        var all = findingsByFile(today: today).files.values.flatMap { $0 }
        all.sort()
        return CheckReport(diagnostics: all, entryCount: verdicts.values.filter { $0.summary != nil }.count, notes: [])
    }

    /// Every file's findings, sorted, by path (files without any are absent), as `lore check`
    /// reports them; and the files whose findings may have changed since the last call (`nil`:
    /// any). The snapshot-wide rules run again only when a summary changed other than by moving.
    public mutating func findingsByFile(today: String) -> (files: [GitPath: [Diagnostic]], changed: Set<GitPath>?) {
        if collection == nil || today != collectionToday {
            var facts = SnapshotFacts(configuration: context.configuration, today: today, files: files,
                                      existingCommits: existingCommits, historyIsIncomplete: historyIsIncomplete)
            facts.sourceIDs = sourceIDs
            var found: [GitPath: [Diagnostic]] = [:]
            for diagnostic in Checker.collectionDiagnostics(order.compactMap { verdicts[$0]?.summary }, facts: facts) {
                found[diagnostic.path, default: []].append(diagnostic)
            }
            collection = found
            collectionToday = today
            touched = nil
            rejudge = []
            skeletons = order.compactMap { verdicts[$0]?.summary.map(Self.skeleton) }
            skeletonIndex = Dictionary(uniqueKeysWithValues: skeletons.enumerated().map { ($1.path, $0) })
        }
        if !rejudge.isEmpty, var found = collection {
            // A file whose id and supersession items did not change cannot change other files'
            // findings; its own are those of the rules run over the other files' skeletons and its
            // whole summary (what the other files contribute to its findings is in their skeletons).
            var facts = SnapshotFacts(configuration: context.configuration, today: today, files: files,
                                      existingCommits: existingCommits, historyIsIncomplete: historyIsIncomplete)
            facts.sourceIDs = sourceIDs
            for path in rejudge {
                guard let index = skeletonIndex[path], let summary = verdicts[path]?.summary else { continue }
                var input = skeletons
                input[index] = summary
                let mine = Checker.collectionDiagnostics(input, facts: facts).filter { $0.path == path }
                found[path] = mine.isEmpty ? nil : mine
            }
            collection = found
            rejudge = []
        }
        let found = collection ?? [:]
        func combined(_ path: GitPath) -> [Diagnostic]? {
            let all = (own[path] ?? []) + (found[path] ?? [])
            return all.isEmpty ? nil : all.sorted()
        }
        let changed = touched
        if let changed {
            for path in changed { merged[path] = combined(path) }
        } else {
            var all: [GitPath: [Diagnostic]] = [:]
            for path in Set(own.keys).union(found.keys) { all[path] = combined(path) }
            merged = all
        }
        touched = []
        return (merged, changed)
    }

    /// What other entries' findings depend on in a summary: its id and supersession items.
    static func skeleton(_ summary: EntrySummary) -> EntrySummary {
        EntrySummary(path: summary.path, kind: summary.kind, id: summary.id,
                     relations: summary.relations.filter { $0.field == "supersedes" || $0.field == "superseded_by" },
                     links: [], affects: [], commits: [], dueItems: [])
    }

    /// The summaries give the same skeleton, but for positions.
    static func sameIdentity(_ old: EntrySummary, _ new: EntrySummary) -> Bool {
        let before = skeleton(old), after = skeleton(new)
        return before.kind == after.kind && before.id?.text == after.id?.text
            && before.relations.map { [$0.field, $0.item.text] } == after.relations.map { [$0.field, $0.item.text] }
    }

    /// How the items of a summary moved, when `new` says the same as `old` but for positions;
    /// `nil` when it says something else.
    static func moves(from old: EntrySummary?, to new: EntrySummary?) -> [SourcePosition: SourcePosition]? {
        guard let old, let new else { return old == nil && new == nil ? [:] : nil }
        guard old.kind == new.kind, old.id?.text == new.id?.text, old.loop == new.loop,
              old.relations.map({ [$0.field, $0.item.text] }) == new.relations.map({ [$0.field, $0.item.text] }),
              old.links.map({ [$0.item.text, $0.target ?? "\u{0}"] }) == new.links.map({ [$0.item.text, $0.target ?? "\u{0}"] }),
              old.affects.map(\.text) == new.affects.map(\.text), old.commits.map(\.text) == new.commits.map(\.text),
              old.dueItems.map({ [$0.title, $0.due] }) == new.dueItems.map({ [$0.title, $0.due] }) else { return nil }
        var moves: [SourcePosition: SourcePosition] = [:]
        func pair(_ from: [SourcePosition], _ to: [SourcePosition]) {
            for (a, b) in zip(from, to) where a != b { moves[a] = b }
        }
        pair(old.id.map { [$0.position] } ?? [], new.id.map { [$0.position] } ?? [])
        pair(old.relations.map(\.item.position), new.relations.map(\.item.position))
        pair(old.links.map(\.item.position), new.links.map(\.item.position))
        pair(old.affects.map(\.position), new.affects.map(\.position))
        pair(old.commits.map(\.position), new.commits.map(\.position))
        pair(old.dueItems.map(\.position), new.dueItems.map(\.position))
        return moves
    }

    private func insertionIndex(_ path: GitPath) -> Int {
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < path { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
