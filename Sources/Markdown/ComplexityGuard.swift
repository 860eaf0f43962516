#if canImport(Glibc)
import Glibc
#endif

/// Refuses texts whose shape makes cmark-gfm 0.29 super-linear (CVE-2023-22483…22486, -24824,
/// -26485, -37463), measured in one linear pass before parsing. Debian's cmark-gfm lacks the
/// upstream fixes; a size cap alone does not help (30 KB of `- ` took 8.6 s).
///
/// The limits are far above what prose needs: 64 nested containers on one line, 100 levels of
/// list indentation, 250 unclosed `[` in one paragraph, 1,000 cells in one table row (cmark-gfm
/// parses a row in time quadratic in its cells: 65,000 took 12 s) and 200,000 table cells in one
/// text (header, delimiter and body rows alike), 5,000 emphasis delimiter runs in one paragraph
/// (the delimiter stack is quadratic: `*a ` × 130,000 then `_a*_ ` × 130,000 took 39 s), and a
/// budget of Markdown nodes.
///
/// The node budget bounds memory and time by the text's size: cmark-gfm keeps every node of the
/// tree (about 150–250 bytes each, with its text), so a body of short blocks — `a` paragraphs,
/// one-word list items — made 160–180 times its size in memory (a 20 MB body of empty paragraphs
/// took 3.2 GB). A node is estimated as two per line of text outside fenced code, plus each
/// container marker, bracket, table cell, backslash and emphasis run; the budget is 200,000 plus
/// one per 16 bytes, so a body of any size costs at most about 16 times its size in nodes,
/// whatever `max_file_size` allows.
enum ComplexityGuard {
    static let maxContainerPrefix = 64
    static let maxIndentLevels = 100
    static let maxOpenBrackets = 250
    static let maxTableCells = 200_000
    static let maxRowCells = 1_000
    static let maxEmphasisRuns = 5_000
    static let baseNodeBudget = 200_000
    static let bytesPerNode = 16

    /// Bytes the scan looks at: newline, `\\`, `[`, `]`, `|`, `-`, `:`, blanks, emphasis.
    private static let interesting: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in "\n\\[]|-: \t\r*_~".utf8 { table[Int(byte)] = 1 }
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
        let nodeBudget = baseNodeBudget + count / bytesPerNode
        var nodes = 0
        var line = 1
        var start = 0
        var openBrackets = 0
        var emphasisRuns = 0
        var tableColumns = 0          // columns of the table being read, 0 outside tables
        var tableCells = 0            // cells of every table so far
        var fence: (byte: UInt8, length: Int)? = nil  // the open fenced code block, if any
        var previousLineHadPipe = false
        var previousLinePipes = 0
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
            // Fenced code is one node and is not parsed for inlines: skip to its closing fence.
            // Only a fence at the margin is skipped: one indented may belong to a list item,
            // which a later line can end (and the fence with it), so its lines are scanned.
            if !blank && indent < 4, let run = fenceRun(base, from: index, end: count) {
                if let open = fence {
                    if run.byte == open.byte && run.length >= open.length { fence = nil }
                } else if indent == 0 {
                    fence = run
                    nodes += 1
                    openBrackets = 0; emphasisRuns = 0; tableColumns = 0; previousLineHadPipe = false
                }
                index = endOfLine(base, from: index, end: count)
                line += 1
                start = index + 1
                continue
            }
            if fence != nil {
                index = endOfLine(base, from: index, end: count)
                line += 1
                start = index + 1
                continue
            }
            var pipes = 0
            var dashes = false
            var onlyDelimiterBytes = true
            if !blank {
                nodes += 2
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
                    nodes += depth
                }
            }
            var escaped = false
            let lineStart = index
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
                    case UInt8(ascii: "\\"): escaped = true; onlyDelimiterBytes = false; nodes += 1
                    case UInt8(ascii: "["):
                        openBrackets += 1
                        nodes += 1
                        onlyDelimiterBytes = false
                        if openBrackets > maxOpenBrackets {
                            return MarkdownTooComplex(line: line + lineOffset, column: scalarColumn(base, lineStart: start, offset: index),
                                                      reason: "more than \(maxOpenBrackets) unclosed '[' in one paragraph")
                        }
                    case UInt8(ascii: "]"): if openBrackets > 0 { openBrackets -= 1 }; onlyDelimiterBytes = false; nodes += 1
                    case UInt8(ascii: "|"): pipes += 1
                    case UInt8(ascii: "-"): dashes = true
                    case UInt8(ascii: ":"), 32, 9, 13: break
                    case UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                        onlyDelimiterBytes = false
                        // A run of one delimiter character is one entry of cmark's delimiter
                        // stack; `_` inside a word (snake_case) can neither open nor close.
                        if index > lineStart && base[index - 1] == byte { break }
                        if byte == UInt8(ascii: "_"), index > lineStart, index + 1 < count,
                           isWordByte(base[index - 1]), isWordByte(base[index + 1]) { break }
                        emphasisRuns += 1
                        nodes += 1
                        if emphasisRuns > maxEmphasisRuns {
                            return MarkdownTooComplex(line: line + lineOffset, column: scalarColumn(base, lineStart: start, offset: index),
                                                      reason: "more than \(maxEmphasisRuns) emphasis delimiters ('*', '_', '~') in one paragraph")
                        }
                    default: onlyDelimiterBytes = false
                    }
                }
                index += 1
            }
            if pipes > maxRowCells {
                return MarkdownTooComplex(line: line + lineOffset, column: 1,
                                          reason: "a table row of more than \(maxRowCells) cells")
            }
            if blank {
                openBrackets = 0
                emphasisRuns = 0
                tableColumns = 0
                previousLineHadPipe = false
            } else {
                if tableColumns > 0 {
                    // A body row costs its own cells (cmark reads them all), at least the header's.
                    let cells = max(tableColumns, pipes + 1)
                    tableCells += cells
                    nodes += cells
                    emphasisRuns = 0  // each cell's inlines are parsed on their own
                } else if previousLineHadPipe && onlyDelimiterBytes && dashes {
                    tableColumns = max(pipes - 1, 1)
                    tableCells += max(tableColumns, previousLinePipes + 1) + max(tableColumns, pipes + 1)
                    nodes += 2 * tableColumns
                    emphasisRuns = 0
                }
                if tableCells > maxTableCells {
                    return MarkdownTooComplex(line: line + lineOffset, column: 1,
                                              reason: "tables of more than \(maxTableCells) cells")
                }
                previousLineHadPipe = pipes > 0
                previousLinePipes = pipes
            }
            if tableColumns == 0 { nodes += pipes }  // a table row's cells are counted above
            if nodes > nodeBudget {
                return MarkdownTooComplex(line: line + lineOffset, column: 1,
                                          reason: "more than \(nodeBudget) Markdown elements in \(count) bytes (200,000 and one per \(bytesPerNode) bytes): too many to parse in bounded memory")
            }
            line += 1
            start = index + 1
        }
        return nil
    }

    /// The fence that opens the line at `from` (three or more backticks or tildes), if any.
    private static func fenceRun(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> (byte: UInt8, length: Int)? {
        let byte = base[from]
        guard byte == UInt8(ascii: "`") || byte == UInt8(ascii: "~") else { return nil }
        var index = from
        while index < end && base[index] == byte { index += 1 }
        guard index - from >= 3 else { return nil }
        if byte == UInt8(ascii: "`") {  // a backtick fence's info string has no backtick
            while index < end && base[index] != 10 {
                if base[index] == byte { return nil }
                index += 1
            }
        }
        return (byte, index - from)
    }

    /// The offset of the newline ending the line that `from` is in, or `end`.
    private static func endOfLine(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end, let found = memchr(base + from, 10, end - from) else { return end }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte >= 0x80
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
