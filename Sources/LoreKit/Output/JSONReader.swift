import Foundation

extension JSONValue {
    /// Why bytes are not one JSON value: what was expected, and at which byte offset.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with the 0-based byte offset.
        public let description: String
    }

    /// Reads one JSON document (RFC 8259) as a value: numbers must be whole (`number(Int)`).
    ///
    /// Decoding `JSONValue` with `JSONDecoder` tries each case in turn, and each failed try builds
    /// an error with its coding path: a synced source's index of 50 entries took about 0.2 s, and
    /// 2,000 of them minutes. This reads each byte once.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected text after the value") }
        return value
    }
}

/// A one-pass JSON reader over bytes (`JSONValue.parse`).
private struct JSONReader {
    let bytes: [UInt8]
    var offset = 0

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ message: String) -> JSONValue.ParseError {
        JSONValue.ParseError(description: "\(message) at byte \(offset)")
    }

    mutating func skipSpace() {
        while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x0A || bytes[offset] == 0x0D || bytes[offset] == 0x09 {
            offset += 1
        }
    }

    mutating func value(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard offset < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            var object: [String: JSONValue] = [:]
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(object) }
            while true {
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let key = try string()
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw error("expected ':'") }
                offset += 1
                skipSpace()
                object[key] = try value(depth: depth + 1)
                skipSpace()
                guard offset < bytes.count else { throw error("unexpected end of the text") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                guard bytes[offset] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                offset += 1
                return .object(object)
            }
        case UInt8(ascii: "["):
            offset += 1
            var items: [JSONValue] = []
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard offset < bytes.count else { throw error("unexpected end of the text") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                guard bytes[offset] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                offset += 1
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw error("unexpected character")
        }
    }

    mutating func literal(_ word: String) throws(JSONValue.ParseError) {
        let expected = Array(word.utf8)
        guard offset + expected.count <= bytes.count, bytes[offset..<offset + expected.count].elementsEqual(expected) else {
            throw error("unexpected character")
        }
        offset += expected.count
    }

    mutating func number() throws(JSONValue.ParseError) -> Int {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let digits = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
        guard offset > digits else { throw error("expected a digit") }
        if offset < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[offset]) {
            throw error("a number that is not whole")
        }
        guard let number = Int(String(decoding: bytes[start..<offset], as: UTF8.self)) else { throw error("a number too large") }
        return number
    }

    /// A string at `offset` (on its opening quote), unescaped.
    mutating func string() throws(JSONValue.ParseError) -> String {
        offset += 1
        let start = offset
        // Most strings hold no escape: taken whole.
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\") {
            guard bytes[offset] >= 0x20 else { throw error("a control character in a string") }
            offset += 1
        }
        guard offset < bytes.count else { throw error("a string without its closing quote") }
        var out = Array(bytes[start..<offset])
        while true {
            guard offset < bytes.count else { throw error("a string without its closing quote") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw error("a string that is not UTF-8") }
                return text
            }
            guard byte >= 0x20 else { throw error("a control character in a string") }
            offset += 1
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            guard offset < bytes.count else { throw error("a string without its closing quote") }
            let escape = bytes[offset]
            offset += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by `\u` and a low one.
                    guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                        throw error("a lone surrogate in a string")
                    }
                    offset += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("a lone surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("a lone surrogate in a string")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("an invalid \\u escape") }
                out += Array(String(Character(unicode)).utf8)
            default:
                throw error("an invalid escape in a string")
            }
        }
    }

    mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("an invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
