import Git

/// How ids of a kind are made.
public enum IDScheme: String, Sendable, Hashable, CaseIterable {
    /// `PM-0042`: the next number.
    case sequence
    /// `PM-20250314-1`: the date and a counter.
    case date
    /// `PM-k3f9q`: five random characters.
    case random
}

/// One kind of entry: where its files live and what they contain.
public struct Kind: Sendable, Hashable {
    /// The kind's name (`postmortem`).
    public var name: String
    /// The folder holding its entries, relative to the repository root, without trailing `/`.
    public var dir: String
    /// The id prefix (`PM`).
    public var prefix: String
    /// Where `lore new` writes, relative to `dir`, with placeholders.
    public var path: String
    /// How ids are made.
    public var ids: IDScheme
    /// The template's name (`.lore/templates/NAME.md`, else the built-in one).
    public var template: String
    /// Allowed values of `status`.
    public var statuses: [String]
    /// Allowed values of `severity` (empty: the kind has no severity).
    public var severities: [String]
    /// Template sections that may be left out.
    public var optionalSections: [String]
    /// Every field the kind knows, common ones first, then the kind's, then declared ones.
    public var fields: [FieldSpec] {
        didSet { fieldIndex = Kind.index(fields) }
    }
    /// Where each field is in `fields`, by name (rules ask for every field of every entry).
    private var fieldIndex: [String: Int] = [:]
    /// Which files of `dir` are entries, as globs relative to `dir` (`include:`); empty: every
    /// `.md` file (FORMAT.md v1).
    public var include: [String] = []
    /// Files of `dir` that are not entries, as globs relative to `dir` (`exclude:`), besides the
    /// defaults (`EntryFileFilter.adoptedExclusions` for a kind that reads records as found).
    public var exclude: [String] = []
    /// `slug/index.md` files are entries named by their folder (`bundles: true`, Hugo page bundles).
    public var bundles = false
    /// The heading level of the body's sections (`section_level:`, 2 by default; 1 for records
    /// whose sections are `#` headings).
    public var sectionLevel = 2
    /// Entries of the kind are due for review this many days after their `date` or `reviewed`
    /// (`review_every_days:`); `nil`: only entries that set `review_by` are.
    public var reviewEveryDays: Int?
    /// The statuses each status may change to (`transitions:`); a status not listed may change to
    /// any. Empty: any change is allowed (FORMAT.md v1).
    public var transitions: [String: [String]] = [:]

    /// The kind reads records as teams already keep them: some field has sources, or the files are
    /// chosen by globs. Files without front-matter are entries of such a kind.
    public var readsRecordsAsFound: Bool {
        !include.isEmpty || !exclude.isEmpty || bundles || fields.contains { !$0.sources.isEmpty || !$0.aliases.isEmpty }
    }

    /// The kind's folder as a path (the repository root for `dir: .`).
    public var folder: GitPath { dir == "." ? GitPath(bytes: []) : GitPath(dir) }

    /// The declared spec of a field, if any.
    public func field(_ name: String) -> FieldSpec? { fieldIndex[name].map { fields[$0] } }

    /// A kind.
    public init(name: String, dir: String, prefix: String, path: String, ids: IDScheme, template: String,
                statuses: [String], severities: [String], optionalSections: [String], fields: [FieldSpec]) {
        self.name = name
        self.dir = dir
        self.prefix = prefix
        self.path = path
        self.ids = ids
        self.template = template
        self.statuses = statuses
        self.severities = severities
        self.optionalSections = optionalSections
        self.fields = fields
        fieldIndex = Kind.index(fields)
    }

    /// Whether `id` has the kind's form: its prefix, a dash, then what its id scheme makes.
    public func accepts(id: String) -> Bool {
        guard id.hasPrefix(prefix + "-") else { return false }
        let rest = Array(id.utf8.dropFirst(prefix.utf8.count + 1))
        let digit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        switch ids {
        case .sequence:
            return !rest.isEmpty && rest.allSatisfy(digit)
        case .date:
            guard rest.count >= 10, rest[8] == UInt8(ascii: "-"), rest[0..<8].allSatisfy(digit), rest[9...].allSatisfy(digit) else { return false }
            return true
        case .random:
            return rest.count >= 3 && rest.allSatisfy { digit($0) || ($0 >= 97 && $0 <= 122) }
        }
    }

    /// An id of the kind's form, for messages (`PM-0042`).
    public var idExample: String {
        switch ids {
        case .sequence: return "\(prefix)-0042"
        case .date: return "\(prefix)-20250314-1"
        case .random: return "\(prefix)-k3f9q"
        }
    }

    private static func index(_ fields: [FieldSpec]) -> [String: Int] {
        Dictionary(fields.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A repository's Lore configuration: `.lore/config.yml`, or the built-in defaults.
public struct Configuration: Sendable, Hashable {
    /// Where the configuration lives in a repository.
    public static let path = GitPath(".lore/config.yml")
    /// The default largest entry file read, in bytes (1 MiB).
    public static let defaultMaxFileSize = 1 << 20

    /// The kinds, in the order the configuration lists them.
    public var kinds: [Kind]
    /// Per-rule severity overrides: rule id → `error`, `warning` or `off`.
    public var ruleSeverities: [String: String]
    /// Statuses in which an entry is still a draft: unfinished sections are warnings, not errors.
    public var draftStatuses: Set<String> = ["draft", "proposed"]
    /// Entry files larger than this many bytes are reported, not read.
    public var maxFileSize: Int
    /// The configuration was read from `.lore/config.yml` (not the built-in defaults).
    public var isFromFile: Bool
    /// The other repositories making up the organization's memory (`sources:`), in the order
    /// listed.
    public var sources: [SourceSpec] = []
    /// This repository's own short name in the organization (`name:`): what other repositories'
    /// qualified ids call it, so `central:LL-0001` written in a source resolves here.
    public var name: String?
    /// A stable hash of the file's bytes (0 for the built-in configuration): what caches of results
    /// that depend on the configuration are keyed by.
    public var sourceDigest: UInt64 = 0

    /// The kind named `name`.
    public func kind(named name: String) -> Kind? { kinds.first { $0.name == name } }

    /// The kind whose folder holds `path`, the most specific folder winning.
    public func kind(containing path: GitPath) -> Kind? {
        var best: Kind?
        for kind in kinds where path.isInside(kind.folder) {
            if best == nil || kind.folder.bytes.count > best!.folder.bytes.count { best = kind }
        }
        return best
    }

    /// Configurations are equal when they say the same, whatever bytes said it.
    public static func == (lhs: Configuration, rhs: Configuration) -> Bool {
        lhs.kinds == rhs.kinds && lhs.ruleSeverities == rhs.ruleSeverities && lhs.draftStatuses == rhs.draftStatuses
            && lhs.maxFileSize == rhs.maxFileSize && lhs.isFromFile == rhs.isFromFile && lhs.sources == rhs.sources && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kinds)
        hasher.combine(ruleSeverities)
        hasher.combine(draftStatuses)
        hasher.combine(maxFileSize)
        hasher.combine(isFromFile)
    }

    /// The built-in kinds postmortem, lesson and decision, used when a repository has no configuration.
    public static let builtIn = Configuration(
        kinds: ["postmortem", "lesson", "decision"].map { BuiltInKinds.kind(named: $0)! },
        ruleSeverities: [:], maxFileSize: defaultMaxFileSize, isFromFile: false)
}

/// The built-in defaults of FORMAT.md v1.
package enum BuiltInKinds {
    static let commonFields: [FieldSpec] = [
        FieldSpec("id", .string, required: true),
        FieldSpec("kind", .string),
        FieldSpec("title", .string, required: true),
        FieldSpec("date", .date, required: true),
        // `status` is added per kind with its statuses.
        FieldSpec("authors", .list),
        FieldSpec("tags", .list),
        FieldSpec("related", .ids),
        FieldSpec("supersedes", .ids),
        FieldSpec("superseded_by", .ids),
        FieldSpec("affects", .globs),
        FieldSpec("commits", .commits),
        FieldSpec("review_by", .date),
        FieldSpec("reviewed", .date),
    ]

    static let actionItemFields: [FieldSpec] = [
        FieldSpec("title", .string, required: true),
        FieldSpec("owner", .string),
        FieldSpec("due", .date),
        FieldSpec("status", .enumeration(["open", "done", "wont-do"])),
        FieldSpec("link", .url),
    ]

    static func kindFields(_ name: String) -> [FieldSpec] {
        switch name {
        case "postmortem":
            return [FieldSpec("services", .list), FieldSpec("started", .datetime), FieldSpec("detected", .datetime),
                    FieldSpec("resolved", .datetime), FieldSpec("action_items", .objects(actionItemFields))]
        case "decision":
            return [FieldSpec("deciders", .list)]
        default:
            return []
        }
    }

    package static func kind(named name: String) -> Kind? {
        switch name {
        case "postmortem":
            return assemble(Kind(name: name, dir: "postmortems", prefix: "PM", path: "{yyyy}/{date}-{slug}.md", ids: .sequence,
                                 template: name, statuses: ["draft", "in-review", "published", "closed"],
                                 severities: ["SEV1", "SEV2", "SEV3", "SEV4"], optionalSections: ["Where we got lucky"], fields: []),
                            declared: [])
        case "lesson":
            return assemble(Kind(name: name, dir: "lessons", prefix: "LL", path: "{slug}.md", ids: .sequence, template: name,
                                 statuses: ["draft", "active", "superseded", "archived"], severities: [], optionalSections: [], fields: []),
                            declared: [])
        case "decision":
            return assemble(Kind(name: name, dir: "decisions", prefix: "DR", path: "{nnnn}-{slug}.md", ids: .sequence, template: name,
                                 statuses: ["proposed", "accepted", "rejected", "deprecated", "superseded"],
                                 severities: [], optionalSections: [], fields: []),
                            declared: [])
        default:
            return nil
        }
    }

    /// Fills `kind.fields`: common fields, status and severity from the kind's lists, the kind's own
    /// built-in fields, then declared fields (a declaration replaces a built-in of the same name).
    package static func assemble(_ kind: Kind, declared: [FieldSpec]) -> Kind {
        var kind = kind
        var fields = commonFields
        fields.insert(FieldSpec("status", .enumeration(kind.statuses), required: true), at: 4)
        if !kind.severities.isEmpty {
            fields.append(FieldSpec("severity", .enumeration(kind.severities), required: true))
        }
        fields += kindFields(kind.name)
        for spec in declared {
            if let index = fields.firstIndex(where: { $0.name == spec.name }) { fields[index] = spec } else { fields.append(spec) }
        }
        kind.fields = fields
        return kind
    }
}
