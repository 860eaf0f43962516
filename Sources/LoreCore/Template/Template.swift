/// Why a template could not be parsed: what is wrong, and where (1-based line and column, the
/// column counted in characters).
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line of the tag at fault.
    public let line: Int
    /// The column of the tag at fault.
    public let column: Int
    /// What is wrong.
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A Mustache template (https://mustache.github.io/mustache.5.html), parsed once into typed steps
/// and rendered over a `TemplateValue` into bytes. Lore's one template engine: the site's theme
/// and the kinds' entry templates (`lore new`) both render through it.
///
/// Supported, as the Mustache specification describes them: interpolation (`{{name}}` escaped,
/// `{{{name}}}` and `{{&name}}` raw) with dotted names and the implicit iterator `{{.}}`;
/// sections and inverted sections over lists, objects, booleans and other values; comments;
/// partials (`{{>name}}`, a standalone one indented as its line); set delimiters
/// (`{{=<% %>=}}`); and the standalone-line rule (a line holding only a section, inverted
/// section, closing, comment, partial or set-delimiter tag and blanks leaves no trace in the
/// output). Pragmas (`{{%…}}`) are read and ignored. Lambdas and inheritance (`{{<…}}`,
/// `{{$…}}`) are not supported and are reported as errors.
public struct Template: Sendable {
    /// What rendering does, in order.
    indirect enum Step: Sendable {
        /// Bytes written as they are.
        case literal([UInt8])
        /// A value written escaped (`escaped`) or raw.
        case variable(Name, escaped: Bool)
        /// The steps rendered for each item of a list, once for another true value, or (when
        /// `inverted`) once when the value is false, empty or missing.
        case section(Name, [Step], inverted: Bool)
        /// Another template of the library, each of its lines indented by `indentation`.
        case partial(String, indentation: String)
    }

    /// A dotted name; no parts is the implicit iterator `.`.
    struct Name: Sendable {
        let parts: [String]
    }

    let steps: [Step]
    /// The template's text, for indenting it as a standalone partial.
    let source: String

    /// Parses `text`; a malformed tag, an unclosed or mismatched section throws with its position.
    public init(_ text: String) throws(TemplateError) {
        source = text
        var parser = Parser(Array(text.utf8))
        steps = try parser.parse()
    }

    /// Renders over `value`; `escaping` false writes every variable raw (text output such as an
    /// entry scaffold). Partials render as empty (there is no library).
    public func render(_ value: TemplateValue, escaping: Bool = true) -> String {
        var out: [UInt8] = []
        render(value, escaping: escaping, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Renders over `value`, appending to `out`.
    public func render(_ value: TemplateValue, escaping: Bool = true, into out: inout [UInt8]) {
        var renderer = Renderer(library: nil, escaping: escaping)
        var stack = [value]
        renderer.render(steps, stack: &stack, into: &out, depth: 0)
    }

    /// The template with `indentation` before each of its lines.
    func indented(by indentation: String) -> Template {
        guard !indentation.isEmpty else { return self }
        var text = indentation
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        text += lines.joined(separator: "\n" + indentation)
        if endsWithNewline { text += "\n" }
        return (try? Template(text)) ?? self
    }
}

/// Named templates that can include one another as partials (`{{>name}}`).
public struct TemplateLibrary: Sendable {
    private var templates: [String: Template] = [:]

    public init() {}

    /// Parses `text` and registers it under `name`.
    public mutating func register(_ text: String, named name: String) throws(TemplateError) {
        templates[name] = try Template(text)
    }

    /// The template registered as `name`.
    public func template(named name: String) -> Template? { templates[name] }

    /// Renders the template `name` over `value`, appending to `out`; nothing when there is no such
    /// template. A partial missing from the library renders as empty.
    public func render(_ name: String, _ value: TemplateValue, escaping: Bool = true, into out: inout [UInt8]) {
        guard let template = templates[name] else { return }
        var renderer = Renderer(library: self, escaping: escaping)
        var stack = [value]
        renderer.render(template.steps, stack: &stack, into: &out, depth: 0)
    }

    /// Renders the template `name` over `value` into a string.
    public func render(_ name: String, _ value: TemplateValue, escaping: Bool = true) -> String {
        var out: [UInt8] = []
        render(name, value, escaping: escaping, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Rendering

private struct Renderer {
    let library: TemplateLibrary?
    let escaping: Bool
    /// Partials deeper than this render as empty: a partial including itself unconditionally
    /// stops instead of exhausting the stack.
    static let maximumDepth = 100

    func lookup(_ name: Template.Name, in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.parts.first else { return stack.last }
        var found: TemplateValue?
        for value in stack.reversed() {
            if case .object(let values) = value, let child = values[first] {
                found = child
                break
            }
        }
        guard var current = found else { return nil }
        for part in name.parts.dropFirst() {
            guard case .object(let values) = current, let child = values[part] else { return nil }
            current = child
        }
        return current
    }

    mutating func render(_ steps: [Template.Step], stack: inout [TemplateValue], into out: inout [UInt8], depth: Int) {
        for step in steps {
            switch step {
            case .literal(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let name, let escaped):
                guard let value = lookup(name, in: stack) else { continue }
                switch value {
                case .string(let text):
                    if escaped && escaping { Escaping.appendHTML(text, to: &out) } else { out.append(contentsOf: text.utf8) }
                case .number(let number): out.append(contentsOf: String(number).utf8)
                case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
                case .list, .object: break
                }
            case .section(let name, let inner, let inverted):
                let value = lookup(name, in: stack)
                if inverted {
                    if !(value?.isTruthy ?? false) { render(inner, stack: &stack, into: &out, depth: depth) }
                    continue
                }
                guard let value, value.isTruthy else { continue }
                switch value {
                case .bool:
                    render(inner, stack: &stack, into: &out, depth: depth)
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(inner, stack: &stack, into: &out, depth: depth)
                        stack.removeLast()
                    }
                case .string, .number, .object:
                    stack.append(value)
                    render(inner, stack: &stack, into: &out, depth: depth)
                    stack.removeLast()
                }
            case .partial(let name, let indentation):
                guard depth < Self.maximumDepth, let template = library?.template(named: name) else { continue }
                let steps = indentation.isEmpty ? template.steps : template.indented(by: indentation).steps
                render(steps, stack: &stack, into: &out, depth: depth + 1)
            }
        }
    }
}

// MARK: - Parsing

private struct Parser {
    let bytes: [UInt8]
    var open: [UInt8] = Array("{{".utf8)
    var close: [UInt8] = Array("}}".utf8)
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// An open section: its name, where its tag is, and the steps so far.
    struct Frame {
        let name: String
        let parsedName: Template.Name
        let inverted: Bool
        let offset: Int
        var steps: [Template.Step] = []
    }

    func error(at offset: Int, _ message: String) -> TemplateError {
        var line = 1, lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return TemplateError(line: line, column: column, message: message)
    }

    func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0] {
                var matches = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] { matches = false; break }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = slice
        while let first = slice.first, isBlank(first) || first == 10 || first == 13 { slice = slice.dropFirst() }
        while let last = slice.last, isBlank(last) || last == 10 || last == 13 { slice = slice.dropLast() }
        return slice
    }

    func name(_ slice: ArraySlice<UInt8>, at offset: Int) throws(TemplateError) -> (text: String, name: Template.Name) {
        let content = Self.trimmed(slice)
        guard !content.isEmpty else { throw error(at: offset, "a tag without a name") }
        guard !content.contains(where: { Self.isBlank($0) || $0 == 10 || $0 == 13 }) else {
            throw error(at: offset, "a name cannot hold spaces: '\(String(decoding: content, as: UTF8.self))'")
        }
        let text = String(decoding: content, as: UTF8.self)
        if text == "." { return (text, Template.Name(parts: [])) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { throw error(at: offset, "'\(text)' is not a valid name") }
        return (text, Template.Name(parts: parts))
    }

    mutating func parse() throws(TemplateError) -> [Template.Step] {
        var frames = [Frame(name: "", parsedName: Template.Name(parts: []), inverted: false, offset: 0)]
        func addLiteral(_ slice: ArraySlice<UInt8>) {
            guard !slice.isEmpty else { return }
            let last = frames.count - 1
            if case .literal(let previous)? = frames[last].steps.last {
                frames[last].steps[frames[last].steps.count - 1] = .literal(previous + slice)
            } else {
                frames[last].steps.append(.literal(Array(slice)))
            }
        }
        while position < bytes.count {
            guard let tagStart = find(open, from: position) else {
                addLiteral(bytes[position...])
                position = bytes.count
                break
            }
            var contentStart = tagStart + open.count
            let sigil: UInt8? = contentStart < bytes.count ? bytes[contentStart] : nil
            var tagEnd: Int
            var content: ArraySlice<UInt8>
            var kind = sigil ?? 0
            switch sigil {
            case UInt8(ascii: "{"):
                contentStart += 1
                guard let end = find([UInt8(ascii: "}")] + close, from: contentStart) else { throw error(at: tagStart, "an unclosed tag") }
                content = bytes[contentStart..<end]
                tagEnd = end + 1 + close.count
            case UInt8(ascii: "="):
                contentStart += 1
                guard let end = find([UInt8(ascii: "=")] + close, from: contentStart) else { throw error(at: tagStart, "an unclosed set-delimiter tag") }
                content = bytes[contentStart..<end]
                tagEnd = end + 1 + close.count
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: ">"), UInt8(ascii: "&"),
                 UInt8(ascii: "%"), UInt8(ascii: "<"), UInt8(ascii: "$"):
                contentStart += 1
                guard let end = find(close, from: contentStart) else { throw error(at: tagStart, "an unclosed tag") }
                content = bytes[contentStart..<end]
                tagEnd = end + close.count
            default:
                kind = 0
                guard let end = find(close, from: contentStart) else { throw error(at: tagStart, "an unclosed tag") }
                content = bytes[contentStart..<end]
                tagEnd = end + close.count
            }
            // A standalone tag: only blanks before it on its line and after it to the line's end.
            let canStandAlone = [UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: ">"),
                                 UInt8(ascii: "="), UInt8(ascii: "%")].contains(kind)
            var lineStart = tagStart
            while lineStart > 0, Self.isBlank(bytes[lineStart - 1]) { lineStart -= 1 }
            var after = tagEnd
            while after < bytes.count, Self.isBlank(bytes[after]) { after += 1 }
            var lineEnd: Int?
            if after == bytes.count { lineEnd = after }
            else if bytes[after] == 10 { lineEnd = after + 1 }
            else if bytes[after] == 13, after + 1 < bytes.count, bytes[after + 1] == 10 { lineEnd = after + 2 }
            let startsLine = lineStart == 0 || bytes[lineStart - 1] == 10
            let standalone = canStandAlone && startsLine && lineEnd != nil && lineStart >= position
            addLiteral(bytes[position..<(standalone ? lineStart : tagStart)])
            position = standalone ? (lineEnd ?? tagEnd) : tagEnd
            switch kind {
            case UInt8(ascii: "!"), UInt8(ascii: "%"):
                break
            case UInt8(ascii: "="):
                let parts = Self.trimmed(content).split(whereSeparator: { Self.isBlank($0) })
                guard parts.count == 2, !parts[0].contains(UInt8(ascii: "=")), !parts[1].contains(UInt8(ascii: "=")) else {
                    throw error(at: tagStart, "a set-delimiter tag needs two delimiters without '=' between blanks, as {{=<% %>=}}")
                }
                open = Array(parts[0])
                close = Array(parts[1])
            case UInt8(ascii: "<"), UInt8(ascii: "$"):
                throw error(at: tagStart, "template inheritance ({{\(Character(Unicode.Scalar(kind)))…}}) is not supported")
            case UInt8(ascii: ">"):
                let partial = String(decoding: Self.trimmed(content), as: UTF8.self)
                guard !partial.isEmpty else { throw error(at: tagStart, "a partial tag without a name") }
                let indentation = standalone ? String(decoding: bytes[lineStart..<tagStart], as: UTF8.self) : ""
                frames[frames.count - 1].steps.append(.partial(partial, indentation: indentation))
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let (text, parsed) = try name(content, at: tagStart)
                frames.append(Frame(name: text, parsedName: parsed, inverted: kind == UInt8(ascii: "^"), offset: tagStart))
            case UInt8(ascii: "/"):
                let (text, _) = try name(content, at: tagStart)
                guard frames.count > 1, let frame = frames.last else {
                    throw error(at: tagStart, "{{/\(text)}} closes a section that is not open")
                }
                guard frame.name == text else {
                    let opened = error(at: frame.offset, "")
                    throw error(at: tagStart, "{{/\(text)}} does not close the open section '\(frame.name)' (opened at line \(opened.line), column \(opened.column))")
                }
                frames.removeLast()
                frames[frames.count - 1].steps.append(.section(frame.parsedName, frame.steps, inverted: frame.inverted))
            default:
                let (_, parsed) = try name(content, at: tagStart)
                let escaped = kind == 0
                frames[frames.count - 1].steps.append(.variable(parsed, escaped: escaped))
            }
        }
        if frames.count > 1, let frame = frames.last {
            throw error(at: frame.offset, "the section '\(frame.name)' is not closed")
        }
        return frames[0].steps
    }
}
