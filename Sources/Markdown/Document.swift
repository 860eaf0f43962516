import CCmark
import Foundation

/// Serialises cmark-gfm's inline parsing, which is not thread-safe in 0.29 (see `ParsedTree`).
private let inlineParsingLock = NSLock()

/// Registers the GFM extensions once per process.
private let extensionsReady: Void = { cmark_gfm_core_extensions_ensure_registered() }()

private let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

/// Owns one cmark-gfm parse of a text, with the GFM extensions attached.
private final class ParsedTree {
    let parser: OpaquePointer
    let root: OpaquePointer

    init(_ text: String, options: Int32) {
        _ = extensionsReady
        let parser = cmark_parser_new(options)!
        for name in extensionNames {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        let fed: Void? = text.utf8.withContiguousStorageIfAvailable { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        if fed == nil {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
            }
        }
        self.parser = parser
        // cmark-gfm 0.29 sets and clears its extensions' special characters (':', 'w', '~') in a
        // process-wide table around inline parsing, so two parses at once lose each other's
        // autolinks and strikethroughs at random. Inline parsing happens in finish: one at a time.
        inlineParsingLock.lock()
        root = cmark_parser_finish(parser)
        inlineParsingLock.unlock()
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    var extensions: UnsafeMutablePointer<cmark_llist>? { cmark_parser_get_syntax_extensions(parser) }
}

/// The structure Lore needs from a Markdown body: its headings and links, with positions.
public struct MarkdownDocument: Sendable {
    /// Every heading, in document order.
    public let headings: [Heading]
    /// Every link outside code, in document order.
    public let links: [Link]

    /// Parses GitHub-flavoured Markdown.
    ///
    /// `lineOffset` is added to every line so positions are in the coordinates of the file the text
    /// came from (for an entry body, the number of front-matter lines before it). Texts whose shape
    /// would make cmark-gfm 0.29 super-linear are refused before parsing.
    public static func parse(_ text: String, lineOffset: Int = 0) throws(MarkdownTooComplex) -> MarkdownDocument {
        try ComplexityGuard.check(text, lineOffset: lineOffset)
        let tree = ParsedTree(text, options: CMARK_OPT_DEFAULT)
        // Wiki links can span several text nodes ("[", "[", "PM-1]]"): merge them, but only when
        // there can be one (merging costs as much as a tenth of the parse).
        if text.utf8.withContiguousStorageIfAvailable({ containsWikiOpener($0) }) ?? true {
            cmark_consolidate_text_nodes(tree.root)
        }
        var lines = LineIndex(text)
        var headings: [Heading] = []
        var links: [Link] = []
        let iterator = cmark_iter_new(tree.root)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HEADING {
                headings.append(Heading(level: Int(cmark_node_get_heading_level(node)),
                                        text: plainText(of: node),
                                        line: Int(cmark_node_get_start_line(node)) + lineOffset))
            } else if type == CMARK_NODE_LINK {
                var line = Int(cmark_node_get_start_line(node))
                var byteColumn = Int(cmark_node_get_start_column(node))
                let text = plainText(of: node)
                let kind = lines.linkKind(line: line, startColumn: byteColumn,
                                          endLine: Int(cmark_node_get_end_line(node)),
                                          endColumn: Int(cmark_node_get_end_column(node)))
                if kind == .autolink {
                    // cmark-gfm 0.29 places autolinks off by one (www.), from the paragraph's
                    // start (<…> on a later line) or not at all (bare URLs): find the text instead.
                    (line, byteColumn) = lines.locate(text, from: line, in: blockLines(of: node), fallback: (line, byteColumn))
                }
                links.append(Link(kind: kind, destination: string(cmark_node_get_url(node)),
                                  text: text, line: line + lineOffset,
                                  column: lines.scalarColumn(line: line, byteColumn: byteColumn)))
            } else if type == CMARK_NODE_TEXT {
                // Most text has no wiki link: look at the C bytes before making a String.
                guard let raw = cmark_node_get_literal(node), strstr(raw, "[[") != nil else { continue }
                let literal = string(raw)
                let line = Int(cmark_node_get_start_line(node))
                let byteColumn = Int(cmark_node_get_start_column(node))
                for wiki in WikiLinkScanner.scan(literal) {
                    if line > 0 && byteColumn > 0 {
                        links.append(Link(kind: .wiki, destination: wiki.target, text: wiki.text, line: line + lineOffset,
                                          column: lines.scalarColumn(line: line, byteColumn: byteColumn) + wiki.scalarOffset))
                    } else {
                        // Text split off by an extension (after a bare URL) has no position.
                        let found = lines.locate(wiki.source, from: line, in: blockLines(of: node), fallback: (line, byteColumn))
                        links.append(Link(kind: .wiki, destination: wiki.target, text: wiki.text, line: found.line + lineOffset,
                                          column: lines.scalarColumn(line: found.line, byteColumn: found.byteColumn)))
                    }
                }
            }
        }
        return MarkdownDocument(headings: headings, links: links)
    }
}

/// Renders GitHub-flavoured Markdown to HTML in safe mode only: raw HTML is omitted and
/// `javascript:`, `vbscript:`, `file:` and `data:` URLs are blanked.
public func renderHTML(_ text: String) throws(MarkdownTooComplex) -> String {
    try ComplexityGuard.check(text, lineOffset: 0)
    let tree = ParsedTree(text, options: CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG)
    guard let html = cmark_render_html(tree.root, CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG, tree.extensions) else { return "" }
    defer { free(html) }
    return String(cString: html)
}

/// The text a reader sees in GitHub-flavoured Markdown: no markup (`**`, backticks, `[text](url)`
/// keeps `text`), `[[ID]]` as `ID` and `[[ID|text]]` as `text`, raw HTML left out, blocks and
/// line breaks as one space, runs of white space folded to one.
public func renderPlainText(_ text: String) throws(MarkdownTooComplex) -> String {
    try ComplexityGuard.check(text, lineOffset: 0)
    let tree = ParsedTree(text, options: CMARK_OPT_DEFAULT)
    cmark_consolidate_text_nodes(tree.root)
    var out = ""
    func walk(_ node: OpaquePointer) {
        var child = cmark_node_first_child(node)
        while let current = child {
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_TEXT {
                var literal = string(cmark_node_get_literal(current))
                for wiki in WikiLinkScanner.scan(literal).reversed() {
                    if let range = literal.range(of: wiki.source, options: .backwards) {
                        literal.replaceSubrange(range, with: wiki.text.isEmpty ? wiki.target : wiki.text)
                    }
                }
                out += literal
            } else if type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK {
                out += string(cmark_node_get_literal(current))
            } else if type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK {
                // Raw HTML is not text.
            } else {
                walk(current)
            }
            // cmark-gfm marks inline node types with 0x4000; blocks end with a space too.
            let isBlock = UInt32(truncatingIfNeeded: type.rawValue) & 0x4000 == 0
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK || isBlock { out += " " }
            child = cmark_node_next(current)
        }
    }
    walk(tree.root)
    return out.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
}

/// The text has `[[` somewhere.
private func containsWikiOpener(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress, bytes.count > 1 else { return false }
    var offset = 0
    while offset < bytes.count - 1, let found = memchr(base + offset, Int32(UInt8(ascii: "[")), bytes.count - 1 - offset) {
        let index = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
        if base[index + 1] == UInt8(ascii: "[") { return true }
        offset = index + 1
    }
    return false
}

/// The first and last line of the block holding an inline node.
private func blockLines(of node: OpaquePointer) -> ClosedRange<Int> {
    var current: OpaquePointer? = cmark_node_parent(node)
    while let block = current {
        let start = Int(cmark_node_get_start_line(block))
        if start > 0 { return start...max(start, Int(cmark_node_get_end_line(block))) }
        current = cmark_node_parent(block)
    }
    return 1...Int.max
}

/// The text of a node's inline descendants, as a reader sees it.
private func plainText(of node: OpaquePointer) -> String {
    var out = ""
    var child = cmark_node_first_child(node)
    while let current = child {
        let type = cmark_node_get_type(current)
        if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
            out += string(cmark_node_get_literal(current))
        } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
            out += " "
        } else {
            out += plainText(of: current)
        }
        child = cmark_node_next(current)
    }
    return out
}

/// Finds `[[ID]]` and `[[ID|text]]` in a text run.
enum WikiLinkScanner {
    struct Match { let target: String; let text: String; let scalarOffset: Int; let source: String }

    static func scan(_ literal: String) -> [Match] {
        if let matches = literal.utf8.withContiguousStorageIfAvailable({ scan(bytes: $0) }) { return matches }
        return Array(literal.utf8).withUnsafeBufferPointer { scan(bytes: $0) }
    }

    private static func scan(bytes: UnsafeBufferPointer<UInt8>) -> [Match] {
        var matches: [Match] = []
        var index = 0
        var scalarsBefore = 0          // Unicode scalars in bytes[0..<counted]
        var counted = 0
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        while index + 4 < bytes.count {
            guard bytes[index] == UInt8(ascii: "["), bytes[index + 1] == UInt8(ascii: "[") else { index += 1; continue }
            var end = index + 2
            var bar = -1
            while end + 1 < bytes.count, bytes[end] != UInt8(ascii: "]"), bytes[end] != UInt8(ascii: "["), bytes[end] != 10 {
                if bytes[end] == UInt8(ascii: "|") && bar < 0 { bar = end }
                end += 1
            }
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "]"), bytes[end + 1] == UInt8(ascii: "]"), end > index + 2 else {
                index += 1; continue
            }
            let target = text((index + 2)..<(bar >= 0 ? bar : end))
            if !target.isEmpty {
                for position in counted..<index where bytes[position] & 0xC0 != 0x80 { scalarsBefore += 1 }
                counted = index
                matches.append(Match(target: target, text: bar >= 0 ? text((bar + 1)..<end) : "", scalarOffset: scalarsBefore,
                                     source: String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<(end + 2)]), as: UTF8.self)))
            }
            index = end + 2
        }
        return matches
    }
}

/// Byte offsets of line starts, to turn cmark's byte columns into scalar columns and look at the
/// source of a link.
struct LineIndex {
    let bytes: [UInt8]
    let starts: [Int]
    private var cursorLine = 0
    private var cursorOffset = 0
    private var cursorColumn = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let found = memchr(base + offset, 10, buffer.count - offset) {
                offset = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base + 1
                starts.append(offset)
            }
        }
        self.starts = starts
    }

    private func offset(line: Int, byteColumn: Int) -> Int? {
        guard line >= 1, line <= starts.count, byteColumn >= 1 else { return nil }
        let offset = starts[line - 1] + byteColumn - 1
        return offset < bytes.count ? offset : nil
    }

    /// 1-based column in Unicode scalars for cmark's 1-based byte column. Calls come in document
    /// order, so counting resumes from the previous answer on the same line (linear, not quadratic).
    mutating func scalarColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= starts.count else { return byteColumn }
        let start = starts[line - 1]
        let end = min(start + max(byteColumn - 1, 0), bytes.count)
        var from = start
        var column = 1
        if cursorLine == line && cursorOffset <= end {
            from = cursorOffset
            column = cursorColumn
        }
        for index in from..<end where bytes[index] & 0xC0 != 0x80 { column += 1 }
        cursorLine = line
        cursorOffset = end
        cursorColumn = column
        return column
    }

    /// Where `text` (or `<text`) is written in `block`, searching from `line` (or, when cmark gave
    /// no line, the block's first) and from the last position asked about; `fallback` when absent.
    mutating func locate(_ text: String, from line: Int, in block: ClosedRange<Int>,
                         fallback: (line: Int, byteColumn: Int)) -> (line: Int, byteColumn: Int) {
        let needle = Array(text.utf8)
        guard !needle.isEmpty else { return fallback }
        let firstLine = max(line > 0 && block.contains(line) ? line : block.lowerBound, 1)
        let lastLine = min(block.upperBound, starts.count)
        guard firstLine <= lastLine else { return fallback }
        var from = starts[firstLine - 1]
        if cursorLine >= firstLine && cursorLine <= lastLine { from = max(from, cursorOffset) }
        let end = lastLine < starts.count ? starts[lastLine] : bytes.count
        while from + needle.count <= end {
            if bytes[from] == needle[0] && bytes[from..<(from + needle.count)].elementsEqual(needle) {
                let start = bytes[from - (from > 0 ? 1 : 0)] == UInt8(ascii: "<") && from > 0 ? from - 1 : from
                // The line holding `start`: the last line start not after it.
                var low = 0, high = starts.count - 1
                while low < high {
                    let middle = (low + high + 1) / 2
                    if starts[middle] <= start { low = middle } else { high = middle - 1 }
                }
                return (low + 1, start - starts[low] + 1)
            }
            from += 1
        }
        return fallback
    }

    /// cmark does not record how a link was written; its first and last source bytes tell.
    func linkKind(line: Int, startColumn: Int, endLine: Int, endColumn: Int) -> Link.Kind {
        guard let first = offset(line: line, byteColumn: startColumn) else { return .autolink }
        if bytes[first] == UInt8(ascii: "<") { return .autolink }
        guard bytes[first] == UInt8(ascii: "[") || bytes[first] == UInt8(ascii: "!") else { return .autolink }
        guard let last = offset(line: endLine, byteColumn: endColumn) else { return .inline }
        return bytes[last] == UInt8(ascii: ")") ? .inline : .reference
    }
}
