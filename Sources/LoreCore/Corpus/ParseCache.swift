import Foundation
import Git
import Markdown

/// Parsed entries by blob id, kept in the git directory (`lore/parse-cache`), so a file that did not
/// change is never parsed twice. The key is the content (a blob id), so a hit is always right:
/// parsing depends on nothing else. A missing, truncated or foreign cache is simply rebuilt.
final class ParseCache: Sendable {
    /// The records, by the blob id's raw bytes.
    let store: RecordStore

    /// Loads the cache of the repository whose git folder is `gitDirectory`; empty when there is none.
    init(gitDirectory: String) {
        store = RecordStore(path: gitDirectory + "lore/parse-cache", header: "lore parse cache 6 \(LoreVersion.current)\n")
    }

    /// The cached result for a blob, with the path and kind it has now.
    func result(for key: ObjectID, path: GitPath, kind: String) -> EntryParser.Result? {
        guard let payload = store[key.raw] else { return nil }
        var reader = ByteReader(payload)
        return ParseCacheCoding.decode(&reader, path: path, kind: kind)
    }

    /// The encoded record for a key, if cached (reused as is when the cache is written again).
    func encoded(_ key: ObjectID) -> ArraySlice<UInt8>? { store[key.raw] }

    /// Remembers the records one load used (`fresh` when just parsed); see `RecordStore.keep`.
    func keep(_ records: [(key: ObjectID, payload: ArraySlice<UInt8>, fresh: Bool)]) {
        store.keep(records.map { ($0.key.raw, $0.payload, $0.fresh) })
    }
}

/// The binary form of a parse result (without its path and kind, which the file's place gives).
enum ParseCacheCoding {
    static func encode(_ result: EntryParser.Result) -> [UInt8] {
        var out: [UInt8] = []
        ByteWriter.diagnostics(result.diagnostics, into: &out)
        guard let entry = result.entry else { out.append(0); return out }
        out.append(1)
        ByteWriter.varint(entry.frontMatter.openingLine, into: &out)
        ByteWriter.varint(entry.bodyLine, into: &out)
        ByteWriter.varint(entry.frontMatter.fields.count, into: &out)
        for pair in entry.frontMatter.fields {
            scalar(pair.key, into: &out)
            value(pair.value, into: &out)
        }
        ByteWriter.varint(entry.headings.count, into: &out)
        for heading in entry.headings {
            ByteWriter.varint(heading.level, into: &out)
            ByteWriter.string(heading.text, into: &out)
            ByteWriter.varint(heading.line, into: &out)
        }
        ByteWriter.varint(entry.links.count, into: &out)
        for link in entry.links {
            ByteWriter.string(link.kind.rawValue, into: &out)
            ByteWriter.string(link.destination, into: &out)
            ByteWriter.string(link.text, into: &out)
            ByteWriter.position(SourcePosition(line: link.line, column: link.column), into: &out)
        }
        ByteWriter.varint(entry.sectionTexts.count, into: &out)
        for section in entry.sectionTexts {
            ByteWriter.string(section.title, into: &out)
            ByteWriter.varint(section.line, into: &out)
            ByteWriter.string(section.text, into: &out)
        }
        ByteWriter.string(entry.summary, into: &out)
        out.append(UInt8(FrontMatterSyntax.allCases.firstIndex(of: entry.frontMatter.syntax) ?? 1))
        ByteWriter.varint(entry.bodyFields.count, into: &out)
        for fact in entry.bodyFields {
            ByteWriter.string(fact.key, into: &out)
            ByteWriter.string(fact.value, into: &out)
            ByteWriter.position(fact.position, into: &out)
            out.append(fact.origin.rawValue)
            ByteWriter.varint(fact.level, into: &out)
        }
        return out
    }

    private static let styles: [YAMLScalar.Style] = [.plain, .singleQuoted, .doubleQuoted, .literal, .folded]

    private static func scalar(_ scalar: YAMLScalar, into out: inout [UInt8]) {
        ByteWriter.string(scalar.text, into: &out)
        out.append(UInt8(styles.firstIndex(of: scalar.style) ?? 0))
        ByteWriter.position(scalar.position, into: &out)
    }

    private static func value(_ value: YAMLValue, into out: inout [UInt8]) {
        switch value {
        case .scalar(let s):
            out.append(0)
            scalar(s, into: &out)
        case .sequence(let items, let position):
            out.append(1)
            ByteWriter.position(position, into: &out)
            ByteWriter.varint(items.count, into: &out)
            for item in items { self.value(item, into: &out) }
        case .mapping(let pairs, let position):
            out.append(2)
            ByteWriter.position(position, into: &out)
            ByteWriter.varint(pairs.count, into: &out)
            for pair in pairs {
                scalar(pair.key, into: &out)
                self.value(pair.value, into: &out)
            }
        }
    }

    static func decode(_ reader: inout ByteReader, path: GitPath, kind: String) -> EntryParser.Result? {
        guard let diagnostics = reader.diagnostics(path: path) else { return nil }
        guard let hasEntry = reader.byte() else { return nil }
        guard hasEntry == 1 else { return EntryParser.Result(entry: nil, diagnostics: diagnostics) }
        guard let opening = reader.varint(), let bodyLine = reader.varint(), let fieldCount = reader.varint() else { return nil }
        var fields: [YAMLPair] = []
        for _ in 0..<fieldCount {
            guard let key = scalar(&reader), let value = value(&reader, depth: 0) else { return nil }
            fields.append(YAMLPair(key: key, value: value))
        }
        guard let headingCount = reader.varint() else { return nil }
        var headings: [EntryHeading] = []
        for _ in 0..<headingCount {
            guard let level = reader.varint(), let text = reader.string(), let line = reader.varint() else { return nil }
            headings.append(EntryHeading(level: level, text: text, line: line))
        }
        guard let linkCount = reader.varint() else { return nil }
        var links: [EntryLink] = []
        for _ in 0..<linkCount {
            guard let kindText = reader.string(), let linkKind = Link.Kind(rawValue: kindText), let destination = reader.string(),
                  let text = reader.string(), let position = reader.position() else { return nil }
            links.append(EntryLink(kind: linkKind, destination: destination, text: text, line: position.line, column: position.column))
        }
        guard let sectionCount = reader.varint() else { return nil }
        var sections: [EntrySection] = []
        for _ in 0..<sectionCount {
            guard let title = reader.string(), let line = reader.varint(), let text = reader.string() else { return nil }
            sections.append(EntrySection(title: title, line: line, text: text))
        }
        guard let summary = reader.string(), let syntaxIndex = reader.byte(), Int(syntaxIndex) < FrontMatterSyntax.allCases.count,
              let factCount = reader.varint() else { return nil }
        var facts: [BodyField] = []
        for _ in 0..<factCount {
            guard let key = reader.string(), let value = reader.string(), let position = reader.position(),
                  let origin = reader.byte().flatMap(BodyField.Origin.init(rawValue:)), let level = reader.varint() else { return nil }
            facts.append(BodyField(key: key, value: value, position: position, origin: origin, level: level))
        }
        var entry = Entry(path: path, kind: kind,
                          frontMatter: FrontMatter(fields: fields, openingLine: opening, syntax: FrontMatterSyntax.allCases[Int(syntaxIndex)]),
                          bodyLine: bodyLine, headings: headings, links: links, sectionTexts: sections, summary: summary)
        entry.bodyFields = facts
        return EntryParser.Result(entry: entry, diagnostics: diagnostics)
    }

    private static func scalar(_ reader: inout ByteReader) -> YAMLScalar? {
        guard let text = reader.string(), let style = reader.byte(), Int(style) < styles.count, let position = reader.position() else { return nil }
        return YAMLScalar(text: text, style: styles[Int(style)], position: position)
    }

    private static func value(_ reader: inout ByteReader, depth: Int) -> YAMLValue? {
        guard depth < 100, let tag = reader.byte() else { return nil }
        switch tag {
        case 0:
            return scalar(&reader).map(YAMLValue.scalar)
        case 1:
            guard let position = reader.position(), let count = reader.varint() else { return nil }
            var items: [YAMLValue] = []
            for _ in 0..<count {
                guard let item = value(&reader, depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .sequence(items, position)
        case 2:
            guard let position = reader.position(), let count = reader.varint() else { return nil }
            var pairs: [YAMLPair] = []
            for _ in 0..<count {
                guard let key = scalar(&reader), let item = value(&reader, depth: depth + 1) else { return nil }
                pairs.append(YAMLPair(key: key, value: item))
            }
            return .mapping(pairs, position)
        default:
            return nil
        }
    }
}
