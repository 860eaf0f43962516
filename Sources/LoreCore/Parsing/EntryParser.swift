import Foundation
import Git
import Markdown

/// Reads one entry file: splits the front-matter, reads its YAML and parses the body's Markdown,
/// turning every problem into a diagnostic with a position instead of a crash.
public enum EntryParser {
    /// What reading one file gave: the entry when it could be read, and any problems.
    public struct Result: Sendable {
        /// The entry, unless its front-matter could not be read at all.
        public var entry: Entry?
        /// Problems found while reading.
        public var diagnostics: [Diagnostic]

        /// A result: the entry, if any, and the problems found.
        public init(entry: Entry?, diagnostics: [Diagnostic]) {
            self.entry = entry
            self.diagnostics = diagnostics
        }
    }

    /// Reads `bytes` as the entry at `path` of kind `kind`.
    /// With `readsFilesWithoutFrontMatter`, a file without front-matter is read as an entry with
    /// no fields (`syntax` `.none`) and a `missing-front-matter` diagnostic, so a kind that takes
    /// its fields from elsewhere can use it; without, it is only the diagnostic. With it too, YAML
    /// front-matter with a colon in a plain value (`title: ADR002: X`) is read as if that value were
    /// quoted, the `invalid-yaml` error kept beside the entry (see `FieldDerivation.apply`).
    public static func parse(path: GitPath, kind: String, bytes: [UInt8],
                             yamlLimits: YAMLReader.Limits = .standard, readsFilesWithoutFrontMatter: Bool = false) -> Result {
        func failure(_ position: SourcePosition, _ code: String, _ message: String) -> Result {
            Result(entry: nil, diagnostics: [Diagnostic(path: path, position: position, code: code, message: message)])
        }
        let text: String
        do throws(SourceText.Problem) {
            text = try SourceText.decode(bytes)
        } catch {
            switch error {
            case .binary:
                return failure(SourcePosition(line: 1, column: 1), "binary-file", "binary file (NUL bytes) where a Markdown entry was expected")
            case .nul(let position):
                return failure(position, "nul-byte", "NUL byte in text")
            case .invalidUTF8(let position):
                return failure(position, "invalid-utf8", "file is not valid UTF-8")
            }
        }
        var syntax = FrontMatterSyntax.yaml
        var missing: Diagnostic?
        let split: Split
        let fields: [YAMLPair]
        if let found = self.split(text, fence: UInt8(ascii: "-")) {
            guard found.closingLine != nil else {
                return failure(SourcePosition(line: 1, column: 1), "unclosed-front-matter",
                               "front-matter opened here is never closed with a line '---'")
            }
            split = found
            var value: YAMLValue?
            do {
                value = try YAMLReader.read(split.yaml, lineOffset: 1, limits: yamlLimits)
            } catch {
                // `title: ADR002: Catalog format` — a colon in a plain value, as people write titles.
                // Read again with such values as text; the error stays, and only a kind that reads
                // records as found keeps the entry (`FieldDerivation.apply`).
                guard readsFilesWithoutFrontMatter, let lenient = plainValuesQuoted(split.yaml), let read = try? YAMLReader.read(lenient, lineOffset: 1, limits: yamlLimits),
                      case .mapping = read else {
                    return failure(error.position, "invalid-yaml", error.message)
                }
                value = read
                missing = Diagnostic(path: path, position: error.position, code: "invalid-yaml", message: error.message)
            }
            switch value {
            case nil: fields = []
            case .mapping(let pairs, _)?: fields = pairs
            case let other?:
                if other.isNull { fields = [] } else {
                    return failure(other.position, "invalid-yaml", "front-matter must be a mapping of fields, not \(other.shapeName)")
                }
            }
        } else if let found = self.split(text, fence: UInt8(ascii: "+")) {
            syntax = .toml
            guard found.closingLine != nil else {
                return failure(SourcePosition(line: 1, column: 1), "unclosed-front-matter",
                               "TOML front-matter opened here with '+++' is never closed with a line '+++'")
            }
            split = found
            do {
                guard case .mapping(let pairs, _) = try TOMLReader.read(split.yaml, lineOffset: 1, limits: yamlLimits) else { fatalError("a TOML document is a table") }
                fields = pairs
            } catch {
                return failure(error.position, "invalid-front-matter", "TOML front-matter (between '+++' lines): \(error.message)")
            }
        } else if text.hasPrefix("{") {
            syntax = .json
            do {
                let read = try JSONFrontMatterReader.read(text, limits: yamlLimits)
                guard case .mapping(let pairs, _) = read.value else { fatalError("JSON front-matter starts with '{'") }
                fields = pairs
                // The body starts on the line after the closing brace.
                let scalars = text.unicodeScalars
                var index = scalars.index(scalars.startIndex, offsetBy: read.endIndex)
                while index < scalars.endIndex, scalars[index] != "\n" { index = scalars.index(after: index) }
                if index < scalars.endIndex { index = scalars.index(after: index) }
                split = Split(yaml: "", body: String(text.unicodeScalars[index...]), closingLine: read.endLine)
            } catch {
                return failure(error.position, "invalid-front-matter", "JSON front-matter (an object at the top of the file): \(error.message)")
            }
        } else {
            guard readsFilesWithoutFrontMatter else {
                return failure(SourcePosition(line: 1, column: 1), "missing-front-matter",
                               "missing front-matter: an entry starts with a line '---' (or '+++' for TOML, '{' for JSON)")
            }
            // A file without front-matter: its body is read, so fields can come from elsewhere.
            syntax = .none
            missing = Diagnostic(path: path, position: SourcePosition(line: 1, column: 1), code: "missing-front-matter",
                                 message: "missing front-matter: an entry starts with a line '---' (or '+++' for TOML, '{' for JSON)")
            split = Split(yaml: "", body: text, closingLine: 0)
            fields = []
        }
        let closingLine = split.closingLine ?? 0
        var diagnostics: [Diagnostic] = missing.map { [$0] } ?? []
        var headings: [EntryHeading] = []
        var links: [EntryLink] = []
        do {
            let document = try MarkdownDocument.parse(split.body, lineOffset: closingLine)
            headings = document.headings
            links = document.links
        } catch {
            diagnostics.append(Diagnostic(path: path, position: SourcePosition(line: error.line, column: error.column),
                                          code: "markdown-too-complex", message: "body not parsed: \(error.reason)"))
        }
        var entry = Entry(path: path, kind: kind, frontMatter: FrontMatter(fields: fields, openingLine: 1, syntax: syntax),
                          bodyLine: closingLine + 1, headings: headings, links: links,
                          sectionTexts: sections(of: split.body, headings: headings, lineOffset: closingLine),
                          summary: firstParagraph(of: split.body))
        entry.bodyFields = BodyFieldScanner.scan(split.body, headings: headings, lineOffset: closingLine)
        return Result(entry: entry, diagnostics: diagnostics)
    }

    /// The first paragraph of prose of a body: the first run of non-blank lines that is not a
    /// heading, a fenced code block, a table, an HTML block or a thematic break; blanks folded.
    static func firstParagraph(of body: String) -> String {
        // Lines are scanned as UTF-8 bytes, one at a time, stopping at the paragraph's end: the
        // body can be long and the paragraph is near its top.
        var utf8 = body
        return utf8.withUTF8 { bytes -> String in
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C }
            var out: [UInt8] = []
            var fence: [UInt8]?
            var inParagraph = false
            var start = 0
            while start < bytes.count, out.count <= Entry.summaryLength {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                var low = start, high = end
                while low < high, isBlank(bytes[low]) { low += 1 }
                while high > low, isBlank(bytes[high - 1]) { high -= 1 }
                start = end + 1
                let line = UnsafeBufferPointer(rebasing: bytes[low..<high])
                func hasPrefix(_ prefix: String) -> Bool { line.starts(with: prefix.utf8) }
                if let open = fence {
                    if line.starts(with: open) { fence = nil }
                    continue
                }
                if hasPrefix("```") || hasPrefix("~~~") {
                    if inParagraph { break }
                    fence = Array(line.prefix(3))
                    continue
                }
                if line.isEmpty {
                    if inParagraph { break }
                    continue
                }
                if !inParagraph && (hasPrefix("#") || hasPrefix("|") || hasPrefix("<")
                                    || line.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") || $0 == 0x20 })) {
                    continue
                }
                if hasPrefix("#") { break }
                inParagraph = true
                // Words joined by single spaces.
                var index = 0
                while index < line.count {
                    while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
                    guard index < line.count else { break }
                    if !out.isEmpty { out.append(0x20) }
                    while index < line.count, line[index] != 0x20, line[index] != 0x09 { out.append(line[index]); index += 1 }
                }
            }
            if out.count > Entry.summaryLength {
                var cut = Entry.summaryLength
                while cut > 0 && out[cut] & 0xC0 == 0x80 { cut -= 1 }
                out.removeSubrange(cut...)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The `##` sections of a body (`#` sections with `level` 1): each runs to the next heading of
    /// its level or above.
    package static func sections(of body: String, headings: [EntryHeading], lineOffset: Int, level: Int = 2) -> [EntrySection] {
        let boundaries = headings.filter { $0.level <= level }
        guard boundaries.contains(where: { $0.level == level }) else { return [] }
        if let sections = body.utf8.withContiguousStorageIfAvailable({ sections(of: $0, boundaries: boundaries, lineOffset: lineOffset, level: level) }) {
            return sections
        }
        return Array(body.utf8).withUnsafeBufferPointer { sections(of: $0, boundaries: boundaries, lineOffset: lineOffset, level: level) }
    }

    private static func sections(of bytes: UnsafeBufferPointer<UInt8>, boundaries: [EntryHeading], lineOffset: Int, level: Int) -> [EntrySection] {
        // Line starts, by memchr.
        var starts = [0]
        if let base = bytes.baseAddress {
            var offset = 0
            while offset < bytes.count, let found = memchr(base + offset, 10, bytes.count - offset) {
                offset = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base + 1
                starts.append(offset)
            }
        }
        var sections: [EntrySection] = []
        for (index, heading) in boundaries.enumerated() where heading.level == level {
            let first = heading.line - lineOffset          // 0-based index of the line after the heading
            let end = min(index + 1 < boundaries.count ? boundaries[index + 1].line - lineOffset - 1 : starts.count, starts.count)
            var text: [UInt8] = []
            var line = max(first, 0)
            // Words of the section's lines, one space apart, until enough is kept.
            lines: while line < end {
                let lineEnd = line + 1 < starts.count ? starts[line + 1] - 1 : bytes.count
                var position = starts[line]
                while position < lineEnd {
                    while position < lineEnd, bytes[position] == 32 || bytes[position] == 9 || bytes[position] == 13 { position += 1 }
                    guard position < lineEnd else { break }
                    let wordStart = position
                    while position < lineEnd, bytes[position] != 32, bytes[position] != 9, bytes[position] != 13 { position += 1 }
                    if !text.isEmpty { text.append(32) }
                    text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[wordStart..<position]))
                    if text.count >= EntrySection.keptLength { break lines }
                }
                line += 1
            }
            if text.count > EntrySection.keptLength {
                var cut = EntrySection.keptLength
                while cut > 0 && text[cut] & 0xC0 == 0x80 { cut -= 1 }   // not inside a character
                text.removeSubrange(cut...)
            }
            sections.append(EntrySection(title: heading.text, line: heading.line, text: String(decoding: text, as: UTF8.self)))
        }
        return sections
    }

    /// The body of an entry's text, whatever its front-matter syntax (the whole text without one).
    public static func body(of text: String) -> String {
        if let split = split(text, fence: UInt8(ascii: "-")) ?? split(text, fence: UInt8(ascii: "+")) {
            return split.closingLine == nil ? text : split.body
        }
        if text.hasPrefix("{"), let read = try? JSONFrontMatterReader.read(text) {
            let scalars = text.unicodeScalars
            var index = scalars.index(scalars.startIndex, offsetBy: read.endIndex)
            while index < scalars.endIndex, scalars[index] != "\n" { index = scalars.index(after: index) }
            if index < scalars.endIndex { index = scalars.index(after: index) }
            return String(scalars[index...])
        }
        return text
    }

    /// The front-matter with each top-level `key: value` line whose plain value holds `: ` written
    /// as a single-quoted scalar; `nil` when there is no such line.
    static func plainValuesQuoted(_ yaml: String) -> String? {
        var changed = false
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let first = line.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
                  let colon = line.range(of: ": ") else { return String(line) }
            let key = line[..<colon.lowerBound]
            guard key.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }) else {
                return String(line)
            }
            let value = line[colon.upperBound...].trimmingBlanksSub
            guard value.contains(": "), let start = value.unicodeScalars.first,
                  !"'\"[{|>&*!%@`#".unicodeScalars.contains(start) else { return String(line) }
            changed = true
            return "\(key): '\(value.replacingOccurrences(of: "'", with: "''"))'"
        }
        return changed ? lines.joined(separator: "\n") : nil
    }

    package struct Split {
        package var yaml: String
        package var body: String
        /// The line of the closing fence, `nil` when there is none.
        package var closingLine: Int?
    }

    /// Splits text at its `---` fences (or `+++` with `fence` `+`). `nil` when the first line is not a fence.
    package static func split(_ text: String, fence: UInt8 = UInt8(ascii: "-")) -> Split? {
        if let split = text.utf8.withContiguousStorageIfAvailable({ split(bytes: $0, fence: fence) }) { return split }
        return Array(text.utf8).withUnsafeBufferPointer { split(bytes: $0, fence: fence) }
    }

    private static func split(bytes: UnsafeBufferPointer<UInt8>, fence: UInt8) -> Split? {
        guard let base = bytes.baseAddress else { return nil }
        func lineEnd(from start: Int) -> Int {
            guard start < bytes.count, let found = memchr(base + start, 10, bytes.count - start) else { return bytes.count }
            return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
        }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        let firstEnd = lineEnd(from: 0)
        guard isFence(bytes[0..<firstEnd], fence: fence, allowDots: false) else { return nil }
        var lineStart = firstEnd + 1
        var line = 2
        while lineStart < bytes.count {
            let end = lineEnd(from: lineStart)
            if isFence(bytes[lineStart..<end], fence: fence, allowDots: fence == UInt8(ascii: "-")) {
                let bodyStart = min(end + 1, bytes.count)
                return Split(yaml: text((firstEnd + 1)..<lineStart), body: text(bodyStart..<bytes.count), closingLine: line)
            }
            lineStart = end + 1
            line += 1
        }
        return Split(yaml: "", body: "", closingLine: nil)
    }

    /// `---` (or `...` to close; `+++` for TOML), optionally followed by blanks.
    private static func isFence(_ line: Slice<UnsafeBufferPointer<UInt8>>, fence: UInt8, allowDots: Bool) -> Bool {
        guard line.count >= 3 else { return false }
        let first = line[line.startIndex]
        guard first == fence || (allowDots && first == UInt8(ascii: ".")) else { return false }
        guard line[line.startIndex + 1] == first, line[line.startIndex + 2] == first else { return false }
        return line.dropFirst(3).allSatisfy { $0 == 32 || $0 == 9 }
    }
}
