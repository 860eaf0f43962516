/// Finds the `Key: value` facts records carry in their bodies rather than in front-matter: bullets
/// and lines (`- Status: accepted`, `* Date: 2020-05-01`, `**Status:** Accepted`, `Date: …`),
/// two-cell table rows (`| Status | Accepted |`, keys bold or not) and the opening lines of short sections
/// (`## Status` then `Accepted`). Only the bytes decide, so the result is cached with the parse;
/// which of them become fields is the kind's configuration (`from:`), applied after.
enum BodyFieldScanner {
    /// At most this many line facts and section facts are kept per file.
    static let maxFacts = 64
    /// A section fact keeps at most this many lines.
    static let maxSectionLines = 12

    /// The facts of `body`, whose first line is line `lineOffset + 1` of the file.
    static func scan(_ body: String, headings: [EntryHeading], lineOffset: Int) -> [BodyField] {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var facts: [BodyField] = []
        var fence: Substring?
        var headingLines = Set(headings.map { $0.line - lineOffset - 1 })
        // A setext heading's underline belongs to it.
        for heading in headings where heading.line - lineOffset < lines.count {
            let next = lines[heading.line - lineOffset].trimmingBlanksSub
            if !next.isEmpty, next.allSatisfy({ $0 == "=" || $0 == "-" }) { headingLines.insert(heading.line - lineOffset) }
        }
        // A table whose header names the facts and whose first row gives them:
        // `| Created | Status |` / `| --- | --- |` / `| 2020-05-17 | Open |`.
        var header: [(start: Int, text: Substring)]?
        for (index, raw) in lines.enumerated() where facts.count < maxFacts {
            let line = raw.trimmingBlanksSub
            if let open = fence {
                if line.hasPrefix(open) { fence = nil }
                continue
            }
            if line.hasPrefix("```") || line.hasPrefix("~~~") { fence = line.prefix(3); continue }
            guard !headingLines.contains(index) else {
                // `## Status: Accepted`: a fact written as a heading.
                let marks = raw.prefix { $0 == "#" || $0 == " " || $0 == "\t" }
                if !marks.isEmpty, marks.contains("#"),
                   let fact = lineFact(raw.dropFirst(marks.count), line: lineOffset + index + 1, columnOffset: marks.unicodeScalars.count) {
                    facts.append(fact)
                }
                continue
            }
            if line.hasPrefix("|") {
                if isSeparatorRow(raw) { continue }
                let row = cells(raw)
                if index + 1 < lines.count, isSeparatorRow(lines[index + 1]), row.count >= 2 {
                    header = row
                    continue
                }
                if let names = header {
                    header = nil
                    for (name, cell) in zip(names, row) where !cell.text.isEmpty {
                        guard let key = cleanKey(name.text) else { continue }
                        facts.append(BodyField(key: key, value: strip(String(cell.text)), position: SourcePosition(line: lineOffset + index + 1, column: cell.start + 1),
                                               origin: .line, level: 0))
                    }
                }
            } else {
                header = nil
            }
            if let fact = lineFact(raw, line: lineOffset + index + 1) { facts.append(fact) }
        }
        // Sections: the text under each heading up to the next one.
        let sorted = headings.sorted { $0.line < $1.line }
        for (offset, heading) in sorted.enumerated() where facts.count < maxFacts * 2 {
            guard heading.level <= 3, heading.text.split(separator: " ").count <= 4 else { continue }
            var first = heading.line - lineOffset          // 0-based index of the line after the heading
            if headingLines.contains(first) { first += 1 }  // setext underline
            let end = min(offset + 1 < sorted.count ? sorted[offset + 1].line - lineOffset - 1 : lines.count, lines.count)
            var kept: [Substring] = []
            var start: SourcePosition?
            var index = max(first, 0)
            var inFence = false
            while index < end, kept.count < maxSectionLines {
                let line = lines[index]
                let trimmed = line.trimmingBlanksSub
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle(); index += 1; continue }
                if !inFence, !trimmed.isEmpty, !(trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->")) {
                    if start == nil {
                        let leading = line.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
                        start = SourcePosition(line: lineOffset + index + 1, column: leading + 1)
                    }
                    kept.append(trimmed)
                } else if start != nil && kept.count > 0 && trimmed.isEmpty {
                    kept.append("")
                }
                index += 1
            }
            while kept.last == "" { kept.removeLast() }
            guard let start, !kept.isEmpty else { continue }
            facts.append(BodyField(key: heading.text, value: kept.joined(separator: "\n"), position: start, origin: .section,
                                   level: heading.level))
        }
        return facts
    }

    /// `- Key: value`, `* **Key**: value`, `**Key:** value`, `Key: value`, `| Key | value |`.
    static func lineFact(_ raw: Substring, line: Int, columnOffset: Int = 0) -> BodyField? {
        // Most lines hold no fact: no colon and no table.
        let utf8 = raw.utf8
        guard utf8.contains(UInt8(ascii: ":")) || utf8.first(where: { $0 != 32 && $0 != 9 }) == UInt8(ascii: "|") else { return nil }
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        func skipBlanks() { while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 } }
        skipBlanks()
        guard index < scalars.count else { return nil }
        if scalars[index] == "|" {
            // A two-cell table row: `| Key | value |`.
            let filled = cells(raw).filter { !$0.text.isEmpty }
            guard filled.count == 2, let key = cleanKey(filled[0].text),
                  !filled[1].text.allSatisfy({ $0 == "-" || $0 == ":" }) else { return nil }
            return BodyField(key: key, value: strip(String(filled[1].text)), position: SourcePosition(line: line, column: filled[1].start + 1),
                             origin: .line, level: 0)
        }
        if (scalars[index] == "-" || scalars[index] == "*" || scalars[index] == "+"), index + 1 < scalars.count,
           scalars[index + 1] == " " || scalars[index + 1] == "\t" {
            index += 1
            skipBlanks()
        }
        // Optional emphasis around the key.
        var marker: [Unicode.Scalar] = []
        while index < scalars.count, scalars[index] == "*" || scalars[index] == "_", marker.count < 2 { marker.append(scalars[index]); index += 1 }
        let keyStart = index
        while index < scalars.count, scalars[index] != ":", scalars[index] != "*", scalars[index] != "_" || !marker.contains("_"),
              index - keyStart <= 40 { index += 1 }
        guard index < scalars.count, index > keyStart else { return nil }
        let keyText = String(String.UnicodeScalarView(scalars[keyStart..<index]))
        guard let key = cleanKey(Substring(keyText)) else { return nil }
        // `Key**:` or `Key:**`.
        var closed = 0
        while index < scalars.count, scalars[index] == "*" || scalars[index] == "_", closed < marker.count { index += 1; closed += 1 }
        guard index < scalars.count, scalars[index] == ":" else { return nil }
        index += 1
        while index < scalars.count, scalars[index] == "*" || scalars[index] == "_", closed < marker.count { index += 1; closed += 1 }
        guard closed == marker.count else { return nil }
        skipBlanks()
        guard index < scalars.count else { return nil }
        let value = strip(String(String.UnicodeScalarView(scalars[index...])))
        guard !value.isEmpty, !value.hasPrefix("//") else { return nil }   // `http://…` is not a key
        return BodyField(key: key, value: value, position: SourcePosition(line: line, column: columnOffset + index + 1), origin: .line, level: 0)
    }

    /// The cells of a table row, each with the column (0-based, in scalars) where its text starts.
    static func cells(_ raw: Substring) -> [(start: Int, text: Substring)] {
        let scalars = Array(raw.unicodeScalars)
        guard let open = scalars.firstIndex(of: "|") else { return [] }
        var cells: [(start: Int, text: Substring)] = []
        var cellStart = open + 1
        for position in (open + 1)...scalars.count where position == scalars.count || scalars[position] == "|" {
            var leading = cellStart
            while leading < position, scalars[leading] == " " || scalars[leading] == "\t" { leading += 1 }
            let text = Substring(String(String.UnicodeScalarView(scalars[cellStart..<position]))).trimmingBlanksSub
            if position < scalars.count || !text.isEmpty { cells.append((leading, text)) }
            cellStart = position + 1
        }
        return cells
    }

    /// `| --- | :---: |`.
    static func isSeparatorRow(_ raw: Substring) -> Bool {
        let line = raw.trimmingBlanksSub
        return line.hasPrefix("|") && line.contains("-") && line.allSatisfy { $0 == "|" || $0 == "-" || $0 == ":" || $0 == " " || $0 == "\t" }
    }

    /// A key: a letter first, then letters, digits, spaces, `-` and `_`; at most four words.
    static func cleanKey(_ text: Substring) -> String? {
        var key = text.trimmingBlanksSub
        // A table's key cell written in bold or italics, with or without its colon (`| **Status:** | … |`).
        for marker in ["**", "__", "*", "_"] where key.count > 2 * marker.count && key.hasPrefix(marker) && key.hasSuffix(marker) {
            key = key.dropFirst(marker.count).dropLast(marker.count).trimmingBlanksSub
            break
        }
        if key.hasSuffix(":") { key = key.dropLast().trimmingBlanksSub }
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic, key.unicodeScalars.count <= 40,
              key.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == " " || $0 == "-" || $0 == "_" || $0 == "(" || $0 == ")" }),
              key.split(separator: " ").count <= 4 else { return nil }
        return String(key)
    }

    /// A value without trailing hard-break blanks or backslash, and without surrounding emphasis.
    static func strip(_ text: String) -> String {
        var value = text.trimmingBlanks
        while value.hasSuffix("\\") || value.hasSuffix("\r") { value.removeLast(); value = value.trimmingBlanks }
        for marker in ["**", "__", "*", "_", "`"] where value.count > 2 * marker.count && value.hasPrefix(marker) && value.hasSuffix(marker) {
            value = String(value.dropFirst(marker.count).dropLast(marker.count))
        }
        return value.trimmingBlanks
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    var trimmingBlanksSub: Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return slice
    }
}
