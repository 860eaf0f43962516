/// Refuses texts whose shape makes cmark-gfm 0.29 super-linear (CVE-2023-22483…22486, -24824,
/// -26485, -37463), measured in one linear pass before parsing. Debian's cmark-gfm lacks the
/// upstream fixes; a size cap alone does not help (30 KB of `- ` took 8.6 s).
///
/// The limits are far above what prose needs: 64 nested containers on one line, 100 levels of
/// list indentation, 250 unclosed `[` in one paragraph, and 200,000 cells in one table.
enum ComplexityGuard {
    static let maxContainerPrefix = 64
    static let maxIndentLevels = 100
    static let maxOpenBrackets = 250
    static let maxTableCells = 200_000

    static func check(_ text: String, lineOffset: Int) throws(MarkdownTooComplex) {
        var text = text
        let failure = text.withUTF8 { bytes -> MarkdownTooComplex? in
            do throws(MarkdownTooComplex) { try scan(bytes, lineOffset: lineOffset); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) throws(MarkdownTooComplex) {
        var line = 1
        var start = 0
        var openBrackets = 0
        var tableColumns = 0          // columns of the table being read, 0 outside tables
        var tableCells = 0
        var tableStartLine = 0
        var previousLineHadPipe = false
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            let lineBytes = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let blank = lineBytes.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
            if blank {
                openBrackets = 0
                tableColumns = 0
            } else {
                let depth = containerDepth(lineBytes)
                if depth > maxContainerPrefix {
                    throw MarkdownTooComplex(line: line + lineOffset, column: 1,
                                             reason: "\(depth) nested block quotes or list items on one line (limit \(maxContainerPrefix))")
                }
                let indent = leadingIndent(lineBytes)
                if indent / 2 > maxIndentLevels {
                    throw MarkdownTooComplex(line: line + lineOffset, column: 1,
                                             reason: "indentation of \(indent) columns (limit \(maxIndentLevels * 2))")
                }
                var escaped = false
                var pipes = 0
                for (offset, byte) in lineBytes.enumerated() {
                    if escaped { escaped = false; continue }
                    switch byte {
                    case UInt8(ascii: "\\"): escaped = true
                    case UInt8(ascii: "["):
                        openBrackets += 1
                        if openBrackets > maxOpenBrackets {
                            throw MarkdownTooComplex(line: line + lineOffset, column: scalarColumn(lineBytes, offset),
                                                     reason: "more than \(maxOpenBrackets) unclosed '[' in one paragraph")
                        }
                    case UInt8(ascii: "]"): if openBrackets > 0 { openBrackets -= 1 }
                    case UInt8(ascii: "|"): pipes += 1
                    default: break
                    }
                }
                if tableColumns > 0 {
                    tableCells += tableColumns
                    if tableCells > maxTableCells {
                        throw MarkdownTooComplex(line: tableStartLine + lineOffset, column: 1,
                                                 reason: "a table of more than \(maxTableCells) cells")
                    }
                } else if previousLineHadPipe && isDelimiterRow(lineBytes) {
                    tableColumns = max(pipes - 1, 1)
                    tableCells = tableColumns * 2
                    tableStartLine = line - 1
                }
                previousLineHadPipe = pipes > 0
            }
            if blank { previousLineHadPipe = false }
            line += 1
            start = end + 1
        }
    }

    /// How many block quote and list-item markers open the line.
    private static func containerDepth(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var index = 0
        var depth = 0
        while index < line.count {
            var spaces = 0
            while index < line.count && line[index] == 32 && spaces < 4 { index += 1; spaces += 1 }
            guard index < line.count else { break }
            let byte = line[index]
            if byte == UInt8(ascii: ">") {
                depth += 1; index += 1
                continue
            }
            var markerEnd = index
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") {
                markerEnd = index + 1
            } else {
                while markerEnd < line.count && markerEnd - index < 9 && line[markerEnd] >= 48 && line[markerEnd] <= 57 { markerEnd += 1 }
                guard markerEnd > index, markerEnd < line.count,
                      line[markerEnd] == UInt8(ascii: ".") || line[markerEnd] == UInt8(ascii: ")") else { break }
                markerEnd += 1
            }
            guard markerEnd < line.count, line[markerEnd] == 32 || line[markerEnd] == 9 else { break }
            depth += 1
            index = markerEnd
        }
        return depth
    }

    private static func leadingIndent(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var columns = 0
        for byte in line {
            if byte == 32 { columns += 1 } else if byte == 9 { columns += 4 - columns % 4 } else { break }
        }
        return columns
    }

    /// A GFM table delimiter row: only `|`, `-`, `:` and blanks, with at least one `-`.
    private static func isDelimiterRow(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var dash = false
        for byte in line {
            switch byte {
            case UInt8(ascii: "-"): dash = true
            case UInt8(ascii: "|"), UInt8(ascii: ":"), 32, 9, 13: break
            default: return false
            }
        }
        return dash
    }

    private static func scalarColumn(_ line: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
        var column = 1
        for index in 0..<offset where line[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}
