import CCmark
import Foundation

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
        var text = text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        self.parser = parser
        root = cmark_parser_finish(parser)
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
        cmark_consolidate_text_nodes(tree.root)
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
                let line = Int(cmark_node_get_start_line(node))
                var byteColumn = Int(cmark_node_get_start_column(node))
                let text = plainText(of: node)
                let kind = lines.linkKind(line: line, startColumn: byteColumn,
                                          endLine: Int(cmark_node_get_end_line(node)),
                                          endColumn: Int(cmark_node_get_end_column(node)))
                if kind == .autolink {
                    // cmark-gfm 0.29 places autolinks off by one (www.) or from the paragraph's
                    // start (<…> on a later line): find the text on its line instead.
                    byteColumn = lines.locate(text, line: line, fallback: byteColumn)
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
                    links.append(Link(kind: .wiki, destination: wiki.target, text: wiki.text,
                                      line: line + lineOffset,
                                      column: lines.scalarColumn(line: line, byteColumn: byteColumn) + wiki.scalarOffset))
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

private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
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
    struct Match { let target: String; let text: String; let scalarOffset: Int }

    static func scan(_ literal: String) -> [Match] {
        let scalars = Array(literal.unicodeScalars)
        var matches: [Match] = []
        var index = 0
        while index + 4 < scalars.count {
            guard scalars[index] == "[", scalars[index + 1] == "[" else { index += 1; continue }
            var end = index + 2
            while end + 1 < scalars.count, scalars[end] != "]", scalars[end] != "[", scalars[end] != "\n" { end += 1 }
            guard end + 1 < scalars.count, scalars[end] == "]", scalars[end + 1] == "]", end > index + 2 else {
                index += 1; continue
            }
            var inner = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
            var text = ""
            if let bar = inner.firstIndex(of: "|") {
                text = String(inner[inner.index(after: bar)...]).trimmingCharacters(in: .whitespaces)
                inner = String(inner[..<bar])
            }
            let target = inner.trimmingCharacters(in: .whitespaces)
            if !target.isEmpty { matches.append(Match(target: target, text: text, scalarOffset: index)) }
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
        for (offset, byte) in bytes.enumerated() where byte == 10 { starts.append(offset + 1) }
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

    /// The byte column of `text` (or `<text`) on `line`, searching from the last position asked
    /// about on that line; `fallback` when it is not there.
    func locate(_ text: String, line: Int, fallback: Int) -> Int {
        guard line >= 1, line <= starts.count, !text.isEmpty else { return fallback }
        let lineStart = starts[line - 1]
        let lineEnd = line < starts.count ? starts[line] - 1 : bytes.count
        let needle = Array(text.utf8)
        var from = cursorLine == line ? max(cursorOffset, lineStart) : lineStart
        while from + needle.count <= lineEnd {
            if bytes[from] == needle[0] && bytes[from..<(from + needle.count)].elementsEqual(needle) {
                let start = from > lineStart && bytes[from - 1] == UInt8(ascii: "<") ? from - 1 : from
                return start - lineStart + 1
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
