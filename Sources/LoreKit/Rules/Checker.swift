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

    /// A report.
    public init(diagnostics: [Diagnostic], entryCount: Int, notes: [String]) {
        self.diagnostics = diagnostics
        self.entryCount = entryCount
        self.notes = notes
    }

    /// The same report with only the findings `include` keeps.
    func keeping(_ include: (Diagnostic) -> Bool) -> CheckReport {
        CheckReport(diagnostics: diagnostics.filter(include), entryCount: entryCount, notes: notes)
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
        IncompleteActionItemRule(), OverdueActionItemRule(), UnknownFieldRule(),
    ]
    /// Rules judging the whole snapshot.
    public static let collectionRules: [any CollectionRule] = [
        DuplicateIDRule(), BrokenLinkRule(), SupersessionMismatchRule(), SupersessionCycleRule(),
        UnmatchedAffectsRule(), UnknownCommitRule(),
    ]
    /// Findings made while reading files.
    public static let fileRules: [any FileRule.Type] = [
        MissingFrontMatterRule.self, UnclosedFrontMatterRule.self, InvalidYAMLRule.self, BinaryFileRule.self,
        NulByteRule.self, InvalidUTF8Rule.self, FileTooLargeRule.self, MarkdownTooComplexRule.self,
        NonUTF8PathRule.self, UnicodeNormalizationClashRule.self, UnmergedFileRule.self,
    ]

    /// Every rule's description, sorted by id.
    public static var descriptions: [RuleDescription] {
        (entryRules.map { type(of: $0).description } + collectionRules.map { type(of: $0).description }
            + fileRules.map { $0.description }).sorted { $0.id < $1.id }
    }

    /// Checks the snapshot `source` of `memory`. `today` (`YYYY-MM-DD`) defaults to the local date.
    public static func check(_ memory: MemoryRepository, source: SnapshotSource, today: String? = nil) throws(LoreError) -> CheckReport {
        try check(memory, source: source, options: CheckOptions(today: today))
    }

    /// Checks the snapshot `source` of `memory`, reporting what `options` asks for.
    public static func check(_ memory: MemoryRepository, source: SnapshotSource, options: CheckOptions) throws(LoreError) -> CheckReport {
        let snapshot = try memory.snapshot(source)
        var report = try checkWhole(memory, snapshot: snapshot, today: options.today)
        if let base = options.changedSince {
            let changed: Set<GitPath>
            do {
                changed = try snapshot.changedPaths(since: base)
            } catch {
                throw .repository(error)
            }
            let before = try checkWhole(memory, snapshot: memory.snapshot(.revision(base)), today: options.today)
            let known = Set(before.diagnostics.map { "\($0.path.bytes)|\($0.position)|\($0.code)|\($0.message)" })
            report = report.keeping { changed.contains($0.path) || !known.contains("\($0.path.bytes)|\($0.position)|\($0.code)|\($0.message)") }
        }
        if !options.paths.isEmpty {
            let scopes = options.paths.map { GitPath($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
            report = report.keeping { diagnostic in scopes.contains { diagnostic.path.isInside($0) } }
        }
        return report
    }

    private static func checkWhole(_ memory: MemoryRepository, snapshot: Snapshot, today: String?) throws(LoreError) -> CheckReport {
        let configuration = try memory.configuration(in: snapshot)
        let corpus: Corpus
        let files: [String]
        corpus = try memory.corpus(of: snapshot, configuration: configuration)
        do {
            files = try snapshot.files().map(\.path.description)
        } catch {
            throw .repository(error)
        }
        var templates: [String: TemplateSections] = [:]
        for kind in configuration.kinds {
            let own = try? snapshot.contents(at: GitPath(".lore/templates/\(kind.template).md"), limit: 1 << 20)
            if case .bytes(let bytes)? = own {
                templates[kind.name] = TemplateSections(templateText: String(decoding: bytes, as: UTF8.self))
            } else if let text = BuiltInTemplates.text(for: kind.template) {
                templates[kind.name] = TemplateSections(templateText: text)
            }
        }
        let repository = memory.repository
        var existing = Set<String>()
        for entry in corpus.entries {
            for commit in entry.frontMatter.list("commits") where FieldType.isCommitID(commit) && repository.commitExists(commit) {
                existing.insert(commit.lowercased())
            }
        }
        let shallow = repository.isShallow
        let context = CheckContext(configuration: configuration, templates: templates, today: today ?? localToday(),
                                   files: FileIndex(files), existingCommits: existing, historyIsIncomplete: shallow,
                                   draftStatuses: configuration.draftStatuses)
        return judge(corpus, context: context, notes: shallow ? ["history is incomplete (shallow clone): `commits` were not checked; fetch with --unshallow (in CI: fetch-depth: 0)"] : [])
    }

    /// Applies every rule to a corpus already read.
    public static func judge(_ corpus: Corpus, context: CheckContext, notes: [String] = []) -> CheckReport {
        let severities = context.configuration.ruleSeverities
        @Sendable func severity(_ id: String, _ defaultSeverity: RuleSeverity) -> RuleSeverity {
            severities[id].flatMap(RuleSeverity.init(rawValue:)) ?? defaultSeverity
        }
        var diagnostics: [Diagnostic] = []
        let defaults = Dictionary(uniqueKeysWithValues: descriptions.map { ($0.id, $0.defaultSeverity) })
        for diagnostic in corpus.diagnostics {
            switch severity(diagnostic.code, defaults[diagnostic.code] ?? .error) {
            case .off: continue
            case .warning: diagnostics.append(diagnostic.with(severity: .warning))
            case .error: diagnostics.append(diagnostic.with(severity: diagnostic.severity))
            }
        }
        @Sendable func add(_ findings: [Finding], _ description: RuleDescription) -> [Diagnostic] {
            let configured = severity(description.id, description.defaultSeverity)
            guard configured != .off else { return [] }
            return findings.map { finding in
                let base: Diagnostic.Severity = configured == .error ? .error : .warning
                let final = finding.severity.map { max(base, $0) } ?? base   // a rule may only lower it
                return Diagnostic(path: finding.path, position: finding.position, severity: final,
                                  code: description.id, message: finding.message)
            }
        }
        let rules = entryRules
        let perEntry = corpus.entries.parallelMap { entry -> [Diagnostic] in
            rules.flatMap { rule in add(rule.check(entry, in: context), type(of: rule).description) }
        }
        diagnostics += perEntry.flatMap { $0 }
        for rule in collectionRules { diagnostics += add(rule.check(corpus, in: context), type(of: rule).description) }
        diagnostics.sort()
        return CheckReport(diagnostics: diagnostics, entryCount: corpus.entries.count, notes: notes)
    }

    /// Today in the local time zone, `YYYY-MM-DD` (what `--today` defaults to).
    public static func localToday() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}

extension Diagnostic {
    func with(severity: Severity) -> Diagnostic {
        Diagnostic(path: path, position: position, severity: severity, code: code, message: message)
    }
}
