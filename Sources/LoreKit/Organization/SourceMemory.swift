import Foundation
import Git

/// Why a source could not be read: a message naming what is wrong (the caller names the source).
public struct SourceProblem: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// A problem.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One synced source read as entries of the organization's memory: ids and the links between
/// entries qualified with the source's name (`payments:PM-0001`), paths prefixed `NAME:`.
public struct SourceMemory: Sendable {
    /// The source's name.
    public let name: String
    /// What was synced, and when.
    public let header: SyncedSource.Header
    /// Its entries, sorted by path.
    public let entries: [Entry]
    /// The history record of each entry as its index has it, by (prefixed) path.
    public let histories: [GitPath: JSONValue]

    /// The entry records of a `lore-index` version 1 document, or the problem that makes it unusable.
    public static func records(of bytes: [UInt8]) throws(SourceProblem) -> [[String: JSONValue]] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw SourceProblem("malformed index.json: not JSON (\(error.description))")
        }
        guard case .object(let fields) = document else { throw SourceProblem("malformed index.json: not a JSON object") }
        guard fields["format"] == .string("lore-index") else {
            throw SourceProblem("malformed index.json: 'format' is not \"lore-index\"")
        }
        guard fields["version"] == .number(MemoryIndex.formatVersion) else {
            let found: String
            if case .number(let number)? = fields["version"] { found = String(number) } else { found = "missing" }
            throw SourceProblem("index.json is lore-index version \(found); this Lore reads version \(MemoryIndex.formatVersion)")
        }
        guard case .array(let entries)? = fields["entries"] else { throw SourceProblem("malformed index.json: no 'entries' list") }
        var records: [[String: JSONValue]] = []
        for (number, record) in entries.enumerated() {
            guard case .object(let entry) = record, case .string? = entry["path"], case .string? = entry["kind"] else {
                throw SourceProblem("malformed index.json: entry \(number + 1) has no 'path' and 'kind'")
            }
            records.append(entry)
        }
        return records
    }

    /// The memory of a synced source.
    /// `localName` is the reading repository's own name (`name:`): ids qualified with it are its own.
    public init(_ synced: SyncedSource, localName: String? = nil) throws(SourceProblem) {
        name = synced.header.name
        header = synced.header
        let records = try Self.records(of: synced.index)
        let name = self.name
        let converted = records.map { Self.entry($0, source: name, localName: localName) }
        var histories: [GitPath: JSONValue] = [:]
        for (entry, history) in converted { histories[entry.path] = history }
        entries = converted.map(\.entry).sorted { $0.path < $1.path }
        self.histories = histories
    }

    /// `id` qualified with `source` unless it is qualified already.
    static func qualify(_ id: String, source: String, localName: String? = nil) -> String {
        guard let qualified = SourceSpec.qualified(id) else { return source + ":" + id }
        return qualified.source == localName ? qualified.id : id
    }

    /// An index record as an entry of the organization's memory, and its history record.
    static func entry(_ fields: [String: JSONValue], source: String, localName: String?) -> (entry: Entry, history: JSONValue) {
        func qualify(_ id: String, source: String) -> String { Self.qualify(id, source: source, localName: localName) }
        func string(_ value: JSONValue?) -> String? { if case .string(let text)? = value { return text } else { return nil } }
        func number(_ value: JSONValue?) -> Int { if case .number(let number)? = value { return number } else { return 1 } }
        let start = SourcePosition.start
        var relationFields: Set<String> = []
        var positions: [String: SourcePosition] = [:]   // where each relation item was written
        var links: [EntryLink] = []
        if case .object(let linkLists)? = fields["links"], case .array(let outgoing)? = linkLists["out"] {
            for case .object(let link) in outgoing {
                let kind = string(link["kind"]), line = number(link["line"]), column = number(link["column"])
                if kind == "relation", let field = string(link["field"]) {
                    relationFields.insert(field)
                    if let written = string(link["written"]) { positions[field + "\u{0}" + written] = SourcePosition(line: line, column: column) }
                }
                if kind == "wiki", let written = string(link["written"]) {
                    links.append(EntryLink(kind: .wiki, destination: qualify(written, source: source), text: "", line: line, column: column))
                } else if kind == "file", let target = string(link["target_id"]) {
                    links.append(EntryLink(kind: .wiki, destination: qualify(target, source: source), text: "", line: line, column: column))
                }
            }
        }
        func yaml(_ value: JSONValue, qualifying: Bool, field: String = "") -> YAMLValue {
            switch value {
            case .string(let text):
                return .scalar(YAMLScalar(text: qualifying ? qualify(text, source: source) : text, style: .doubleQuoted,
                                          position: positions[field + "\u{0}" + text] ?? start))
            case .number(let number): return .scalar(YAMLScalar(text: String(number), style: .plain, position: start))
            case .bool(let flag): return .scalar(YAMLScalar(text: flag ? "true" : "false", style: .plain, position: start))
            case .null: return .scalar(YAMLScalar(text: "", style: .plain, position: start))
            case .array(let items): return .sequence(items.map { yaml($0, qualifying: qualifying, field: field) }, start)
            case .object(let object):
                return .mapping(object.sorted { $0.key < $1.key }.map { YAMLPair(key: YAMLScalar(text: $0.key, style: .plain, position: start),
                                                                                  value: yaml($0.value, qualifying: false)) }, start)
            }
        }
        var pairs: [YAMLPair] = []
        if case .object(let front)? = fields["fields"] {
            for (key, value) in front.sorted(by: { $0.key < $1.key }) {
                let qualifying = key == "id" || relationFields.contains(key)
                pairs.append(YAMLPair(key: YAMLScalar(text: key, style: .plain, position: start), value: yaml(value, qualifying: qualifying, field: key)))
            }
        }
        var headings: [EntryHeading] = []
        var sections: [EntrySection] = []
        if case .array(let list)? = fields["sections"] {
            for case .object(let section) in list {
                let title = string(section["title"]) ?? "", line = number(section["line"])
                headings.append(EntryHeading(level: 2, text: title, line: line))
                sections.append(EntrySection(title: title, line: line, text: string(section["text"]) ?? ""))
            }
        }
        let path = GitPath(source + ":" + (string(fields["path"]) ?? ""))
        let entry = Entry(path: path, kind: string(fields["kind"]) ?? "", frontMatter: FrontMatter(fields: pairs, openingLine: 1),
                          bodyLine: 1, headings: headings, links: links, sectionTexts: sections, summary: string(fields["summary"]) ?? "")
        return (entry, fields["history"] ?? .null)
    }
}
