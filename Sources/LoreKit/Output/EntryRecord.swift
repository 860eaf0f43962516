import Foundation
import Git

/// A JSON value, for front-matter shown as written.
public indirect enum JSONValue: Codable, Sendable, Hashable {
    case string(String)
    case number(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    /// Front-matter YAML as JSON: every scalar as the text the author wrote (null as null).
    public init(_ value: YAMLValue) {
        switch value {
        case .scalar(let scalar): self = scalar.isNull ? .null : .string(scalar.text)
        case .sequence(let items, _): self = .array(items.map(JSONValue.init))
        case .mapping(let pairs, _):
            var object: [String: JSONValue] = [:]
            for pair in pairs { object[pair.key.text] = JSONValue(pair.value) }
            self = .object(object)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .array(let items): try container.encode(items)
        case .object(let object): try container.encode(object)
        case .null: try container.encodeNil()
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Int.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([JSONValue].self) { self = .array(items) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

/// One entry as `lore list --format json` and `lore show --format json` print it.
public struct EntryRecord: Codable, Sendable, Hashable {
    /// A heading of the body.
    public struct Section: Codable, Sendable, Hashable {
        public let title: String
        public let level: Int
        public let line: Int
    }
    /// A link of the body.
    public struct LinkRecord: Codable, Sendable, Hashable {
        public let kind: String
        public let target: String
        public let text: String
        public let line: Int
        public let column: Int
    }

    public let id: String?
    public let kind: String
    /// The path, with invalid UTF-8 bytes written `\xNN`.
    public let path: String
    public let title: String?
    public let date: String?
    public let status: String?
    public let tags: [String]
    public let authors: [String]
    /// Every front-matter field as written.
    public let fields: [String: JSONValue]
    /// Every heading (level 2 headings are the sections).
    public let headings: [Section]
    public let links: [LinkRecord]

    /// The record of an entry.
    public init(_ entry: Entry) {
        id = entry.id
        kind = entry.kind
        path = entry.path.description
        title = entry.title
        date = entry.date
        status = entry.status
        tags = entry.tags
        authors = entry.authors
        var fields: [String: JSONValue] = [:]
        for pair in entry.frontMatter.fields { fields[pair.key.text] = JSONValue(pair.value) }
        self.fields = fields
        headings = entry.headings.map { Section(title: $0.text, level: $0.level, line: $0.line) }
        links = entry.links.map { LinkRecord(kind: $0.kind.rawValue, target: $0.destination, text: $0.text, line: $0.line, column: $0.column) }
    }

    /// Each entry's record as JSON bytes, in order, rendered on every core.
    public static func renderJSON(_ entries: [Entry], pretty: Bool, depth: Int = 0) -> [[UInt8]] {
        entries.parallelMap { entry in
            var writer = JSONWriter(pretty: pretty)
            write(entry, to: &writer, depth: depth)
            return writer.bytes
        }
    }

    /// Writes an entry's record straight from the entry, keys in sorted order; decoding the bytes
    /// as an `EntryRecord` gives `EntryRecord(entry)` (a test keeps the two in step).
    public static func write(_ entry: Entry, to writer: inout JSONWriter, depth: Int) {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        writer.writeObject(depth: depth) { object in
            object.field("authors") { $0.writeStrings(entry.authors, depth: depth + 1) }
            object.field("date") { $0.write(optional(entry.date)) }
            object.field("fields") { writer in
                writer.writeObject(depth: depth + 1) { fields in
                    let pairs = entry.frontMatter.fields.sorted { $0.key.text.utf8.lexicographicallyPrecedes($1.key.text.utf8) }
                    for pair in pairs { fields.field(pair.key.text) { $0.write(yaml: pair.value, depth: depth + 2) } }
                }
            }
            object.field("headings") { writer in
                writer.writeArray(entry.headings, depth: depth + 1) { writer, heading in
                    writer.writeObject(depth: depth + 2) { object in
                        object.field("level") { $0.write(.number(heading.level)) }
                        object.field("line") { $0.write(.number(heading.line)) }
                        object.field("title") { $0.write(.string(heading.text)) }
                    }
                }
            }
            object.field("id") { $0.write(optional(entry.id)) }
            object.field("kind") { $0.write(.string(entry.kind)) }
            object.field("links") { writer in
                writer.writeArray(entry.links, depth: depth + 1) { writer, link in
                    writer.writeObject(depth: depth + 2) { object in
                        object.field("column") { $0.write(.number(link.column)) }
                        object.field("kind") { $0.write(.string(link.kind.rawValue)) }
                        object.field("line") { $0.write(.number(link.line)) }
                        object.field("target") { $0.write(.string(link.destination)) }
                        object.field("text") { $0.write(.string(link.text)) }
                    }
                }
            }
            object.field("path") { $0.write(.string(entry.path.description)) }
            object.field("status") { $0.write(optional(entry.status)) }
            object.field("tags") { $0.writeStrings(entry.tags, depth: depth + 1) }
            object.field("title") { $0.write(optional(entry.title)) }
        }
    }
}
