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
    }

    /// Reads `bytes` as the entry at `path` of kind `kind`.
    public static func parse(path: GitPath, kind: String, bytes: [UInt8],
                             yamlLimits: YAMLReader.Limits = .standard) -> Result {
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
        guard let split = split(text) else {
            return failure(SourcePosition(line: 1, column: 1), "missing-front-matter",
                           "missing front-matter: an entry starts with a line '---'")
        }
        guard let closingLine = split.closingLine else {
            return failure(SourcePosition(line: 1, column: 1), "unclosed-front-matter",
                           "front-matter opened here is never closed with a line '---'")
        }
        let value: YAMLValue?
        do {
            value = try YAMLReader.read(split.yaml, lineOffset: 1, limits: yamlLimits)
        } catch {
            return failure(error.position, "invalid-yaml", error.message)
        }
        let fields: [YAMLPair]
        switch value {
        case nil: fields = []
        case .mapping(let pairs, _)?: fields = pairs
        case let other?:
            if other.isNull { fields = [] } else {
                return failure(other.position, "invalid-yaml", "front-matter must be a mapping of fields, not \(other.shapeName)")
            }
        }
        var diagnostics: [Diagnostic] = []
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
        let entry = Entry(path: path, kind: kind, frontMatter: FrontMatter(fields: fields, openingLine: 1),
                          bodyLine: closingLine + 1, headings: headings, links: links)
        return Result(entry: entry, diagnostics: diagnostics)
    }

    struct Split {
        var yaml: String
        var body: String
        /// The line of the closing fence, `nil` when there is none.
        var closingLine: Int?
    }

    /// Splits text at its `---` fences. `nil` when the first line is not a fence.
    static func split(_ text: String) -> Split? {
        let utf8 = text.utf8
        guard let firstEnd = utf8.firstIndex(of: 10).map({ $0 }) ?? Optional(utf8.endIndex),
              isFence(utf8[utf8.startIndex..<firstEnd], allowDots: false) else { return nil }
        guard firstEnd < utf8.endIndex else { return Split(yaml: "", body: "", closingLine: nil) }
        let yamlStart = utf8.index(after: firstEnd)
        var lineStart = yamlStart
        var line = 2
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: 10) ?? utf8.endIndex
            if isFence(utf8[lineStart..<lineEnd], allowDots: true) {
                let yaml = String(text[yamlStart..<lineStart])
                let bodyStart = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
                return Split(yaml: yaml, body: String(text[bodyStart...]), closingLine: line)
            }
            guard lineEnd < utf8.endIndex else { break }
            lineStart = utf8.index(after: lineEnd)
            line += 1
        }
        return Split(yaml: "", body: "", closingLine: nil)
    }

    /// `---` (or `...` to close), optionally followed by blanks.
    private static func isFence(_ line: Substring.UTF8View.SubSequence, allowDots: Bool) -> Bool {
        var iterator = line.makeIterator()
        guard let first = iterator.next(), first == UInt8(ascii: "-") || (allowDots && first == UInt8(ascii: ".")) else { return false }
        guard iterator.next() == first, iterator.next() == first else { return false }
        while let byte = iterator.next() { if byte != 32 && byte != 9 { return false } }
        return true
    }
}
