import Git
import Markdown

/// What entry rules may consult besides the entry: the configuration and the kinds' templates.
/// Nothing here depends on the rest of the snapshot or on the date, so an entry's findings can be
/// cached by its content, path and this context's `fingerprint`.
public struct CheckContext: Sendable {
    /// The configuration of the snapshot.
    public let configuration: Configuration
    /// Each kind's template sections, by kind name.
    public let templates: [String: TemplateSections]
    /// Statuses in which an entry is still a draft: placeholders are warnings, not errors.
    public var draftStatuses: Set<String> { configuration.draftStatuses }
    /// A stable hash of everything above and of Lore's version: equal fingerprints, equal findings.
    public let fingerprint: UInt64

    /// A context; `templateTexts` are the kinds' template texts by kind name.
    public init(configuration: Configuration, templateTexts: [String: String]) {
        self.configuration = configuration
        var templates: [String: TemplateSections] = [:]
        for (name, text) in templateTexts {
            templates[name] = TemplateSections(templateText: text, level: configuration.kind(named: name)?.sectionLevel ?? 2)
        }
        self.templates = templates
        fingerprint = FNV1a.hash(texts: ["lore \(LoreVersion.current)", String(configuration.sourceDigest)]
            + templateTexts.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
    }
}

/// What snapshot-wide rules may consult besides the entries' summaries: the date, the snapshot's
/// files and the repository's commits.
public struct SnapshotFacts: Sendable {
    /// The configuration of the snapshot.
    public let configuration: Configuration
    /// Today, `YYYY-MM-DD` (`--today`, else the local date).
    public let today: String
    /// Every file path of the snapshot (for `affects` globs and relative links).
    public let files: FileIndex
    /// Which of the entries' commit ids (7–40 hex, lowercased) exist in the repository.
    public let existingCommits: Set<String>
    /// History is incomplete (a shallow clone): missing commits are not findings.
    public let historyIsIncomplete: Bool
    /// The ids of each synced source (`sources:`), by name: what a qualified id (`payments:PM-0001`)
    /// is judged against. A configured source missing here was never synced (a note, not a
    /// finding); `nil` leaves every link to a configured source unjudged.
    public var sourceIDs: [String: Set<String>]? = nil
    /// The entries' statuses in the snapshot a change is judged against (`--changed-since REV`, or
    /// `HEAD` for `--staged`); `nil` when no change is being judged. Status lifecycles
    /// (`transitions:`) are enforced against it.
    public var previousStatuses: PreviousStatuses?
    /// The day of the last commit that changed each entry file (`YYYY-MM-DD`), read only when some
    /// entry would otherwise be due for review: a change counts as a review (`review-due`).
    public var lastChanged: [GitPath: String] = [:]
    /// When only findings a change causes are wanted (`--changed-since`), the entry files whose
    /// summaries the change touched: pairwise rules (`recurring-incident`) then judge only the
    /// pairs involving one of them, since every other pair is judged alike before and after.
    /// `nil` judges every pair.
    public var involving: Set<GitPath>?

    /// Facts.
    public init(configuration: Configuration, today: String, files: FileIndex, existingCommits: Set<String>,
                historyIsIncomplete: Bool) {
        self.configuration = configuration
        self.today = today
        self.files = files
        self.existingCommits = existingCommits
        self.historyIsIncomplete = historyIsIncomplete
    }
}

/// A template's sections: the `##` headings a kind requires, with their placeholder text.
public struct TemplateSections: Sendable, Hashable {
    /// Each section: title and the placeholder text it holds in the template (normalised).
    public let sections: [(title: String, placeholder: String)]

    public static func == (lhs: TemplateSections, rhs: TemplateSections) -> Bool {
        lhs.sections.map(\.title) == rhs.sections.map(\.title) && lhs.sections.map(\.placeholder) == rhs.sections.map(\.placeholder)
    }

    public func hash(into hasher: inout Hasher) {
        for section in sections { hasher.combine(section.title); hasher.combine(section.placeholder) }
    }

    /// Reads a template's text (front-matter with `{{…}}` placeholders allowed, then the body).
    public init(templateText: String, level: Int = 2) {
        // The front-matter of a template is not YAML until filled in: cut it off at its fences.
        var body = templateText
        if let split = EntryParser.split(templateText), split.closingLine != nil { body = split.body }
        let document = try? MarkdownDocument.parse(body)
        let parsed = EntryParser.sections(of: body, headings: document?.headings ?? [], lineOffset: 0, level: level)
        sections = parsed.map { ($0.title, $0.text) }
    }
}

/// The entries' statuses in the snapshot a change starts from, to tell what the change did to each
/// entry's status: an entry is compared with the entry at its path before, else (moved) with the
/// one entry that had its id; an id two entries held before (a `duplicate-id`) names neither.
public struct PreviousStatuses: Sendable {
    private var byPath: [GitPath: String] = [:]
    private var byID: [String: String?] = [:]

    /// The statuses of `summaries`, the entries of the earlier snapshot.
    public init(_ summaries: [EntrySummary]) {
        for summary in summaries {
            let status = summary.loop.status
            byPath[summary.path] = status
            if let id = summary.id?.text { byID[id] = byID[id] == nil ? .some(status) : .some(nil) }
        }
    }

    /// The status `entry` had before the change, if it can be told.
    public func status(of entry: EntrySummary) -> String? {
        if let status = byPath[entry.path] { return status }
        guard let id = entry.id?.text, let status = byID[id] else { return nil }
        return status
    }
}
