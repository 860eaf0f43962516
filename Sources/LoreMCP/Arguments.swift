import Foundation
import LoreKit
import MCP

/// A tool call the server answers with `isError: true` (a result the agent can read and correct),
/// not a JSON-RPC error: a bad argument, an id that does not exist, what Lore refused.
struct ToolFailure: Error, Sendable {
    let message: String

    init(_ message: String) { self.message = message }

    init(_ error: LoreError) { self.message = Self.strip(error.description) }

    init(_ error: EditError) { self.message = Self.strip(error.description) }

    private static func strip(_ text: String) -> String {
        text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text
    }
}

/// The limits every result keeps, so that a 100,000-entry memory never floods a context window.
enum Limits {
    /// The longest text rendering of a tool result, in UTF-8 bytes; longer text is cut with a note.
    static let text = 48 * 1024
    /// The longest text argument (`text` of `similar`, `check_draft`), in UTF-8 bytes.
    static let argumentText = 1024 * 1024
    /// The longest short string argument (ids, queries, paths, filters).
    static let argumentString = 4096
    /// The most items in a list argument (`paths`, `where`, `tags`).
    static let argumentItems = 1000
    /// The longest section text in `get_entry` (characters); longer ones are cut with a note.
    static let sectionText = 8 * 1024
    /// The longest entry served as a resource (bytes).
    static let resource = 512 * 1024
    /// Changed paths listed in a recall result (the count is always given).
    static let changedPaths = 200
    /// Resources per page of `resources/list`, entries per page of `lore://index`.
    static let resourcesPage = 200
}

/// A tool's arguments, read with the checks every tool needs: known names, types, sizes, ranges.
/// Each accessor throws a `ToolFailure` naming the argument and what was expected.
struct Arguments {
    let tool: String
    let values: [String: Value]

    init(tool: String, _ values: [String: Value]?, allowed: Set<String>) throws(ToolFailure) {
        self.tool = tool
        self.values = values ?? [:]
        let unknown = self.values.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw ToolFailure("\(tool): unknown argument\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); "
                + "accepted: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func has(_ name: String) -> Bool {
        guard let value = values[name] else { return false }
        return !value.isNull
    }

    func string(_ name: String, maxBytes: Int = Limits.argumentString) throws(ToolFailure) -> String? {
        guard let value = values[name], !value.isNull else { return nil }
        guard case .string(let text) = value else { throw ToolFailure("\(tool): '\(name)' must be a string") }
        if text.utf8.count > maxBytes { throw ToolFailure("\(tool): '\(name)' is \(text.utf8.count) bytes; the limit is \(maxBytes)") }
        if text.utf8.contains(0) { throw ToolFailure("\(tool): '\(name)' contains a NUL character") }
        return text
    }

    func requiredString(_ name: String, maxBytes: Int = Limits.argumentString) throws(ToolFailure) -> String {
        guard let text = try string(name, maxBytes: maxBytes) else { throw ToolFailure("\(tool): '\(name)' is required") }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ToolFailure("\(tool): '\(name)' must not be empty") }
        return text
    }

    func strings(_ name: String) throws(ToolFailure) -> [String] {
        guard let value = values[name], !value.isNull else { return [] }
        if case .string = value { return [try string(name)!] }
        guard case .array(let items) = value else { throw ToolFailure("\(tool): '\(name)' must be a list of strings") }
        if items.count > Limits.argumentItems { throw ToolFailure("\(tool): '\(name)' has \(items.count) items; the limit is \(Limits.argumentItems)") }
        var out: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw ToolFailure("\(tool): '\(name)' must be a list of strings") }
            if text.utf8.count > Limits.argumentString || text.utf8.contains(0) {
                throw ToolFailure("\(tool): an item of '\(name)' is longer than \(Limits.argumentString) bytes or contains NUL")
            }
            out.append(text)
        }
        return out
    }

    func bool(_ name: String) throws(ToolFailure) -> Bool? {
        guard let value = values[name], !value.isNull else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw ToolFailure("\(tool): '\(name)' must be true or false")
        }
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ToolFailure) -> Int {
        guard let value = values[name], !value.isNull else { return fallback }
        let number: Int?
        switch value {
        case .int(let n): number = n
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: number = Int(d)
        case .string(let s): number = Int(s)
        default: number = nil
        }
        guard let number else { throw ToolFailure("\(tool): '\(name)' must be a whole number") }
        guard range.contains(number) else { throw ToolFailure("\(tool): '\(name)' must be between \(range.lowerBound) and \(range.upperBound), not \(number)") }
        return number
    }

    func oneOf(_ name: String, _ choices: [String], default fallback: String) throws(ToolFailure) -> String {
        guard let text = try string(name) else { return fallback }
        guard choices.contains(text) else { throw ToolFailure("\(tool): '\(name)' must be one of \(choices.joined(separator: ", ")), not '\(text)'") }
        return text
    }

    func date(_ name: String) throws(ToolFailure) -> String? {
        guard let text = try string(name) else { return nil }
        guard FieldType.date.accepts(text) else { throw ToolFailure("\(tool): '\(name)' must be a date YYYY-MM-DD, not '\(text)'") }
        return text
    }

    /// The offset a `cursor` from an earlier page of this tool stands for (0 without one).
    func offset() throws(ToolFailure) -> Int {
        guard let cursor = try string("cursor") else { return 0 }
        guard let offset = Cursor.decode(cursor, scope: tool) else {
            throw ToolFailure("\(tool): 'cursor' is not a cursor this tool gave; call again without it to start from the first page")
        }
        return offset
    }
}

/// Opaque page cursors: the scope (a tool or list method) and the offset of the next page.
enum Cursor {
    static func encode(_ offset: Int, scope: String) -> String {
        Data("lore:\(scope):\(offset)".utf8).base64EncodedString()
    }

    static func decode(_ cursor: String, scope: String) -> Int? {
        guard cursor.utf8.count <= 512, let data = Data(base64Encoded: cursor),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let prefix = "lore:\(scope):"
        guard text.hasPrefix(prefix), let offset = Int(text.dropFirst(prefix.count)), offset >= 0 else { return nil }
        return offset
    }
}

/// One page of `items` from `offset`: the items, and the cursor of the next page if there is one.
func page<T>(_ items: [T], offset: Int, limit: Int, scope: String) -> (items: [T], next: String?) {
    guard offset < items.count else { return ([], nil) }
    let end = min(items.count, offset + limit)
    return (Array(items[offset..<end]), end < items.count ? Cursor.encode(end, scope: scope) : nil)
}

/// `text` cut to at most `limit` UTF-8 bytes (on a character boundary), with a note when cut.
func capped(_ text: String, limit: Int = Limits.text, note: String = "the rest is left out; narrow the request or use the structured result") -> String {
    guard text.utf8.count > limit else { return text }
    var out = ""
    var bytes = 0
    for character in text {
        let size = String(character).utf8.count
        if bytes + size > limit { break }
        out.append(character)
        bytes += size
    }
    return out + "\n… [cut at \(limit) bytes: \(note)]\n"
}

extension Value {
    /// A LoreKit JSON value as an MCP value.
    init(json: JSONValue) {
        switch json {
        case .string(let text): self = .string(text)
        case .number(let number): self = .int(number)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        case .array(let items): self = .array(items.map { Value(json: $0) })
        case .object(let fields): self = .object(fields.mapValues { Value(json: $0) })
        }
    }
}

extension JSONValue {
    /// A string, or null.
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
