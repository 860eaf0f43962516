import Foundation
import Git

/// Where a field's value comes from when the front-matter does not hold it (`from:` of a field in
/// `.lore/config.yml`).
public enum ValueSource: Sendable, Hashable, CustomStringConvertible {
    /// The file name (the folder name for a bundle's `index.md`): for `id`, the first capture
    /// group of `pattern` (or the whole match), else the leading number or prefixed number
    /// (`0001`, `ADR035`, `PM2019-009`, `RFC-0042`, a date), else the whole name; for `title`, the
    /// name after the id, dashes made spaces; for a date, a `YYYY-MM-DD` or `YYYYMMDD` in it.
    case fileName(pattern: String?)
    /// The first `#` heading, without adr-tools' `1. ` numbering.
    case heading
    /// The opening lines of the section whose heading is one of these names (the field's name
    /// when empty): `## Status` then `Accepted`.
    case section([String])
    /// A `Key: value` line or bullet of the body whose key is one of these names (the field's
    /// name when empty): `- Status: accepted`, `* Date: 2020-01-01`, `**Status:** Accepted`.
    case line([String])
    /// Git history: the date of the commit that added the file (following renames), filled in
    /// when the corpus is read from a repository.
    case git

    public var description: String {
        switch self {
        case .fileName(let pattern?): return "file-name (\(pattern))"
        case .fileName: return "file-name"
        case .heading: return "heading"
        case .section(let names): return names.isEmpty ? "section" : "section (\(names.joined(separator: ", ")))"
        case .line(let names): return names.isEmpty ? "line" : "line (\(names.joined(separator: ", ")))"
        case .git: return "git"
        }
    }
}

extension Kind {
    /// The kind's ids come from file names (`id: { from: [file-name] }`): the team's own scheme
    /// (`0001`, `ADR035`, `PM2019-009`), which `lore new` continues and `id-format` does not judge.
    public var idsFollowFileNames: Bool {
        field("id")?.sources.contains { if case .fileName = $0 { return true } else { return false } } ?? false
    }
}

/// Fills an entry's fields from the sources its kind declares, so every command, rule and output
/// sees ordinary fields. A derived field is a `YAMLPair` positioned at the text it came from (the
/// heading, the body line, line 1 for the file name); `FrontMatter.derived` says where from.
/// Parsing depends only on a file's bytes (and is cached by blob); this step depends on the path
/// and the kind, and runs after it.
public enum FieldDerivation {
    /// What `derived` holds for a date that history will give (see `fillFromHistory`).
    public static let pendingGit = "git"

    /// The entry of `result` with the fields its kind takes from elsewhere; a file without
    /// front-matter is an entry only when the kind reads records as found.
    public static func apply(_ result: EntryParser.Result, kind: Kind?) -> EntryParser.Result {
        // Front-matter read only leniently (a colon in a plain value): an entry of a kind that reads
        // records as found, with a warning; for any other, the error alone, as before.
        if result.entry != nil, result.diagnostics.contains(where: { $0.code == "invalid-yaml" }) {
            guard let kind, kind.readsRecordsAsFound else { return EntryParser.Result(entry: nil, diagnostics: result.diagnostics) }
            let diagnostics = result.diagnostics.map { diagnostic in
                diagnostic.code != "invalid-yaml" ? diagnostic : Diagnostic(
                    path: diagnostic.path, position: diagnostic.position, severity: .warning, code: diagnostic.code,
                    message: "\(diagnostic.message); read with the value after the key as text")
            }
            var applied = apply(EntryParser.Result(entry: result.entry, diagnostics: diagnostics.filter { $0.code != "invalid-yaml" }), kind: kind)
            applied.diagnostics += diagnostics.filter { $0.code == "invalid-yaml" }
            return applied
        }
        guard var entry = result.entry, let kind else { return result }
        var diagnostics = result.diagnostics
        if entry.frontMatter.syntax == .none {
            guard kind.readsRecordsAsFound else { return EntryParser.Result(entry: nil, diagnostics: diagnostics) }
            diagnostics.removeAll { $0.code == "missing-front-matter" }
        }
        guard kind.readsRecordsAsFound else { return result }
        entry = derive(entry, kind: kind)
        return EntryParser.Result(entry: entry, diagnostics: diagnostics)
    }

    static func derive(_ entry: Entry, kind: Kind) -> Entry {
        var fields = entry.frontMatter.fields
        var derived: [String: String] = [:]
        func has(_ name: String) -> Int? {
            fields.firstIndex { $0.key.text == name && !$0.value.isNull && $0.value.scalar?.text.isBlank != true }
        }
        func set(_ name: String, _ text: String, _ position: SourcePosition, from source: String) {
            let pair = YAMLPair(key: YAMLScalar(text: name, style: .plain, position: position),
                                value: .scalar(YAMLScalar(text: text, style: .doubleQuoted, position: position)))
            if let index = fields.firstIndex(where: { $0.key.text == name }) { fields[index] = pair } else { fields.append(pair) }
            derived[name] = source
        }
        // Aliases: the team's key is read as the field (the key keeps its position).
        for spec in kind.fields where !spec.aliases.isEmpty && has(spec.name) == nil {
            if let index = fields.firstIndex(where: { spec.aliases.contains($0.key.text) }) {
                let key = fields[index].key
                fields[index] = YAMLPair(key: YAMLScalar(text: spec.name, style: key.style, position: key.position), value: fields[index].value)
            }
        }
        let name = EntryName(entry.path, bundles: kind.bundles)
        let idPattern = kind.field("id")?.sources.lazy.compactMap { source -> String?? in
            if case .fileName(let pattern) = source { return .some(pattern) } else { return nil }
        }.first
        var statusText: (text: String, position: SourcePosition)?
        for spec in kind.fields {
            // A front-matter date written another way is read as the field's date.
            if spec.type == .date, let index = has(spec.name), let scalar = fields[index].value.scalar,
               !DateText.isISODate(scalar.text), let date = DateText.normalize(scalar.text, format: spec.format) {
                set(spec.name, date, scalar.position, from: "front-matter (\(scalar.text))")
            }
            // A site generator's page id (`id: adrs-adr001` in `adr001-add-adr-log.md`, Docusaurus):
            // the record's id is the file name's when the kind takes ids from file names.
            if spec.name == "id", let index = has("id"), let scalar = fields[index].value.scalar, idPattern != nil,
               let own = name.id(pattern: nil), own != name.stem, isPageID(scalar.text, of: own) {
                set("id", own, scalar.position, from: "file-name (front-matter '\(scalar.text)' is the page's id)")
            }
            // A title that starts with the record's own number (`ADR005: Catalog`, `RFC-0042 - X`).
            if spec.name == "title", let index = has("title"), let scalar = fields[index].value.scalar {
                let title = Self.cleanTitle(scalar.text, id: name.id(pattern: idPattern ?? nil))
                if title != scalar.text && !title.isEmpty { set("title", title, scalar.position, from: "front-matter (\(scalar.text))") }
            }
            if spec.name == "status", let index = has("status"), let scalar = fields[index].value.scalar {
                if isPlaceholder(scalar.text) {
                    // MADR 3's template status left as written: no status (the sources are tried).
                    fields.remove(at: index)
                } else {
                    statusText = (scalar.text, scalar.position)
                }
            }
            guard has(spec.name) == nil else { continue }
            var found: (text: String, position: SourcePosition, source: String)?
            sources: for source in spec.sources {
                switch source {
                case .fileName(let pattern):
                    let position = SourcePosition(line: 1, column: 1)
                    switch spec.name {
                    case "id":
                        if let id = name.id(pattern: pattern) { found = (id, position, "file-name") }
                    case "title":
                        let title = name.title(idPattern: idPattern ?? nil)
                        if !title.isEmpty { found = (title, position, "file-name") }
                    default:
                        if spec.type == .date || spec.type == .datetime, let date = DateText.inName(name.stem) {
                            found = (date, position, "file-name")
                        } else if spec.type == .date || spec.type == .datetime, let (date, at) = DateText.inPagePath(fields) {
                            found = (date, at, "file-name (the page's path)")
                        }
                    }
                case .heading:
                    if let heading = entry.headings.first(where: { $0.level == 1 }) ?? entry.headings.first {
                        let title = Self.cleanTitle(heading.text, id: name.id(pattern: idPattern ?? nil))
                        if !title.isEmpty { found = (title, SourcePosition(line: heading.line, column: 1), "heading") }
                    }
                case .section(let names):
                    let keys = Set((names.isEmpty ? [spec.name] : names).map(BodyField.normalize))
                    if let fact = entry.bodyFields.first(where: { $0.origin == .section && keys.contains($0.normalizedKey) }) {
                        let first = fact.value.split(separator: "\n").first.map(String.init) ?? ""
                        found = (spec.name == "status" ? fact.value : first, fact.position, "section")
                    }
                case .line(let names):
                    let keys = Set((names.isEmpty ? [spec.name] : names).map(BodyField.normalize))
                    if let fact = entry.bodyFields.first(where: { $0.origin == .line && keys.contains($0.normalizedKey) }) {
                        found = (fact.value, fact.position, "line")
                    }
                case .git:
                    derived[spec.name] = pendingGit
                }
                guard var value = found else { continue }
                if spec.name == "status" {
                    // A template's placeholder (`[ accepted | deprecated | … ]`, `{proposed | accepted}`,
                    // `[change when approved]`) is no status: the next source is tried.
                    if isPlaceholder(value.text) { found = nil; continue }
                    statusText = (value.text, value.position)
                    value.text = value.text.split(separator: "\n").first.map(String.init) ?? value.text
                } else if spec.type == .date || spec.type == .datetime {
                    guard let date = DateText.normalize(value.text, format: spec.format) else { found = nil; continue }
                    value.text = spec.type == .date ? date : value.text
                } else if spec.type.isList {
                    // `Deciders: Ann, Bob` is a list.
                    let items = value.text.split(separator: ",").map { BodyFieldScanner.strip(String($0)) }.filter { !$0.isEmpty }
                    let pair = YAMLPair(key: YAMLScalar(text: spec.name, style: .plain, position: value.position),
                                        value: .sequence(items.map { .scalar(YAMLScalar(text: $0, style: .doubleQuoted, position: value.position)) },
                                                         value.position))
                    fields.append(pair)
                    derived[spec.name] = value.source
                    break sources
                }
                set(spec.name, value.text, value.position, from: value.source)
                break sources
            }
            if has(spec.name) == nil, derived[spec.name] == nil, let fallback = spec.defaultValue {
                set(spec.name, fallback, SourcePosition(line: 1, column: 1), from: "default")
            }
        }
        // Statuses as teams write them: `Accepted.`, `✅ Accepted`, `Superceded by [ADR-0007](…)`.
        if let statusSpec = kind.field("status"), let (raw, position) = statusText {
            let firstLine = raw.split(separator: "\n").first.map(String.init) ?? raw
            if let status = normalizeStatus(firstLine, spec: statusSpec, statuses: kind.statuses),
               status != fields.first(where: { $0.key.text == "status" })?.value.scalar?.text {
                let source = derived["status"] ?? "front-matter (\(firstLine))"
                set("status", status, fields.first(where: { $0.key.text == "status" })?.value.position ?? position, from: source)
            }
            // Relations written beside the status: `Superseded by [3. X](0003-x.md)`, `Supersedes …`.
            for (field, targets) in relations(in: raw, idPattern: idPattern ?? nil, bundles: kind.bundles) where has(field) == nil && !targets.isEmpty {
                fields.append(YAMLPair(key: YAMLScalar(text: field, style: .plain, position: position),
                                       value: .sequence(targets.map { .scalar(YAMLScalar(text: $0, style: .doubleQuoted, position: position)) }, position)))
                derived[field] = "status"
            }
        }
        var frontMatter = FrontMatter(fields: fields, openingLine: entry.frontMatter.openingLine, syntax: entry.frontMatter.syntax)
        frontMatter.derived = derived
        var result = Entry(path: entry.path, kind: entry.kind, frontMatter: frontMatter, bodyLine: entry.bodyLine, headings: entry.headings,
                           links: entry.links, sectionTexts: kind.sectionLevel == 2 ? entry.sectionTexts : sections(of: entry, level: kind.sectionLevel),
                           summary: entry.summary)
        result.bodyFields = entry.bodyFields
        return result
    }

    /// The sections of a kind whose sections are not `##` headings, from the body's section facts
    /// (their opening lines, enough to tell empty, placeholder and written apart).
    static func sections(of entry: Entry, level: Int) -> [EntrySection] {
        entry.headings.filter { $0.level == level }.map { heading in
            let fact = entry.bodyFields.first { $0.origin == .section && $0.level == level && $0.key == heading.text && $0.position.line > heading.line }
            var text = fact.map { $0.value.split(whereSeparator: { $0 == "\n" || $0 == " " || $0 == "\t" }).joined(separator: " ") } ?? ""
            if text.utf8.count > EntrySection.keptLength {
                var cut = text.utf8.index(text.utf8.startIndex, offsetBy: EntrySection.keptLength)
                while cut > text.startIndex && !text.unicodeScalars.indices.contains(cut) { cut = text.utf8.index(before: cut) }
                text = String(text[..<cut])
            }
            return EntrySection(title: heading.text, line: heading.line, text: text)
        }
    }

    /// `adrs-adr001`, `decisions/0001`: a longer name that ends with the record's id after a `/`,
    /// or after `-`, `_` or `.` when the id has a prefix of its own (`DR-0001` for `0001` is an id
    /// scheme, not a page); case ignored.
    public static func isPageID(_ text: String, of id: String) -> Bool {
        let lower = text.lowercased(), own = id.lowercased()
        guard lower != own, lower.hasSuffix(own), let before = lower.dropLast(own.count).last else { return false }
        if before == "/" { return true }
        return (before == "-" || before == "_" || before == ".") && own.first?.isLetter == true
    }

    /// Names of a record's type written before its title and a colon.
    static let recordTypes: Set<String> = ["architecture decision record", "architectural decision record", "decision record", "adr",
                                           "rfc", "postmortem", "post-mortem", "post mortem", "incident report"]

    /// A heading as a title: inline numbering `1. `, `12. ` (adr-tools) removed, and the record's
    /// own number written before it (`ADR005: `, `ADR-0001 - `, `RFC 42: `) when `id` has that number,
    /// and the record's type (`Architecture Decision Record: `, `ADR: `).
    static func cleanTitle(_ text: String, id: String? = nil) -> String {
        var title = text.trimmingBlanks
        // `Architecture Decision Record: Use ADRs` (the record's type before its title).
        if let colon = title.firstIndex(of: ":"), recordTypes.contains(title[..<colon].lowercased().trimmingBlanks),
           case let rest = String(title[title.index(after: colon)...]).trimmingBlanks, !rest.isEmpty {
            title = rest
        }
        let digits = title.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, title.dropFirst(digits.count).hasPrefix(". ") {
            return String(title.dropFirst(digits.count + 2)).trimmingBlanks
        }
        // The whole prefixed id (`OPS-INC-007: Title`) then `:`, `. ` or a spaced dash.
        if let id, id.contains(where: { $0.isLetter }), title.hasPrefix(id) {
            let rest = title.dropFirst(id.count)
            for mark in [":", ". ", " - ", " – ", " — ", " : "] where rest.hasPrefix(mark) {
                let cleaned = String(rest.dropFirst(mark.count)).trimmingBlanks
                if !cleaned.isEmpty { return cleaned }
                break
            }
        }
        // `LETTERS[-_ ]DIGITS` then `:`, `. ` or a spaced dash, with DIGITS the id's number.
        guard let id, let idNumber = Int(id.drop { !($0.isASCII && $0.isNumber) }.prefix { $0.isASCII && $0.isNumber }) else { return title }
        let letters = title.prefix { $0.isASCII && $0.isLetter }
        guard letters.count <= 5 else { return title }
        var rest = title.dropFirst(letters.count)
        if !letters.isEmpty, let separator = rest.first, separator == "-" || separator == "_" || separator == " " { rest = rest.dropFirst() }
        let number = rest.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty, Int(number) == idNumber else { return title }
        rest = rest.dropFirst(number.count)
        for mark in [":", ". ", " - ", " – ", " — ", " : "] where rest.hasPrefix(mark) {
            let cleaned = String(rest.dropFirst(mark.count)).trimmingBlanks
            if !cleaned.isEmpty { title = cleaned }
            break
        }
        return title
    }

    /// A template's placeholder rather than a value: text wrapped in `[…]` or `{…}` (not a link),
    /// or alternatives separated by `|` (`proposed | accepted`), an HTML comment after it ignored.
    static func isPlaceholder(_ raw: String) -> Bool {
        var text = (raw.split(separator: "\n").first.map(String.init) ?? raw).trimmingBlanks
        if let comment = text.range(of: "<!--") { text = String(text[..<comment.lowerBound]).trimmingBlanks }
        guard !text.isEmpty else { return false }
        if (text.hasPrefix("[") && text.hasSuffix("]")) || (text.hasPrefix("{") && text.hasSuffix("}")) { return true }
        return text.split(separator: "|").count >= 3 && !text.hasPrefix("|")
    }

    /// Misspellings of statuses (adr-tools writes "Superceded"), and words teams use for one.
    static let statusSynonyms: [String: String] = [
        "superceded": "superseded", "supersede": "superseded", "superseeded": "superseded", "supercede": "superseded",
        "depreciated": "deprecated", "accept": "accepted", "propose": "proposed", "reject": "rejected",
        "approved": "accepted", "approve": "accepted", "adopted": "accepted",
    ]

    /// The kind's status for a status as written, or `nil` when none fits (the text is kept).
    static func normalizeStatus(_ raw: String, spec: FieldSpec, statuses: [String]) -> String? {
        if statuses.contains(raw) { return raw }
        if let mapped = spec.valueMap[raw] ?? spec.valueMap[raw.lowercased()] { return mapped }
        // Lowercase letters, digits, spaces and dashes from the first letter on; cut at the first
        // link, parenthesis, punctuation or date.
        var text = ""
        for scalar in raw.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" {
                text.unicodeScalars.append(scalar)
            } else if scalar == " " || scalar == "\t" || scalar == "_" {
                if !text.isEmpty && text.last != " " { text += " " }
            } else if !text.isEmpty {
                break
            }
        }
        text = text.trimmingBlanks
        guard !text.isEmpty else { return nil }
        if let mapped = spec.valueMap[text] { return mapped }
        let words = text.split(separator: " ").map(String.init)
        var candidates = [words.joined(separator: "-")]
        for length in stride(from: words.count - 1, through: 1, by: -1) { candidates.append(words.prefix(length).joined(separator: "-")) }
        for candidate in candidates {
            if statuses.contains(candidate) { return candidate }
            if let mapped = spec.valueMap[candidate] { return mapped }
        }
        for candidate in candidates {
            if let synonym = statusSynonyms[candidate], statuses.contains(synonym) { return synonym }
        }
        // The team's own word, kept (`lore init` adds it to the kind's statuses).
        return words.count <= 2 ? words.joined(separator: "-") : words.first
    }

    /// `Supersedes [x](0001-x.md)` and `Superseded by [y](0002-y.md)` in a status text, as ids.
    static func relations(in text: String, idPattern: String?, bundles: Bool) -> [(String, [String])] {
        var supersedes: [String] = []
        var supersededBy: [String] = []
        for line in text.split(separator: "\n") {
            let lower = line.lowercased()
            let field: Bool?
            if lower.contains("superseded by") || lower.contains("superceded by") || lower.contains("replaced by") {
                field = true
            } else if lower.contains("supersedes") || lower.contains("supercedes") || lower.contains("replaces") {
                field = false
            } else {
                continue
            }
            var rest = Substring(line)
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                var destination = String(after[..<close]).trimmingBlanks
                if let hash = destination.firstIndex(of: "#") { destination = String(destination[..<hash]) }
                rest = after[close...]
                guard !destination.contains("://"), !destination.isEmpty else { continue }
                let name = EntryName(GitPath(destination.hasSuffix("/") ? String(destination.dropLast()) : destination), bundles: bundles)
                guard let id = name.id(pattern: idPattern) else { continue }
                if field == true { supersededBy.append(id) } else { supersedes.append(id) }
            }
        }
        return [("supersedes", supersedes), ("superseded_by", supersededBy)]
    }

    /// Gives entries whose date comes from git the date of the commit that added their file
    /// (`created(path)`, `YYYY-MM-DD…`), positioned at line 1.
    public static func fillFromHistory(_ entries: [Entry], created: (GitPath) -> String?) -> [Entry] {
        entries.map { entry in
            let pending = entry.frontMatter.derived.filter { $0.value == pendingGit }.map(\.key)
            guard !pending.isEmpty, let timestamp = created(entry.path) else { return entry }
            var fields = entry.frontMatter.fields
            var derived = entry.frontMatter.derived
            for name in pending.sorted() {
                let position = SourcePosition(line: 1, column: 1)
                fields.append(YAMLPair(key: YAMLScalar(text: name, style: .plain, position: position),
                                       value: .scalar(YAMLScalar(text: String(timestamp.prefix(10)), style: .doubleQuoted, position: position))))
                derived[name] = "git (first commit)"
            }
            var frontMatter = FrontMatter(fields: fields, openingLine: entry.frontMatter.openingLine, syntax: entry.frontMatter.syntax)
            frontMatter.derived = derived
            var result = Entry(path: entry.path, kind: entry.kind, frontMatter: frontMatter, bodyLine: entry.bodyLine, headings: entry.headings,
                               links: entry.links, sectionTexts: entry.sectionTexts, summary: entry.summary)
            result.bodyFields = entry.bodyFields
            return result
        }
    }
}

/// An entry file's name as a record's id and title come from it.
public struct EntryName: Sendable {
    /// The file name without `.md` (and `.html`, `.markdown`); a bundle's folder name for `index.md`.
    public let stem: String

    /// The name of `path` (`bundles`: `slug/index.md` is named `slug`).
    public init(_ path: GitPath, bundles: Bool) {
        let components = path.components
        var name = String(decoding: components.last ?? [], as: UTF8.self)
        if bundles, name.lowercased() == "index.md" || name == "_index.md", components.count >= 2 {
            name = String(decoding: components[components.count - 2], as: UTF8.self)
        }
        for suffix in [".md", ".markdown", ".html"] where name.lowercased().hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        stem = name
    }

    /// The leading id of a name: a number, a prefixed number, a date; `nil` when none. A prefix
    /// is one word (`ADR035`, `RFC-0042`) or two or three capitalised words (`SEC-INC-042`,
    /// `ADR-FE-003`): lower-case words before a number stay a slug (`add-http-2-support`).
    package static let leadingID: NSRegularExpression? = try? NSRegularExpression(
        pattern: "^((?:[A-Za-z]+[-_ ]?|[A-Z]+(?:[-_][A-Z]+){1,2}[-_])?(?:[0-9]{4}(?:[-_.][0-9]{2,3}){1,2}|[0-9]+))(?=[-_ .]|$)")

    /// The id the name gives: the first group of `pattern` (or its whole match) when given; else
    /// the leading id, else the whole name.
    public func id(pattern: String?) -> String? {
        let range = NSRange(stem.startIndex..., in: stem)
        if let pattern {
            guard let regex = RegexCache.shared.regex(pattern),
                  let match = regex.firstMatch(in: stem, range: range) else { return nil }
            let group = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
            return Range(group, in: stem).map { String(stem[$0]) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let match = Self.leadingID?.firstMatch(in: stem, range: range), let found = Range(match.range(at: 1), in: stem) {
            return String(stem[found])
        }
        return stem.isEmpty ? nil : stem
    }

    /// The title the name gives: what follows the id, separators made spaces, first letter capital.
    public func title(idPattern: String?) -> String {
        var rest = Substring(stem)
        if let id = id(pattern: idPattern), id != stem, rest.hasPrefix(id) { rest = rest.dropFirst(id.count) }
        let words = rest.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
        guard let first = words.first else { return "" }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + words.dropFirst().map(String.init)).joined(separator: " ")
    }
}

/// Compiled regular expressions by pattern, shared by every thread.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression?] = [:]

    func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let found = compiled[pattern] { return found }
        let made = try? NSRegularExpression(pattern: pattern)
        compiled[pattern] = made
        return made
    }
}

/// Dates as teams write them, read as `YYYY-MM-DD`.
public enum DateText {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `YYYY-MM-DD` exactly.
    public static func isISODate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return false }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
    }

    /// The date a text holds: ISO dates and timestamps (with any offset; the date as written),
    /// `YYYY/MM/DD`, `YYYYMMDD`, `DD/MM/YYYY` or `MM/DD/YYYY` when `format` says so (else
    /// `D/M/YYYY` only when unambiguous), `5 February 2019`, `February 5th, 2019`, `Feb 5 2019`.
    public static func normalize(_ raw: String, format: String? = nil) -> String? {
        let text = BodyFieldScanner.strip(raw)
        func make(_ year: Int, _ month: Int, _ day: Int) -> String? {
            guard (1...12).contains(month), (1...31).contains(day), (1000...9999).contains(year) else { return nil }
            let lengths = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard day <= lengths[month - 1] else { return nil }
            return String(format: "%04d-%02d-%02d", year, month, day)
        }
        // Numbers and words, in order.
        var numbers: [(value: Int, digits: Int)] = []
        var words: [String] = []
        var separators: [Character] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            if let number = Int(current) { numbers.append((number, current.count)) } else { words.append(current.lowercased()) }
            current = ""
        }
        for character in text {
            if character.isNumber && character.isASCII {
                if let last = current.last, !last.isNumber { flush() }
                current.append(character)
            } else if character.isLetter {
                if let last = current.last, last.isNumber { flush() }
                current.append(character)
            } else {
                flush()
                if numbers.count < 3 { separators.append(character) }
            }
            if numbers.count >= 3 && words.count > 3 { break }
        }
        flush()
        guard !numbers.isEmpty else { return nil }
        // YYYYMMDD.
        if numbers[0].digits == 8 {
            let value = numbers[0].value
            return make(value / 10000, value / 100 % 100, value % 100)
        }
        // YYYY-MM-DD, YYYY/MM/DD, and timestamps starting so.
        if numbers.count >= 3, numbers[0].digits == 4 {
            // `2024-14-02`: a month above 12 and a day that can be one were written the other way.
            if numbers[1].value > 12, numbers[2].value <= 12, numbers[1].digits <= 2, numbers[2].digits <= 2 {
                return make(numbers[0].value, numbers[2].value, numbers[1].value)
            }
            return make(numbers[0].value, numbers[1].value, numbers[2].value)
        }
        let format = format?.uppercased()
        if numbers.count >= 3, numbers[2].digits == 4, numbers[0].digits <= 2, numbers[1].digits <= 2 {
            let (a, b, year) = (numbers[0].value, numbers[1].value, numbers[2].value)
            if format?.hasPrefix("MM") == true { return make(year, a, b) }
            if format?.hasPrefix("DD") == true { return make(year, b, a) }
            if a > 12 { return make(year, b, a) }
            if b > 12 { return make(year, a, b) }
            return separators.contains(".") ? make(year, b, a) : nil   // 05.02.2019 is European
        }
        // Month names: `5 February 2019`, `February 5th, 2019`, `Feb 2019` (no day: not a date).
        if let month = words.lazy.compactMap({ word in months.firstIndex { word.hasPrefix($0) && (word.count == 3 || word.count >= 4) } }).first,
           let year = numbers.first(where: { $0.digits == 4 }), let day = numbers.first(where: { $0.digits <= 2 }) {
            return make(year.value, month + 1, day.value)
        }
        return nil
    }

    /// The date in the name a site gives a page in its front-matter (`path = "2024/03/17/x.html"`,
    /// `url: /2019/09/25/welcome/`, Zola and Hugo): a `YYYY/MM/DD` between slashes, before year 2900
    /// (`9999/12/31` marks a draft), with the position of the value.
    public static func inPagePath(_ fields: [YAMLPair]) -> (String, SourcePosition)? {
        for key in ["path", "url"] {
            guard let scalar = fields.first(where: { $0.key.text == key })?.value.scalar,
                  let regex = RegexCache.shared.regex("(?:^|/)([0-9]{4})/([0-9]{2})/([0-9]{2})(?:/|$)"),
                  let match = regex.firstMatch(in: scalar.text, range: NSRange(scalar.text.startIndex..., in: scalar.text)),
                  let range = Range(match.range, in: scalar.text) else { continue }
            let numbers = scalar.text[range].split(separator: "/").compactMap { Int($0) }
            guard numbers.count == 3, numbers[0] < 2900, let date = normalize("\(numbers[0])-\(numbers[1])-\(numbers[2])") else { continue }
            return (date, scalar.position)
        }
        return nil
    }

    /// A date in a file name: `YYYY-MM-DD` anywhere, or a leading `YYYYMMDD`.
    public static func inName(_ name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        func digit(_ index: Int) -> Int? {
            guard index < scalars.count, ("0"..."9").contains(scalars[index]) else { return nil }
            return Int(scalars[index].value - 48)
        }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) { guard let d = digit(index) else { return nil }; value = value * 10 + d }
            return value
        }
        if scalars.count >= 10 {
            for start in 0...(scalars.count - 10) where start == 0 || digit(start - 1) == nil {
                if let year = number(start, 4), scalars[start + 4] == "-" || scalars[start + 4] == "_",
                   let month = number(start + 5, 2), scalars[start + 7] == scalars[start + 4], let day = number(start + 8, 2),
                   digit(start + 10) == nil, let date = normalize("\(year)-\(month)-\(day)") {
                    return date
                }
            }
        }
        if let value = number(0, 8), digit(8) == nil, let date = normalize(String(value)) { return date }
        return nil
    }
}
