/// A `Key: value` fact found in an entry's body, where records without front-matter keep their
/// status, date and authors: a bullet or line (`- Status: accepted`), a two-cell table row, or
/// the opening lines of a short section (`## Status`). The kind's configuration says which facts
/// become fields; the fact keeps the position of its value, so a field made from it points there.
public struct BodyField: Sendable, Hashable {
    /// Where the fact was found.
    public enum Origin: UInt8, Sendable, Hashable {
        /// A bullet, a line or a table row: `- Status: accepted`.
        case line
        /// The opening lines of the section under a heading whose text is the key.
        case section
    }
    /// The key as written (`Status`, `Date`, `Decision-makers`).
    public let key: String
    /// The value as written; for a section, its opening lines (blank lines kept as empty lines).
    public let value: String
    /// Where the value starts.
    public let position: SourcePosition
    /// A line or a section.
    public let origin: Origin
    /// The heading level of a section (0 for a line).
    public let level: Int

    /// A fact.
    public init(key: String, value: String, position: SourcePosition, origin: Origin, level: Int) {
        self.key = key
        self.value = value
        self.position = position
        self.origin = origin
        self.level = level
    }

    /// The key folded for comparison: lowercase, `-`, `_` and spaces dropped.
    public var normalizedKey: String { BodyField.normalize(key) }

    /// `Decision-makers` and `decision makers` alike: lowercase, without `-`, `_` and spaces.
    public static func normalize(_ key: String) -> String {
        String(key.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != " " })
    }
}
