import Foundation

/// Turns a file's bytes into text, or says exactly why it is not text.
enum SourceText {
    enum Problem: Error, Equatable {
        /// A NUL byte among the first 8000 bytes, as git's own binary test.
        case binary
        /// A NUL byte later in the file.
        case nul(SourcePosition)
        /// Bytes that are not UTF-8, first one at the position.
        case invalidUTF8(SourcePosition)
    }

    /// The file as text: UTF-8 validated, byte-order mark removed, CRLF line endings made LF
    /// (positions do not change: a `\r` only ever ends a line).
    static func decode(_ bytes: [UInt8]) throws(Problem) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let nul = body.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let found = memchr(base, 0, raw.count) else { return nil }
            return body.startIndex + (UnsafeRawPointer(found) - base)
        }
        if let nul {
            if nul - body.startIndex < 8000 { throw .binary }
            throw .nul(position(of: nul, in: body))
        }
        guard var text = String(validating: body, as: UTF8.self) else {
            throw .invalidUTF8(position(of: firstInvalidByte(body), in: body))
        }
        if body.withUnsafeBytes({ $0.baseAddress.map { memchr($0, 13, body.count) != nil } ?? false }) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        return text
    }

    /// The line and scalar column of a byte offset.
    private static func position(of offset: Int, in bytes: ArraySlice<UInt8>) -> SourcePosition {
        var line = 1
        var column = 1
        var index = bytes.startIndex
        while index < offset {
            let byte = bytes[index]
            if byte == 10 { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourcePosition(line: line, column: column)
    }

    private static func firstInvalidByte(_ bytes: ArraySlice<UInt8>) -> Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = bytes[index]
            let length: Int
            switch first {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= bytes.endIndex,
                  String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil else { return index }
            index += length
        }
        return bytes.endIndex
    }
}
