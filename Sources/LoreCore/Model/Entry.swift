import Git
import Markdown

/// An entry's front-matter: its fields in the order written, each with its position.
public struct FrontMatter: Sendable, Hashable {
    /// Every `key: value`, in the order written.
    public let fields: [YAMLPair]
    /// The line of the opening `---`.
    public let openingLine: Int
    /// The notation the front-matter was written in (`.none` when the file has none).
    public var syntax: FrontMatterSyntax = .yaml
    /// The fields not written in the front-matter but taken from elsewhere (the file name, a
    /// heading, a body line, git history), by name, with a word saying where from. Such a field
    /// is an ordinary field of `fields`, positioned at the text it came from.
    public var derived: [String: String] = [:]

    /// Front-matter made of `fields` (read elsewhere than a file: a synced source's index).
    package init(fields: [YAMLPair], openingLine: Int, syntax: FrontMatterSyntax = .yaml) {
        self.fields = fields
        self.openingLine = openingLine
        self.syntax = syntax
    }

    /// The field named `key`.
    public func field(_ key: String) -> YAMLPair? { fields.first { $0.key.text == key } }

    /// The value of the field named `key`.
    public subscript(key: String) -> YAMLValue? { field(key)?.value }

    /// The text of a single-value field, `nil` when absent, null or not a single value.
    public func text(_ key: String) -> String? {
        guard let scalar = self[key]?.scalar, !scalar.isNull else { return nil }
        return scalar.text
    }

    /// The items of a list field (a single value counts as a one-item list); null items are dropped.
    public func list(_ key: String) -> [String] { scalars(key).map(\.text) }

    /// The items of a list field with their positions (a single value counts as a one-item list;
    /// nulls and non-scalar items are dropped).
    public func scalars(_ key: String) -> [YAMLScalar] {
        switch self[key] {
        case .scalar(let scalar)?: return scalar.isNull ? [] : [scalar]
        case .sequence(let items, _)?: return items.compactMap { $0.scalar.flatMap { $0.isNull ? nil : $0 } }
        default: return []
        }
    }
}

/// A `##` (or other level) heading of an entry's body, in file coordinates.
public typealias EntryHeading = Markdown.Heading
/// A link in an entry's body, in file coordinates.
public typealias EntryLink = Markdown.Link

/// A `##` section of an entry's body with a summary of what it holds.
public struct EntrySection: Sendable, Hashable {
    /// The heading text.
    public let title: String
    /// The heading's line.
    public let line: Int
    /// The section's text with blank lines dropped and runs of blanks folded to one space, cut at
    /// `EntrySection.keptLength` bytes (on a character boundary): enough to tell empty, placeholder
    /// and written apart.
    public let text: String

    /// A section.
    package init(title: String, line: Int, text: String) {
        self.title = title
        self.line = line
        self.text = text
    }

    /// How much of a section's text is kept.
    public static let keptLength = 160

    /// The section holds no text.
    public var isEmpty: Bool { text.isEmpty }
}

/// One entry read from a snapshot: front-matter with positions, and the body's headings and links.
public struct Entry: Sendable, Hashable {
    /// The file, as exact bytes.
    public let path: GitPath
    /// The kind, from the folder the file is in.
    public let kind: String
    /// The front-matter.
    public let frontMatter: FrontMatter
    /// The line where the body starts (after the closing `---`).
    public let bodyLine: Int
    /// Every heading of the body, in order.
    public let headings: [EntryHeading]
    /// Every link of the body outside code, in order.
    public let links: [EntryLink]
    /// The body's `##` sections with their text.
    public let sectionTexts: [EntrySection]
    /// The body's first paragraph of prose (headings, code blocks, tables and HTML skipped), blanks
    /// folded to one space, cut at `Entry.summaryLength` bytes on a character boundary.
    public let summary: String

    /// `Key: value` facts of the body (bullets, lines, short sections), for fields a kind takes
    /// from the body.
    public var bodyFields: [BodyField] = []

    /// An entry read from elsewhere than a file (a synced source's published index).
    package init(path: GitPath, kind: String, frontMatter: FrontMatter, bodyLine: Int, headings: [EntryHeading], links: [EntryLink],
                 sectionTexts: [EntrySection], summary: String) {
        self.path = path
        self.kind = kind
        self.frontMatter = frontMatter
        self.bodyLine = bodyLine
        self.headings = headings
        self.links = links
        self.sectionTexts = sectionTexts
        self.summary = summary
    }

    /// How much of the first paragraph `summary` keeps.
    public static let summaryLength = 400

    /// `id` as written, when present.
    public var id: String? { frontMatter.text("id") }
    /// `title` as written.
    public var title: String? { frontMatter.text("title") }
    /// `date` as written.
    public var date: String? { frontMatter.text("date") }
    /// `status` as written.
    public var status: String? { frontMatter.text("status") }
    /// `tags`.
    public var tags: [String] { frontMatter.list("tags") }
    /// `authors` as written.
    public var authors: [String] { frontMatter.list("authors") }
    /// The body's sections: its `##` headings.
    public var sections: [EntryHeading] { headings.filter { $0.level == 2 } }
}
