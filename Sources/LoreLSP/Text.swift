import Foundation
import LoreKit

/// How the client counts characters in a line (`positionEncoding`, LSP 3.17): UTF-16 code units
/// unless the client offers another.
enum PositionEncoding: String {
    case utf8 = "utf-8", utf16 = "utf-16", utf32 = "utf-32"

    /// The width of one Unicode scalar.
    func width(_ scalar: Unicode.Scalar) -> Int {
        switch self {
        case .utf8: return UTF8.width(scalar)
        case .utf16: return UTF16.width(scalar)
        case .utf32: return 1
        }
    }
}

/// A zero-based LSP position.
struct LSPPosition: Equatable, Comparable {
    var line: Int
    var character: Int

    static func < (lhs: LSPPosition, rhs: LSPPosition) -> Bool { (lhs.line, lhs.character) < (rhs.line, rhs.character) }

    var json: [String: Any] { ["line": line, "character": character] }

    init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    init?(_ json: Any?) {
        guard let object = json as? [String: Any], let line = (object["line"] as? NSNumber)?.intValue,
              let character = (object["character"] as? NSNumber)?.intValue, line >= 0, character >= 0 else { return nil }
        self.init(line: line, character: character)
    }
}

/// An LSP range.
struct LSPRange {
    var start: LSPPosition
    var end: LSPPosition

    var json: [String: Any] { ["start": start.json, "end": end.json] }

    init(start: LSPPosition, end: LSPPosition) {
        self.start = start
        self.end = end
    }

    init?(_ json: Any?) {
        guard let object = json as? [String: Any], let start = LSPPosition(object["start"]), let end = LSPPosition(object["end"]) else { return nil }
        self.init(start: start, end: end)
    }
}

/// A text split into lines, converting between Lore's positions (1-based line, column in Unicode
/// scalars, as the parser reports them), byte offsets (as edits are planned) and LSP positions.
/// Lines end at `\n`; a `\r` before it is not part of the line, as the parser reads CRLF files.
struct TextLines {
    let bytes: [UInt8]
    /// Byte offset of each line's start.
    let starts: [Int]
    /// Bytes of a leading byte-order mark (the parser does not count it).
    let bom: Int

    init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 10 { starts.append(index + 1) }
        self.starts = starts
        bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    var lineCount: Int { starts.count }

    /// The bytes of line `index` (0-based), without its line ending.
    func lineBytes(_ index: Int) -> ArraySlice<UInt8> {
        guard index >= 0, index < starts.count else { return [] }
        var end = index + 1 < starts.count ? starts[index + 1] - 1 : bytes.count
        if end > starts[index], bytes[end - 1] == 13 { end -= 1 }
        return bytes[starts[index]..<end]
    }

    /// Line `index` (0-based) as text.
    func line(_ index: Int) -> String { String(decoding: lineBytes(index), as: UTF8.self) }

    /// The LSP position of a Lore position (1-based line, scalar column).
    func position(_ position: SourcePosition, _ encoding: PositionEncoding) -> LSPPosition {
        let index = max(position.line - 1, 0)
        var character = 0
        var column = 1
        for scalar in line(index).unicodeScalars {
            guard column < position.column else { break }
            character += encoding.width(scalar)
            column += 1
        }
        return LSPPosition(line: index, character: character)
    }

    /// The byte offset of an LSP position (clamped to its line).
    func offset(_ position: LSPPosition, _ encoding: PositionEncoding) -> Int {
        guard position.line < starts.count else { return bytes.count }
        let lineBytes = lineBytes(position.line)
        var offset = lineBytes.startIndex
        var character = 0
        for scalar in String(decoding: lineBytes, as: UTF8.self).unicodeScalars {
            let width = encoding.width(scalar)
            guard character + width <= position.character else { break }
            character += width
            offset += UTF8.width(scalar)
        }
        return offset
    }

    /// The LSP position of a byte offset.
    func position(offset: Int, _ encoding: PositionEncoding) -> LSPPosition {
        var low = 0, high = starts.count
        while low + 1 < high {
            let middle = (low + high) / 2
            if starts[middle] <= offset { low = middle } else { high = middle }
        }
        let prefix = bytes[starts[low]..<min(max(offset, starts[low]), bytes.count)]
        let character = String(decoding: prefix, as: UTF8.self).unicodeScalars.reduce(0) { $0 + encoding.width($1) }
        return LSPPosition(line: low, character: character)
    }

    /// The range of a finding at `position`: from it to the end of the token there (`---`, a
    /// value, an id in a list, a whole `[[ID]]`), at least one character when the line has one.
    func wordRange(at position: SourcePosition, _ encoding: PositionEncoding) -> LSPRange {
        let start = self.position(position, encoding)
        let scalars = Array(line(start.line).unicodeScalars)
        var index = max(position.column - 1, 0)
        var end = start
        func take() {
            end.character += encoding.width(scalars[index])
            index += 1
        }
        if index + 1 < scalars.count, scalars[index] == "[", scalars[index + 1] == "[" {
            // `[[ID]]` or `[[ID|text]]`: up to the closing brackets.
            while index < scalars.count, !(scalars[index] == "]" && index + 1 < scalars.count && scalars[index + 1] == "]") { take() }
            if index + 1 < scalars.count { take(); take() }
        } else {
            while index < scalars.count, !" \t,]|)".unicodeScalars.contains(scalars[index]) { take() }
        }
        if end == start, index < scalars.count { take() }
        return LSPRange(start: start, end: end)
    }

    /// The text of line `position.line` before the position, and after it.
    func split(at position: LSPPosition, _ encoding: PositionEncoding) -> (before: String, after: String) {
        let lineBytes = lineBytes(position.line)
        let cut = min(max(offset(position, encoding), lineBytes.startIndex), lineBytes.endIndex)
        return (String(decoding: bytes[lineBytes.startIndex..<cut], as: UTF8.self),
                String(decoding: bytes[cut..<lineBytes.endIndex], as: UTF8.self))
    }

    /// The width in `encoding` of a text.
    static func width(_ text: some StringProtocol, _ encoding: PositionEncoding) -> Int {
        text.unicodeScalars.reduce(0) { $0 + encoding.width($1) }
    }

    /// The LSP position at the end of the text.
    func endPosition(_ encoding: PositionEncoding) -> LSPPosition {
        LSPPosition(line: starts.count - 1, character: TextLines.width(line(starts.count - 1), encoding))
    }
}

/// `file:` URIs and paths.
enum FileURI {
    /// The absolute path of a `file:` URI; `nil` for any other scheme.
    static func path(_ uri: String) -> String? {
        guard uri.lowercased().hasPrefix("file://") else { return nil }
        var rest = Substring(uri.dropFirst(7))
        if rest.lowercased().hasPrefix("localhost/") { rest = rest.dropFirst(9) }
        guard rest.hasPrefix("/") else { return nil }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        var bytes: [UInt8] = []
        var utf8 = Array(rest.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `file:` URI of an absolute path, percent-encoding what a URI path may not hold.
    static func uri(_ path: String) -> String {
        var out = "file://"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
