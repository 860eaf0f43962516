import Git

/// The byte codec of every cache record (`RecordStore`): varints, length-prefixed strings, positions
/// and diagnostics, each written one way for every cache.

/// Appends varints and length-prefixed strings.
package enum ByteWriter {
    package static func varint(_ value: Int, into out: inout [UInt8]) {
        varint64(UInt64(max(value, 0)), into: &out)
    }

    static func varint64(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    package static func bytes(_ bytes: [UInt8], into out: inout [UInt8]) {
        varint(bytes.count, into: &out)
        out += bytes
    }

    package static func string(_ text: String, into out: inout [UInt8]) {
        varint(text.utf8.count, into: &out)
        out += text.utf8
    }

    package static func position(_ position: SourcePosition, into out: inout [UInt8]) {
        varint(position.line, into: &out)
        varint(position.column, into: &out)
    }

    /// Diagnostics without their path (the record's key holds it): count, then position,
    /// severity, code and message of each.
    package static func diagnostics(_ diagnostics: [Diagnostic], into out: inout [UInt8]) {
        varint(diagnostics.count, into: &out)
        for diagnostic in diagnostics {
            position(diagnostic.position, into: &out)
            out.append(diagnostic.severity == .error ? 0 : 1)
            string(diagnostic.code, into: &out)
            string(diagnostic.message, into: &out)
        }
    }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked and returns `nil` past the end.
package struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int

    package init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    package var isAtEnd: Bool { offset >= bytes.endIndex }

    package mutating func byte() -> UInt8? {
        guard offset < bytes.endIndex else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A varint of up to 63 bits (times).
    mutating func varint64() -> Int64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = byte() {
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value <= UInt64(Int64.max) ? Int64(value) : nil }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    package mutating func lengthPrefixedBytes() -> [UInt8]? {
        guard let count = varint(), let slice = bytes(count) else { return nil }
        return Array(slice)
    }

    package mutating func varint() -> Int? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = byte() {
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value <= UInt64(Int32.max) ? Int(value) : nil }
            shift += 7
            if shift > 35 { return nil }
        }
        return nil
    }

    package mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.endIndex - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    package mutating func string() -> String? {
        guard let count = varint(), let slice = bytes(count) else { return nil }
        return String(decoding: slice, as: UTF8.self)
    }

    package mutating func position() -> SourcePosition? {
        guard let line = varint(), let column = varint() else { return nil }
        return SourcePosition(line: line, column: column)
    }

    /// Reads what `ByteWriter.diagnostics` wrote, as diagnostics of the file at `path`.
    package mutating func diagnostics(path: GitPath) -> [Diagnostic]? {
        guard let count = varint() else { return nil }
        var diagnostics: [Diagnostic] = []
        for _ in 0..<count {
            guard let position = position(), let severity = byte(), let code = string(), let message = string() else { return nil }
            diagnostics.append(Diagnostic(path: path, position: position, severity: severity == 0 ? .error : .warning,
                                          code: code, message: message))
        }
        return diagnostics
    }

    /// Steps over what `ByteWriter.diagnostics` wrote without making them; `false` when the bytes
    /// are not diagnostics.
    package mutating func skipDiagnostics() -> Bool {
        guard let count = varint() else { return false }
        for _ in 0..<count {
            guard position() != nil, byte() != nil, lengthPrefixedBytes() != nil, lengthPrefixedBytes() != nil else { return false }
        }
        return true
    }
}
