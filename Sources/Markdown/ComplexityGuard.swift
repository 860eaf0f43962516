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

    /// Bytes the scan looks at: newline, `\\`, `[`, `]`, `|`, `-`, `:`, blanks.
    private static let interesting: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in "\n\\[]|-: \t\r".utf8 { table[Int(byte)] = 1 }
        return table
    }()

    static func check(_ text: String, lineOffset: Int) throws(MarkdownTooComplex) {
        // Not `withUTF8`: it is mutating and copies a shared string.
        let failure = text.utf8.withContiguousStorageIfAvailable { bytes -> MarkdownTooComplex? in
            scan(bytes, lineOffset: lineOffset)
        } ?? Array(text.utf8).withUnsafeBufferPointer { scan($0, lineOffset: lineOffset) }
        if let failure { throw failure }
    }

    /// One pass over the bytes, line by line; the per-byte loop only counts brackets and pipes.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) -> MarkdownTooComplex? {
        interesting.withUnsafeBufferPointer { table in scan(bytes, lineOffset: lineOffset, interesting: table.baseAddress!) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int,
                             interesting: UnsafePointer<UInt8>) -> MarkdownTooComplex? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var line = 1
        var start = 0
        var openBrackets = 0
        var tableColumns = 0          // columns of the table being read, 0 outside tables
        var tableCells = 0
        var tableStartLine = 0
        var previousLineHadPipe = false
        while start <= count {
            // Leading indentation, then the first significant byte.
            var index = start
            var indent = 0
            while index < count {
                let byte = base[index]
                if byte == 32 { indent += 1 } else if byte == 9 { indent += 4 - indent % 4 } else { break }
                index += 1
            }
            let blank = index >= count || base[index] == 10 || (base[index] == 13 && (index + 1 >= count || base[index + 1] == 10))
            var pipes = 0
            var dashes = false
            var onlyDelimiterBytes = true
            if !blank {
                if indent / 2 > maxIndentLevels {
                    return MarkdownTooComplex(line: line + lineOffset, column: 1,
                                              reason: "indentation of \(indent) columns (limit \(maxIndentLevels * 2))")
                }
                let first = base[index]
                if first == UInt8(ascii: ">") || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                    || first == UInt8(ascii: "*") || (first >= 48 && first <= 57) {
                    let depth = containerDepth(base, from: index, end: count)
                    if depth > maxContainerPrefix {
                        return MarkdownTooComplex(line: line + lineOffset, column: 1,
                                                  reason: "\(depth) nested block quotes or list items on one line (limit \(maxContainerPrefix))")
                    }
                }
            }
            var escaped = false
            while index < count {
                // Most bytes are prose: skip them with one table lookup each.
                if !escaped && interesting[Int(base[index])] == 0 {
                    onlyDelimiterBytes = false
                    index += 1
                    continue
                }
                let byte = base[index]
                if byte == 10 { break }
                if escaped {
                    escaped = false
                } else {
                    switch byte {
                    case UInt8(ascii: "\\"): escaped = true; onlyDelimiterBytes = false
                    case UInt8(ascii: "["):
                        openBrackets += 1
                        onlyDelimiterBytes = false
                        if openBrackets > maxOpenBrackets {
                            return MarkdownTooComplex(line: line + lineOffset, column: scalarColumn(base, lineStart: start, offset: index),
                                                      reason: "more than \(maxOpenBrackets) unclosed '[' in one paragraph")
                        }
                    case UInt8(ascii: "]"): if openBrackets > 0 { openBrackets -= 1 }; onlyDelimiterBytes = false
                    case UInt8(ascii: "|"): pipes += 1
                    case UInt8(ascii: "-"): dashes = true
                    case UInt8(ascii: ":"), 32, 9, 13: break
                    default: onlyDelimiterBytes = false
                    }
                }
                index += 1
            }
            if blank {
                openBrackets = 0
                tableColumns = 0
                previousLineHadPipe = false
            } else {
                if tableColumns > 0 {
                    tableCells += tableColumns
                    if tableCells > maxTableCells {
                        return MarkdownTooComplex(line: tableStartLine + lineOffset, column: 1,
                                                  reason: "a table of more than \(maxTableCells) cells")
                    }
                } else if previousLineHadPipe && onlyDelimiterBytes && dashes {
                    tableColumns = max(pipes - 1, 1)
                    tableCells = tableColumns * 2
                    tableStartLine = line - 1
                }
                previousLineHadPipe = pipes > 0
            }
            line += 1
            start = index + 1
        }
        return nil
    }

    /// How many block quote and list-item markers open the line.
    private static func containerDepth(_ line: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        var depth = 0
        while index < end && line[index] != 10 {
            var spaces = 0
            while index < end && line[index] == 32 && spaces < 4 { index += 1; spaces += 1 }
            guard index < end else { break }
            let byte = line[index]
            if byte == UInt8(ascii: ">") {
                depth += 1; index += 1
                continue
            }
            var markerEnd = index
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") {
                markerEnd = index + 1
            } else {
                while markerEnd < end && markerEnd - index < 9 && line[markerEnd] >= 48 && line[markerEnd] <= 57 { markerEnd += 1 }
                guard markerEnd > index, markerEnd < end,
                      line[markerEnd] == UInt8(ascii: ".") || line[markerEnd] == UInt8(ascii: ")") else { break }
                markerEnd += 1
            }
            guard markerEnd < end, line[markerEnd] == 32 || line[markerEnd] == 9 else { break }
            depth += 1
            index = markerEnd
        }
        return depth
    }

    private static func scalarColumn(_ base: UnsafePointer<UInt8>, lineStart: Int, offset: Int) -> Int {
        var column = 1
        for index in lineStart..<offset where base[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}
