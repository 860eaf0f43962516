/// One replacement of a byte range of a file: how Lore changes a user's file without touching
/// anything else (comments, quoting, line endings, a byte-order mark stay as they were).
public struct ByteEdit: Sendable, Hashable {
    /// The bytes replaced, as offsets into the original file.
    public let range: Range<Int>
    /// What replaces them.
    public let replacement: [UInt8]

    /// An edit.
    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    /// `bytes` with `edits` applied; the edits must not overlap.
    public static func apply(_ edits: [ByteEdit], to bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.replacement.count })
        var cursor = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            precondition(edit.range.lowerBound >= cursor && edit.range.upperBound <= bytes.count, "overlapping or out-of-range edits")
            out += bytes[cursor..<edit.range.lowerBound]
            out += edit.replacement
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }
}

/// Byte offsets of a file's lines, to turn the positions the parser reports (1-based lines,
/// columns in Unicode scalars, counted after a byte-order mark) back into byte offsets.
struct ByteLines {
    let bytes: [UInt8]
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0]
        for (index, byte) in bytes.enumerated() where byte == 10 { starts.append(index + 1) }
        self.starts = starts
    }

    /// The number of lines (a final line without a newline counts).
    var count: Int { starts.count }

    /// The byte offset of a position, `nil` when it is not inside the file.
    func offset(of position: SourcePosition) -> Int? {
        guard position.line >= 1, position.line <= starts.count, position.column >= 1 else { return nil }
        var offset = starts[position.line - 1]
        var column = 1
        while column < position.column {
            guard offset < bytes.count, bytes[offset] != 10 else { return nil }
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        return offset
    }

    /// The byte range of line `line` without its line ending (`\n` or `\r\n`).
    func lineRange(_ line: Int) -> Range<Int> {
        let start = starts[line - 1]
        var end = line < starts.count ? starts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == 13, line < starts.count { end -= 1 }
        return start..<end
    }

    /// The 1-based line holding byte `offset`.
    func line(containing offset: Int) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The line ending the file uses (`\r\n` when its first line ends so), for lines Lore adds.
    var lineEnding: [UInt8] {
        guard starts.count > 1 else { return [10] }
        let end = starts[1] - 1
        return end > 0 && bytes[end - 1] == 13 ? [13, 10] : [10]
    }
}

/// Where a scalar value is written in the file's bytes, found from its position.
enum ScalarSource {
    /// The byte range of the text `expected` written at `offset`, plain or in quotes, and how it
    /// is quoted; `nil` when the bytes there are not exactly that text (escapes, a folded line).
    static func range(of expected: String, at offset: Int, in bytes: [UInt8]) -> (range: Range<Int>, quote: UInt8?)? {
        guard offset < bytes.count else { return nil }
        let needle = Array(expected.utf8)
        var start = offset
        var quote: UInt8?
        if bytes[offset] == 34 || bytes[offset] == 39 { quote = bytes[offset]; start += 1 }
        let end = start + needle.count
        guard end <= bytes.count, bytes[start..<end].elementsEqual(needle) else { return nil }
        if let quote {
            guard end < bytes.count, bytes[end] == quote else { return nil }
        } else if end < bytes.count {
            // A plain scalar ends at a blank, a line end, a flow indicator or a comment.
            guard [9, 10, 13, 32, 44, 93, 125, 35].contains(bytes[end]) else { return nil }
        }
        return (start..<end, quote)
    }

    /// The byte range of a whole scalar written at `offset`: quoted (with its quotes) or plain
    /// (to the end of its line, a flow indicator or a comment), for a value on one line.
    static func wholeRange(at offset: Int, in bytes: [UInt8], flow: Bool) -> Range<Int>? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        if first == 39 || first == 34 {
            var index = offset + 1
            while index < bytes.count, bytes[index] != 10 {
                if first == 34 && bytes[index] == 92 { index += 2; continue }
                if bytes[index] == first {
                    if first == 39 && index + 1 < bytes.count && bytes[index + 1] == 39 { index += 2; continue }
                    return offset..<(index + 1)
                }
                index += 1
            }
            return nil
        }
        var end = offset
        while end < bytes.count, bytes[end] != 10, bytes[end] != 13 {
            if bytes[end] == 35, end > offset, bytes[end - 1] == 32 || bytes[end - 1] == 9 { break }
            if flow && (bytes[end] == 44 || bytes[end] == 93 || bytes[end] == 125) { break }
            end += 1
        }
        while end > offset, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        return offset..<end
    }
}
