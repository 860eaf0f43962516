import Foundation
/// Writes `JSONValue`s as JSON text: object keys sorted by their UTF-8 bytes, two-space
/// indentation when pretty, `/` unescaped. The same value always gives the same bytes, so CI diffs
/// of Lore's output mean something. (Foundation's JSONEncoder took 170 µs an entry; this, a few.)
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    let pretty: Bool

    /// A writer; `pretty` puts one value per line, indented.
    public init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(4096)
    }

    private init(unallocatedPretty pretty: Bool) { self.pretty = pretty }

    /// Appends one value at the given indentation depth.
    public mutating func write(_ value: JSONValue, depth: Int = 0) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): append(String(number))
        case .string(let text): writeString(text)
        case .array(let items):
            guard !items.isEmpty else { append("[]"); return }
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                write(item, depth: depth + 1)
            }
            newline(depth)
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { append("{}"); return }
            bytes.append(UInt8(ascii: "{"))
            let keys = object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                writeString(key)
                append(pretty ? ": " : ":")
                write(object[key]!, depth: depth + 1)
            }
            newline(depth)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes front-matter YAML as JSON: scalars as the text written (null as null), mappings with
    /// sorted keys.
    public mutating func write(yaml value: YAMLValue, depth: Int) {
        switch value {
        case .scalar(let scalar):
            if scalar.isNull { append("null") } else { writeString(scalar.text) }
        case .sequence(let items, _):
            writeArray(items, depth: depth) { writer, item in writer.write(yaml: item, depth: depth + 1) }
        case .mapping(let pairs, _):
            let sorted = pairs.sorted { $0.key.text.utf8.lexicographicallyPrecedes($1.key.text.utf8) }
            writeObject(depth: depth) { object in
                for pair in sorted { object.field(pair.key.text) { $0.write(yaml: pair.value, depth: depth + 1) } }
            }
        }
    }

    /// Writes an array of strings.
    public mutating func writeStrings(_ items: [String], depth: Int) {
        writeArray(items, depth: depth) { writer, item in writer.writeString(item) }
    }

    /// Writes an object whose fields `body` adds in order (the caller keeps them sorted).
    public mutating func writeObject(depth: Int, _ body: (inout ObjectFields) -> Void) {
        // The fields own the bytes while they are written: swapped in and out, never copied.
        var fields = ObjectFields(writer: JSONWriter(unallocatedPretty: pretty), depth: depth)
        swap(&fields.writer, &self)
        fields.writer.bytes.append(UInt8(ascii: "{"))
        body(&fields)
        if fields.count > 0 { fields.writer.newline(depth) }
        fields.writer.bytes.append(UInt8(ascii: "}"))
        swap(&fields.writer, &self)
    }

    /// Writes an array of `items`, each with `body`.
    public mutating func writeArray<Item>(_ items: [Item], depth: Int, _ body: (inout JSONWriter, Item) -> Void) {
        guard !items.isEmpty else { append("[]"); return }
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(depth + 1)
            body(&self, item)
        }
        newline(depth)
        bytes.append(UInt8(ascii: "]"))
    }

    /// The fields of an object being written.
    public struct ObjectFields {
        var writer: JSONWriter
        let depth: Int
        var count = 0

        /// Adds `"key": value`, the value written by `body`.
        public mutating func field(_ key: String, _ body: (inout JSONWriter) -> Void) {
            if count > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            count += 1
            writer.newline(depth + 1)
            writer.writeString(key)
            writer.append(writer.pretty ? ": " : ":")
            body(&writer)
        }
    }

    /// Appends raw text (separators between top-level values).
    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends JSON another writer made (a value rendered apart, on another core).
    mutating func append(rendered: [UInt8]) { bytes += rendered }

    /// Appends JSON another writer made, or a record kept from a previous output.
    mutating func append(rendered: ArraySlice<UInt8>) { bytes += rendered }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }

    mutating func newline(_ depth: Int) {
        guard pretty else { return }
        bytes.append(10)
        for _ in 0..<depth { bytes.append(32); bytes.append(32) }
    }

    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if done == nil { Array(text.utf8).withUnsafeBufferPointer { appendEscaped($0) } }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends runs that need no escaping whole, escaping `"`, `\\` and control characters.
    private mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<input.count {
            let byte = input[index]
            guard byte < 32 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(92); bytes.append(byte)
            case 10: bytes.append(92); bytes.append(UInt8(ascii: "n"))
            case 13: bytes.append(92); bytes.append(UInt8(ascii: "r"))
            case 9: bytes.append(92); bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(92); bytes.append(UInt8(ascii: "u")); bytes.append(48); bytes.append(48)
                bytes.append(Self.hexDigit(byte >> 4))
                bytes.append(Self.hexDigit(byte & 0xF))
            }
        }
        if input.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<input.count])) }
    }
}

/// Encodes Codable reports with sorted keys: the same report always gives the same bytes.
public func stableJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
}
