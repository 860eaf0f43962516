import Foundation
import Git

/// What `lore check` found in one snapshot.
public struct CheckReport: Sendable {
    /// Every finding at its configured severity, sorted by path, line, column, rule.
    public let diagnostics: [Diagnostic]
    /// How many entries were read.
    public let entryCount: Int
    /// Things to say that are not findings (history incomplete in a shallow clone …).
    public let notes: [String]
    /// The entry files the report speaks for, sorted: every file judged (with findings or not),
    /// cut to the paths and changes asked for. JUnit makes a test case of each.
    public let checkedPaths: [GitPath]

    /// A report; `checkedPaths` defaults to the files the diagnostics name.
    public init(diagnostics: [Diagnostic], entryCount: Int, notes: [String], checkedPaths: [GitPath]? = nil) {
        self.diagnostics = diagnostics
        self.entryCount = entryCount
        self.notes = notes
        self.checkedPaths = checkedPaths ?? Array(Set(diagnostics.map(\.path))).sorted()
    }

    /// The same report with only the findings `include` keeps, speaking for the files `inScope`
    /// keeps (and any file a kept finding names).
    func keeping(_ include: (Diagnostic) -> Bool, inScope: (GitPath) -> Bool) -> CheckReport {
        let kept = diagnostics.filter(include)
        let paths = Set(checkedPaths.filter(inScope)).union(kept.map(\.path))
        return CheckReport(diagnostics: kept, entryCount: entryCount, notes: notes, checkedPaths: paths.sorted())
    }

    /// The same report with `extra` findings added, in order.
    func adding(_ extra: [Diagnostic]) -> CheckReport {
        guard !extra.isEmpty else { return self }
        return CheckReport(diagnostics: (diagnostics + extra).sorted(), entryCount: entryCount, notes: notes,
                           checkedPaths: Set(checkedPaths).union(extra.map(\.path)).sorted())
    }

    /// Findings at error severity.
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// Findings at warning severity.
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// What to judge and what to report.
public struct CheckOptions: Sendable {
    /// The date overdue action items are judged against (`YYYY-MM-DD`); the local date when `nil`.
    public var today: String?
    /// Report only findings in entries changed since this revision, plus findings anywhere that
    /// those changes caused (findings the revision did not have): a deleted entry others link to
    /// fails. The whole snapshot is judged either way.
    public var changedSince: String?
    /// Report only findings in these files or folders (repository-relative).
    public var paths: [String]

    /// Options.
    public init(today: String? = nil, changedSince: String? = nil, paths: [String] = []) {
        self.today = today
        self.changedSince = changedSince
        self.paths = paths
    }
}

/// Runs every rule over a snapshot: file rules come from reading, entry rules run per entry on
/// every core, collection rules run over the whole corpus; severities come from the configuration.
public enum Checker {
    /// Rules judging one entry.
    public static let entryRules: [any EntryRule] = [
        MissingFieldRule(), InvalidFieldRule(), InvalidValueRule(), IDFormatRule(), KindMismatchRule(),
        MissingSectionRule(), EmptySectionRule(), PlaceholderSectionRule(),
        IncompleteActionItemRule(), UnknownFieldRule(),
    ]
    /// Rules judging the whole snapshot, from the entries' summaries.
    public static let collectionRules: [any CollectionRule] = [
        DuplicateIDRule(), BrokenLinkRule(), SupersessionMismatchRule(), SupersessionCycleRule(),
        UnmatchedAffectsRule(), UnknownCommitRule(), OverdueActionItemRule(), ReviewDueRule(), RecurringIncidentRule(), StatusTransitionRule(),
    ]
    /// The learning loop's collection rules: they depend on more than the snapshot (the previous
    /// commit's statuses, history, entries sharing a service), so a kept `SnapshotState` leaves
    /// them out and every check judges them afresh.
    static let loopRules: [any CollectionRule] = [ReviewDueRule(), RecurringIncidentRule(), StatusTransitionRule()]
    /// The collection rules a kept `SnapshotState` holds the findings of.
    static let snapshotRules: [any CollectionRule] = collectionRules.filter { rule in
        !loopRules.contains { type(of: $0).description.id == type(of: rule).description.id }
    }
    /// Findings made while reading files.
    public static let fileRules: [any FileRule.Type] = [
        MissingFrontMatterRule.self, UnclosedFrontMatterRule.self, InvalidYAMLRule.self, BinaryFileRule.self,
        NulByteRule.self, InvalidUTF8Rule.self, FileTooLargeRule.self, MarkdownTooComplexRule.self, InvalidFrontMatterRule.self,
        NonUTF8PathRule.self, UnicodeNormalizationClashRule.self, UnmergedFileRule.self, SymlinkEntryRule.self,
        UnreadableFileRule.self,
    ]

    /// Every rule's description, sorted by id.
    public static var descriptions: [RuleDescription] {
        (entryRules.map { type(of: $0).description } + collectionRules.map { type(of: $0).description }
            + fileRules.map { $0.description } + CommitMessageRules.all).sorted { $0.id < $1.id }
    }

    /// Checks the snapshot `source` of `memory`. `today` (`YYYY-MM-DD`) defaults to the local date.
    public static func check(_ memory: MemoryRepository, source: SnapshotSource, today: String? = nil) throws(LoreError) -> CheckReport {
        try check(memory, source: source, options: CheckOptions(today: today))
    }

    /// Checks the snapshot `source` of `memory`, reporting what `options` asks for.
    public static func check(_ memory: MemoryRepository, source: SnapshotSource, options: CheckOptions) throws(LoreError) -> CheckReport {
        let snapshot = try memory.snapshot(source)
        let today = options.today ?? LocalDate.today()
        // A change is judged against the commit it starts from: the one named, or HEAD for the index.
        var base = options.changedSince
        if base == nil, case .index = source, (try? memory.repository.resolveCommit("HEAD")) != nil { base = "HEAD" }
        // The statuses before, read from the base's kept state when there is one (decoding its
        // summaries again took a fifth of the hook).
        func statuses() throws(LoreError) -> PreviousStatuses? {
            guard let base else { return nil }
            return try Checker.statuses(memory, snapshot: memory.snapshot(.revision(base)))
        }
        var report: CheckReport
        if let base = options.changedSince, memory.caching,
           let now = try state(memory, snapshot: snapshot, today: today),
           let before = try state(memory, snapshot: memory.snapshot(.revision(base)), today: today) {
            let (nowSummaries, beforeSummaries) = (now.summaries, before.summaries)
            let previous = PreviousStatuses(beforeSummaries)
            // Both snapshots' kept states: only entries whose findings differ are compared; the
            // learning loop's rules, which depend on more than the snapshot, are judged afresh.
            let changed: Set<GitPath>
            do {
                changed = try snapshot.changedPaths(since: base)
            } catch {
                throw .repository(error)
            }
            let baseSnapshot = try memory.snapshot(.revision(base))
            // The postmortems whose findings the change can alter: those changed and those sharing
            // a service or path with one of them (their most recent repeats may differ).
            let involving = try involvedPaths(nowSummaries, beforeSummaries, changed: changed).map { paths throws(LoreError) in
                Recurrence.sharing(with: paths, in: [nowSummaries, beforeSummaries], configuration: try memory.configuration(in: snapshot))
            }
            let found = try loopDiagnostics(memory, snapshot: snapshot, summaries: nowSummaries, today: today,
                                            previousStatuses: previous, involving: involving)
            let known = Set(try loopDiagnostics(memory, snapshot: baseSnapshot, summaries: beforeSummaries, today: today,
                                                previousStatuses: nil, involving: involving).map(\.identity))
            report = now.report(since: before, changed: changed, notes: notes(memory))
                .adding(found.filter { changed.contains($0.path) || !known.contains($0.identity) })
        } else if let base = options.changedSince {
            report = try checkWhole(memory, snapshot: snapshot, today: today, previousStatuses: try statuses())
            let changed: Set<GitPath>
            do {
                changed = try snapshot.changedPaths(since: base)
            } catch {
                throw .repository(error)
            }
            let before = try checkWhole(memory, snapshot: memory.snapshot(.revision(base)), today: today)
            let known = Set(before.diagnostics.map(\.identity))
            report = report.keeping({ changed.contains($0.path) || !known.contains($0.identity) }, inScope: changed.contains)
        } else {
            report = try checkWhole(memory, snapshot: snapshot, today: today, previousStatuses: try statuses())
        }
        if !options.paths.isEmpty {
            let scopes = options.paths.map { GitPath($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
            report = report.keeping({ diagnostic in scopes.contains { diagnostic.path.isInside($0) } },
                                    inScope: { path in scopes.contains { path.isInside($0) } })
        }
        return report
    }

    /// The entries' statuses in `snapshot`.
    private static func statuses(_ memory: MemoryRepository, snapshot: Snapshot) throws(LoreError) -> PreviousStatuses {
        let configuration = try memory.configuration(in: snapshot)
        return PreviousStatuses(try summaries(memory, snapshot: snapshot, configuration: configuration))
    }

    /// Judges a whole snapshot in two stages: each entry file by itself (read, parse, entry rules,
    /// summary — cached in `lore/check-cache` by blob, path, kind and context), then the snapshot's
    /// summaries together (collection rules, which are cheap). Only changed files are parsed.
    private static func checkWhole(_ memory: MemoryRepository, snapshot: Snapshot, today: String,
                                   previousStatuses: PreviousStatuses? = nil) throws(LoreError) -> CheckReport {
        let configuration = try memory.configuration(in: snapshot)
        // The kept state of the snapshot, brought up to date by what changed since it was kept;
        // the learning loop's rules depend on the previous commit and on history: judged afresh.
        if let state = try state(memory, snapshot: snapshot, configuration: configuration, today: today) {
            return state.report(notes: notes(memory))
                .adding(try loopDiagnostics(memory, snapshot: snapshot, summaries: state.summaries, today: today,
                                            previousStatuses: previousStatuses))
        }
        let listing: [SnapshotFile]
        do {
            listing = try snapshot.files()
        } catch {
            throw .repository(error)
        }
        let files = CorpusLoader.entryFiles(among: listing, configuration: configuration)
        let verdicts = try fileVerdicts(memory, snapshot: snapshot, configuration: configuration, files: files)
        let summaries = verdicts.compactMap(\.summary)
        let repository = memory.repository
        var existing = Set<String>()
        for summary in summaries {
            for item in summary.commits where FieldType.isCommitID(item.text) && repository.commitExists(item.text) {
                existing.insert(item.text.lowercased())
            }
        }
        var facts = SnapshotFacts(configuration: configuration, today: today, files: FileIndex(listing.map(\.path)),
                                  existingCommits: existing, historyIsIncomplete: repository.isShallow)
        let qualified = QualifiedIDs.judge(summaries, memory: memory, configuration: configuration)
        facts.sourceIDs = qualified.sourceIDs
        facts.previousStatuses = previousStatuses
        facts.lastChanged = lastChanged(memory, snapshot: snapshot, configuration: configuration, summaries: summaries, today: today)
        return assemble(verdicts, summaries: summaries, extra: CorpusLoader.snapshotDiagnostics(files, of: snapshot, configuration: configuration),
                        facts: facts, notes: notes(memory) + qualified.notes)
    }

    /// The snapshot's state, up to date (see `SnapshotState`): `nil` without caching, or when the
    /// working tree cannot be had from `HEAD`'s, or when the configuration names other
    /// repositories (`sources:`), whose synced ids change outside the snapshot and are judged anew.
    package static func state(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration? = nil,
                              today: String) throws(LoreError) -> SnapshotState? {
        guard memory.caching else { return nil }
        let read: Configuration
        if let configuration { read = configuration } else { read = try memory.configuration(in: snapshot) }
        guard read.sources.isEmpty else { return nil }
        return try SnapshotStateStore.state(memory, snapshot: snapshot, configuration: read, today: today)
    }

    /// The learning loop's rules (`loopRules`) over a snapshot's summaries: what the kept snapshot
    /// state leaves out, because it depends on the previous commit's statuses and on history.
    private static func loopDiagnostics(_ memory: MemoryRepository, snapshot: Snapshot, summaries: [EntrySummary], today: String,
                                        previousStatuses: PreviousStatuses?, involving: Set<GitPath>? = nil) throws(LoreError) -> [Diagnostic] {
        let configuration = try memory.configuration(in: snapshot)
        var facts = SnapshotFacts(configuration: configuration, today: today, files: FileIndex([GitPath]()), existingCommits: [],
                                  historyIsIncomplete: memory.repository.isShallow)
        facts.previousStatuses = previousStatuses
        facts.involving = involving
        facts.lastChanged = lastChanged(memory, snapshot: snapshot, configuration: configuration, summaries: summaries, today: today)
        return collectionDiagnostics(summaries, facts: facts, rules: loopRules)
    }

    /// The entry files a change between two snapshots touches, for the pairwise loop rules: the
    /// changed paths and every path whose summary differs or exists in one snapshot only; `nil`
    /// (judge every pair) when something under `.lore/` changed (the configuration decides what
    /// a postmortem is).
    private static func involvedPaths(_ now: [EntrySummary], _ before: [EntrySummary], changed: Set<GitPath>) -> Set<GitPath>? {
        var old: [GitPath: EntrySummary] = [:]
        for summary in before { old[summary.path] = summary }
        var involving = changed
        for summary in now {
            if let earlier = old.removeValue(forKey: summary.path) {
                if earlier != summary { involving.insert(summary.path) }
            } else {
                involving.insert(summary.path)
            }
        }
        involving.formUnion(old.keys)
        return changed.contains { $0.description.hasPrefix(".lore/") } ? nil : involving
    }

    /// The day of the last commit that changed each entry that would be due for review without it,
    /// from history (read only then: a commit changing the entry counts as its review, and most
    /// checks have no review due at all).
    private static func lastChanged(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                                    summaries: [EntrySummary], today: String) -> [GitPath: String] {
        let dueBefore = summaries.filter { summary in
            ReviewDates.due(summary.loop, kind: configuration.kind(named: summary.kind)).map { $0 < today } ?? false
        }
        guard !dueBefore.isEmpty, let history = try? memory.history(of: snapshot, configuration: configuration) else { return [:] }
        var changed: [GitPath: String] = [:]
        for summary in dueBefore {
            if let updated = history.history(of: summary.path)?.updated { changed[summary.path] = String(updated.timestamp.prefix(10)) }
        }
        return changed
    }

    /// What a check says besides its findings.
    private static func notes(_ memory: MemoryRepository) -> [String] {
        memory.repository.isShallow ? ["history is incomplete (shallow clone): `commits` were not checked; fetch with --unshallow (in CI: fetch-depth: 0)"] : []
    }

    /// The findings `lore check` would report for the file at `path` if it held `text`, judged
    /// with the rest of `source` as it is (so a duplicate id or a broken link is found too),
    /// without writing anything: `lore mcp`'s `check_draft`. `path` must be an entry file of a
    /// kind's folder (`kind(containing:)`); a draft larger than `max_file_size` is refused as
    /// `lore check` refuses such a file.
    public static func checkDraft(_ memory: MemoryRepository, source: SnapshotSource, path: GitPath, text: [UInt8],
                                  today: String? = nil) throws(LoreError) -> CheckReport {
        let snapshot = try memory.snapshot(source)
        let configuration = try memory.configuration(in: snapshot)
        let listing: [SnapshotFile]
        do {
            listing = try snapshot.files().filter { $0.path != path }
        } catch {
            throw .repository(error)
        }
        let files = CorpusLoader.entryFiles(among: listing, configuration: configuration)
        var verdicts = try fileVerdicts(memory, snapshot: snapshot, configuration: configuration, files: files)
        let context = try Self.context(for: configuration, in: snapshot)
        let kind = configuration.kind(containing: path)?.name ?? ""
        if text.count > configuration.maxFileSize {
            verdicts.append(FileVerdict(EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                path: path, position: SourcePosition(line: 1, column: 1), code: "file-too-large",
                message: "file of \(text.count) bytes is larger than max_file_size (\(configuration.maxFileSize) bytes); not read")]),
                rules: entryRules, context: context))
        } else {
            verdicts.append(FileVerdict(EntryParser.parse(path: path, kind: kind, bytes: text), rules: entryRules, context: context))
        }
        let summaries = verdicts.compactMap(\.summary)
        let repository = memory.repository
        var existing = Set<String>()
        for summary in summaries {
            for item in summary.commits where FieldType.isCommitID(item.text) && repository.commitExists(item.text) {
                existing.insert(item.text.lowercased())
            }
        }
        let facts = SnapshotFacts(configuration: configuration, today: today ?? LocalDate.today(),
                                  files: FileIndex(listing.map(\.path) + [path]), existingCommits: existing,
                                  historyIsIncomplete: repository.isShallow)
        return assemble(verdicts, summaries: summaries, extra: [], facts: facts, notes: []).keeping({ $0.path == path }, inScope: { $0 == path })
    }

    /// Each entry file judged by itself (read, parsed, entry rules, summary), from the check cache
    /// (`lore/check-cache`, by blob, path, kind and check context) when it has the file; what is
    /// made is added to the cache. In the order of `files`.
    static func fileVerdicts(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                             files: [CorpusLoader.EntryFile]) throws(LoreError) -> [FileVerdict] {
        try cachedVerdicts(memory, snapshot: snapshot, configuration: configuration, files: files,
                           decode: { FileVerdict.decode($0, path: $1.path, kind: $1.kind) }, keep: { $0 })
    }

    /// The summaries of every entry of a snapshot (affects, commits, links, ids …), in path order:
    /// what the snapshot-wide rules, `lore recall` and other whole-repository questions work on.
    /// Read from the check cache (only the summary part of each verdict is decoded), so only files
    /// changed since the last check are parsed and judged — and then cached for `lore check`.
    static func summaries(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration) throws(LoreError) -> [EntrySummary] {
        // The snapshot's kept state holds them, up to date: no cache of 10,000 verdicts to read.
        if let state = try state(memory, snapshot: snapshot, configuration: configuration, today: LocalDate.today()) {
            return state.summaries
        }
        let files: [CorpusLoader.EntryFile]
        do {
            files = try CorpusLoader.entryFiles(of: snapshot, configuration: configuration)
        } catch {
            throw .repository(error)
        }
        let found: [EntrySummary?] = try cachedVerdicts(
            memory, snapshot: snapshot, configuration: configuration, files: files,
            decode: { bytes, file -> EntrySummary?? in
                switch FileVerdict.decodeSummary(bytes, path: file.path, kind: file.kind) {
                case .summary(let summary)?: return .some(summary)
                case .notAnEntry?: return .some(nil)
                case nil: return nil
                }
            },
            keep: \.summary)
        return found.compactMap { $0 }
    }

    /// The one reader of the check cache: for each file, what `decode` reads from its cached
    /// verdict, or what `keep` takes from a verdict made now (read, parsed, judged). Only new
    /// verdicts are written; the records used are left as they are.
    private static func cachedVerdicts<T: Sendable>(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration,
                                                    files: [CorpusLoader.EntryFile],
                                                    decode: @escaping @Sendable (ArraySlice<UInt8>, CorpusLoader.EntryFile) -> T?,
                                                    keep: @escaping @Sendable (FileVerdict) -> T) throws(LoreError) -> [T] {
        let context = try Self.context(for: configuration, in: snapshot)
        let cache = memory.sessionCache(CheckCache.self, make: CheckCache.init(gitDirectory:))
        let rules = entryRules
        let fingerprint = context.fingerprint
        typealias Outcome = CachedOutcome<T>
        let outcomes: [Outcome]
        do {
            outcomes = try CorpusLoader.process(files, from: snapshot, configuration: configuration, keyed: cache != nil,
                cached: { file, blob in
                    let key = CheckCache.key(blob: blob, path: file.path, kind: file.kind, fingerprint: fingerprint)
                    guard let bytes = cache?.store[key], let value = decode(bytes, file) else { return nil }
                    return Outcome(value: value, key: key, encoded: nil)
                },
                make: { file, result, blob in
                    let verdict = FileVerdict(FieldDerivation.apply(result, kind: configuration.kind(named: file.kind)), rules: rules, context: context)
                    let key = blob.map { CheckCache.key(blob: $0, path: file.path, kind: file.kind, fingerprint: fingerprint) }
                    return Outcome(value: keep(verdict), key: key, encoded: key == nil ? nil : verdict.encoded())
                })
        } catch {
            throw .repository(error)
        }
        if let cache, outcomes.contains(where: { $0.encoded != nil }) {
            cache.store.keep(outcomes.compactMap { outcome in
                guard let key = outcome.key else { return nil }
                if let encoded = outcome.encoded { return (key, encoded[...], true) }
                return cache.store[key].map { (key, $0, false) }
            })
        }
        return outcomes.map(\.value)
    }

    /// A value read from the check cache or made now, with its record (`encoded` when new).
    private struct CachedOutcome<T: Sendable>: Sendable {
        let value: T
        let key: [UInt8]?
        let encoded: [UInt8]?
    }

    /// The check context of a snapshot: its configuration and the kinds' templates
    /// (`.lore/templates/<template>.md` in the snapshot, else the built-in one).
    public static func context(for configuration: Configuration, in snapshot: Snapshot) throws(LoreError) -> CheckContext {
        var texts: [String: String] = [:]
        for kind in configuration.kinds {
            let own: FileContents?
            do {
                own = try snapshot.contents(at: GitPath(".lore/templates/\(kind.template).md"), limit: 1 << 20)
            } catch {
                throw .repository(error)
            }
            if case .bytes(let bytes)? = own {
                texts[kind.name] = String(decoding: bytes, as: UTF8.self)
            } else if let text = BuiltInTemplates.text(for: kind.template) {
                texts[kind.name] = text
            }
        }
        return CheckContext(configuration: configuration, templateTexts: texts)
    }

    /// Applies every rule to a corpus already read.
    public static func judge(_ corpus: Corpus, context: CheckContext, facts: SnapshotFacts, notes: [String] = []) -> CheckReport {
        let rules = entryRules
        let verdicts = corpus.entries.parallelMap { FileVerdict(EntryParser.Result(entry: $0, diagnostics: []), rules: rules, context: context) }
        return assemble(verdicts, summaries: verdicts.compactMap(\.summary), extra: corpus.diagnostics, facts: facts, notes: notes)
    }

    /// Runs the collection rules over the verdicts' summaries and gives every finding its
    /// configured severity.
    static func assemble(_ verdicts: [FileVerdict], summaries: [EntrySummary], extra: [Diagnostic], facts: SnapshotFacts,
                         notes: [String]) -> CheckReport {
        var diagnostics = ownDiagnostics(verdicts, extra: extra, configuration: facts.configuration)
        diagnostics += collectionDiagnostics(summaries, facts: facts)
        diagnostics.sort()
        let checked = Set(summaries.map(\.path)).union(diagnostics.map(\.path))
        return CheckReport(diagnostics: diagnostics, entryCount: summaries.count, notes: notes, checkedPaths: checked.sorted())
    }

    /// The configured severity of a rule.
    private static func severity(_ id: String, _ configuration: Configuration) -> RuleSeverity {
        configuration.ruleSeverities[id].flatMap(RuleSeverity.init(rawValue:)) ?? defaultSeverities[id] ?? .error
    }

    /// A finding at its configured severity (a rule may only lower it), `nil` when the rule is off.
    private static func diagnostic(_ rule: String, _ finding: Finding, _ configuration: Configuration) -> Diagnostic? {
        let configured = severity(rule, configuration)
        guard configured != .off else { return nil }
        let base: Diagnostic.Severity = configured == .error ? .error : .warning
        let final = finding.severity.map { max(base, $0) } ?? base   // a rule may only lower it
        return Diagnostic(path: finding.path, position: finding.position, severity: final, code: rule, message: finding.message)
    }

    /// What each file says by itself — problems reading it and its entry rules' findings — at the
    /// configured severities, unsorted.
    static func ownDiagnostics(_ verdicts: [FileVerdict], extra: [Diagnostic], configuration: Configuration) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for diagnostic in verdicts.flatMap(\.diagnostics) + extra {
            switch severity(diagnostic.code, configuration) {
            case .off: continue
            case .warning: diagnostics.append(diagnostic.with(severity: .warning))
            case .error: diagnostics.append(diagnostic)
            }
        }
        for verdict in verdicts {
            for item in verdict.findings {
                if let found = diagnostic(item.rule, item.finding, configuration) { diagnostics.append(found) }
            }
        }
        return diagnostics
    }

    /// The snapshot-wide rules' findings over the summaries, at the configured severities, unsorted.
    static func collectionDiagnostics(_ summaries: [EntrySummary], facts: SnapshotFacts,
                                      rules: [any CollectionRule] = collectionRules) -> [Diagnostic] {
        let configuration = facts.configuration
        // The snapshot-wide rules are independent of each other: they run side by side.
        let active = rules.filter { severity(type(of: $0).description.id, configuration) != .off }
        let found = active.parallelMap(batch: 1) { rule in (type(of: rule).description.id, rule.check(summaries, in: facts)) }
        var diagnostics: [Diagnostic] = []
        for (id, findings) in found {
            for finding in findings { if let found = diagnostic(id, finding, configuration) { diagnostics.append(found) } }
        }
        return diagnostics
    }

    /// Each rule's default severity, by id.
    private static let defaultSeverities: [String: RuleSeverity] =
        Dictionary(uniqueKeysWithValues: descriptions.map { ($0.id, $0.defaultSeverity) })
}

extension Diagnostic {
    func with(severity: Severity) -> Diagnostic {
        Diagnostic(path: path, position: position, severity: severity, code: code, message: message)
    }
}

extension Diagnostic {
    /// What tells two findings apart when reports of two snapshots are compared (`--changed-since`):
    /// path, position, rule and message, not severity. (A value, not a text: describing the
    /// path's bytes as text cost a dynamic cast per byte, seconds for a 10k corpus's findings.)
    var identity: Identity { Identity(path: path, position: position, code: code, message: message) }

    struct Identity: Hashable {
        let path: GitPath
        let position: SourcePosition
        let code: String
        let message: String
    }
}
