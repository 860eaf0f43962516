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
        if verdicts.updateValue(verdict, forKey: path) == nil {
            order.insert(path, at: insertionIndex(path))
            if let text = path.string, !files.contains(text) { files = FileIndex(files.all + [text]) }
        }
        return result
    }

    /// Forgets the entry file at `path` (deleted).
    public mutating func remove(path: GitPath) {
        guard verdicts.removeValue(forKey: path) != nil else { return }
        let index = insertionIndex(path)
        if index < order.count, order[index] == path { order.remove(at: index) }
        if let text = path.string, files.contains(text) { files = FileIndex(files.all.filter { $0 != text }) }
    }

    /// Every finding, at its configured severity, as `lore check` reports the snapshot; `today`
    /// (`YYYY-MM-DD`) is the date overdue action items are judged against.
    public func report(today: String) -> CheckReport {
        let current = order.compactMap { verdicts[$0] }
        let facts = SnapshotFacts(configuration: context.configuration, today: today, files: files,
                                  existingCommits: existingCommits, historyIsIncomplete: historyIsIncomplete)
        return Checker.assemble(current, summaries: current.compactMap(\.summary), extra: extra, facts: facts, notes: [])
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
