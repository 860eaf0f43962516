import Git

/// How seriously a rule's findings count: configured per rule in `.lore/config.yml`.
public enum RuleSeverity: String, Sendable, Hashable, CaseIterable {
    case error, warning, off
}

/// One file of a rule example.
public struct ExampleFile: Sendable, Hashable {
    /// Path from the repository root (kept as written: NFC and NFD spellings stay distinct).
    public let path: String
    /// The text, with `↓` marking each expected finding.
    public let text: String
}

/// A small repository for a rule's example: files by path, `↓` marking where a finding must be
/// reported (the marker is removed before the files are written).
public struct RuleExample: Sendable, Hashable {
    /// The files, in order (a list, not a dictionary: `café.md` spelt two ways is two files).
    public let files: [ExampleFile]
    /// Options for the run (`today` for date-dependent rules).
    public let today: String?

    /// An example made of files.
    public init(_ files: KeyValuePairs<String, String>, today: String? = nil) {
        self.files = files.map { ExampleFile(path: $0.key, text: $0.value) }
        self.today = today
    }

    /// An example with a single postmortem at `postmortems/x.md`.
    public static func postmortem(_ text: String, today: String? = nil) -> RuleExample {
        RuleExample(["postmortems/x.md": text], today: today)
    }
}

/// What a rule is: the id findings carry, why it exists, how serious it is by default, and the
/// examples that drive both its tests and `docs/rules.md`.
public struct RuleDescription: Sendable {
    /// Kebab-case id, as in `[missing-field]` and `rules:` in the configuration.
    public let id: String
    /// One line: what the rule finds.
    public let summary: String
    /// One line: why it matters.
    public let rationale: String
    /// The severity when the configuration says nothing.
    public let defaultSeverity: RuleSeverity
    /// Repositories in which the rule must report at every `↓`.
    public let triggering: [RuleExample]
    /// Repositories in which the rule must report nothing.
    public let nonTriggering: [RuleExample]
}

/// A problem a rule found. `severity` is set when the rule itself lowers it (a placeholder in a
/// draft is only a warning); otherwise the configured severity applies.
public struct Finding: Sendable, Hashable {
    public let path: GitPath
    public let position: SourcePosition
    public let message: String
    public let severity: Diagnostic.Severity?

    /// A finding.
    public init(_ path: GitPath, _ position: SourcePosition, _ message: String, severity: Diagnostic.Severity? = nil) {
        self.path = path
        self.position = position
        self.message = message
        self.severity = severity
    }
}

/// A rule judging one entry at a time.
public protocol EntryRule: Sendable {
    /// The rule's description.
    static var description: RuleDescription { get }
    /// Findings for one entry.
    func check(_ entry: Entry, in context: CheckContext) -> [Finding]
}

/// A rule judging the whole snapshot at once ("collect, then judge"), from the entries' summaries.
public protocol CollectionRule: Sendable {
    /// The rule's description.
    static var description: RuleDescription { get }
    /// Findings over every entry.
    func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding]
}

/// Findings that come from reading files (unreadable front-matter, binary files …) are produced by
/// the corpus loader; these rules describe them so they are documented and configurable.
public protocol FileRule: Sendable {
    /// The rule's description.
    static var description: RuleDescription { get }
}
