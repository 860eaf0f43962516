import Yams

/// A YAML text that could not be read, with the position of the problem.
public struct YAMLProblem: Error, Sendable, Equatable {
    /// Where the problem is, in the coordinates of the file.
    public let position: SourcePosition
    /// What is wrong, short and lowercase.
    public let message: String
}

/// Reads YAML into `YAMLValue` trees with Yams' composer — never the untyped `load`, which crashes on
/// some inputs — refusing anchors and aliases and bounding size and nesting depth before parsing.
public enum YAMLReader {
    /// Limits applied before parsing.
    public struct Limits: Sendable {
        /// Largest accepted text, in bytes.
        public var maxBytes = 256 * 1024
        /// Deepest accepted nesting of mappings and lists.
        public var maxDepth = 64
        /// The defaults.
        public static let standard = Limits()
    }

    /// Reads one YAML document. `lineOffset` is added to every line so positions are in file
    /// coordinates. An empty document reads as `nil`.
    public static func read(_ text: String, lineOffset: Int = 0, limits: Limits = .standard) throws(YAMLProblem) -> YAMLValue? {
        if text.utf8.count > limits.maxBytes {
            throw YAMLProblem(position: SourcePosition(line: lineOffset + 1, column: 1),
                              message: "YAML of \(text.utf8.count) bytes is larger than the limit of \(limits.maxBytes)")
        }
        if let deep = NestingScanner.firstTooDeep(text, limit: limits.maxDepth) {
            throw YAMLProblem(position: SourcePosition(line: deep.line + lineOffset, column: deep.column),
                              message: "nesting deeper than \(limits.maxDepth) levels")
        }
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw problem(from: error, in: text, lineOffset: lineOffset)
        } catch {
            throw YAMLProblem(position: SourcePosition(line: lineOffset + 1, column: 1), message: "\(error)")
        }
        guard let root else { return nil }
        // Without a `&` there can be no anchor (and so no alias): skip the per-node weak-reference
        // checks, a tenth of the conversion.
        let mayHaveAnchors = text.utf8.contains(UInt8(ascii: "&"))
        // Anchors are only visible while the parser that owns them lives.
        return try withExtendedLifetime(parser) { () throws(YAMLProblem) -> YAMLValue in
            try convert(root, lineOffset: lineOffset, anchors: mayHaveAnchors)
        }
    }

    /// The character at a libyaml mark (line and column counted from 1, columns in characters).
    private static func character(at mark: Mark?, in text: String) -> Character? {
        guard let mark, mark.line >= 1, mark.column >= 1 else { return nil }
        var line = 1
        var index = text.startIndex
        while line < mark.line {
            guard let newline = text[index...].firstIndex(of: "\n") else { return nil }
            index = text.index(after: newline)
            line += 1
        }
        let rest = text[index...].prefix { $0 != "\n" }
        guard mark.column <= rest.count else { return nil }
        return rest[rest.index(rest.startIndex, offsetBy: mark.column - 1)]
    }

    private static func position(_ mark: Mark?, _ lineOffset: Int) -> SourcePosition {
        SourcePosition(line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, lineOffset: Int, anchors: Bool) throws(YAMLProblem) -> YAMLValue {
        switch node {
        case .alias(let alias):
            throw YAMLProblem(position: position(alias.mark, lineOffset), message: "aliases (*name) are not allowed")
        case .scalar(let scalar):
            if anchors && scalar.anchor != nil {
                throw YAMLProblem(position: position(scalar.mark, lineOffset), message: "anchors and aliases (&name, *name) are not allowed")
            }
            return .scalar(makeScalar(scalar, lineOffset))
        case .sequence(let sequence):
            if anchors && sequence.anchor != nil {
                throw YAMLProblem(position: position(sequence.mark, lineOffset), message: "anchors and aliases (&name, *name) are not allowed")
            }
            var items: [YAMLValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, lineOffset: lineOffset, anchors: anchors)) }
            return .sequence(items, position(sequence.mark, lineOffset))
        case .mapping(let mapping):
            if anchors && mapping.anchor != nil {
                throw YAMLProblem(position: position(mapping.mark, lineOffset), message: "anchors and aliases (&name, *name) are not allowed")
            }
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLProblem(position: position(key.mark, lineOffset),
                                      message: "keys must be plain names, not lists or mappings")
                }
                if anchors && keyScalar.anchor != nil {
                    throw YAMLProblem(position: position(keyScalar.mark, lineOffset), message: "anchors and aliases (&name, *name) are not allowed")
                }
                pairs.append(YAMLPair(key: makeScalar(keyScalar, lineOffset), value: try convert(value, lineOffset: lineOffset, anchors: anchors)))
            }
            return .mapping(pairs, position(mapping.mark, lineOffset))
        }
    }

    private static func makeScalar(_ scalar: Node.Scalar, _ lineOffset: Int) -> YAMLScalar {
        let style: YAMLScalar.Style
        switch scalar.style {
        case .singleQuoted: style = .singleQuoted
        case .doubleQuoted: style = .doubleQuoted
        case .literal: style = .literal
        case .folded: style = .folded
        default: style = .plain
        }
        return YAMLScalar(text: scalar.string, style: style, position: position(scalar.mark, lineOffset))
    }

    private static func problem(from error: YamlError, in text: String, lineOffset: Int) -> YAMLProblem {
        func clean(_ text: String) -> String {
            text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = clean(problem)
            if message.contains("cannot start any token"), let character = character(at: mark, in: text) {
                // Name what was found: a tab (which YAML never takes as indentation), or the
                // character an unquoted value may not start with (`@`, a backtick).
                message += character == "\t" ? " (tabs cannot indent YAML; use spaces)"
                    : " ('\(character)' cannot start a plain value; quote the value)"
            }
            if let context { message = clean(context.text) + ": " + message }
            return YAMLProblem(position: position(mark, lineOffset), message: message)
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams marks the first occurrence; the mistake is the repeat, at the same indentation.
            let first = context.mark
            if let name = duplicates.first, let repeatLine = repeatedKeyLine(name, after: first, in: context.text) {
                return YAMLProblem(position: SourcePosition(line: repeatLine + lineOffset, column: first.column),
                                   message: "duplicate key '\(name)' (first at line \(first.line + lineOffset))")
            }
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return YAMLProblem(position: position(first, lineOffset), message: "duplicate key \(names)")
        case let .reader(problem, offset, _, yaml):
            var line = 1, column = 1
            if let offset {
                for (index, scalar) in yaml.unicodeScalars.enumerated() {
                    if index >= offset { break }
                    if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
                }
            }
            return YAMLProblem(position: SourcePosition(line: line + lineOffset, column: column), message: clean(problem))
        default:
            return YAMLProblem(position: SourcePosition(line: lineOffset + 1, column: 1), message: clean("\(error)"))
        }
    }
}

/// The line, after `first`, where `key` is written again at the same column.
private func repeatedKeyLine(_ key: String, after first: Mark, in text: String) -> Int? {
    let indent = String(repeating: " ", count: max(first.column - 1, 0))
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 > first.line {
        guard line.hasPrefix(indent) else { continue }
        let rest = line.dropFirst(indent.count)
        for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate) {
            if rest.dropFirst(candidate.count).drop(while: { $0 == " " }).hasPrefix(":") { return index + 1 }
        }
    }
    return nil
}

/// Finds where YAML nests deeper than a limit, in one pass over the text and before any parser
/// recurses into it: flow brackets outside quotes and comments, plus block indentation levels.
enum NestingScanner {
    static func firstTooDeep(_ text: String, limit: Int) -> SourcePosition? {
        var line = 1
        var column = 0
        var flowDepth = 0
        var indents: [Int] = []       // open block levels by indentation
        var atLineStart = true
        var indent = 0
        var quote: Unicode.Scalar? = nil
        var escaped = false
        var inComment = false
        var previous: Unicode.Scalar = " "
        var inPrefix = true           // still in the "- - " run that opens a line
        for scalar in text.unicodeScalars {
            column += 1
            if scalar == "\n" {
                line += 1; column = 0; atLineStart = true; indent = 0; inComment = false; inPrefix = true
                previous = scalar
                continue
            }
            if inComment { continue }
            if let open = quote {
                if escaped { escaped = false }
                else if open == "\"" && scalar == "\\" { escaped = true }
                else if scalar == open { quote = nil }
                previous = scalar
                continue
            }
            if atLineStart {
                if scalar == " " { indent += 1; previous = scalar; continue }
                atLineStart = false
                if scalar != "#" && flowDepth == 0 {
                    while let last = indents.last, last >= indent { indents.removeLast() }
                    indents.append(indent)
                    if indents.count > limit { return SourcePosition(line: line, column: column) }
                }
            }
            if scalar != "-" && scalar != " " { inPrefix = false }
            switch scalar {
            case "#" where previous == " " || previous == "\t" || column == 1:
                inComment = true
            case "'", "\"":
                if previous == " " || previous == "[" || previous == "{" || previous == "," || previous == ":" || column == 1 || previous == "-" {
                    quote = scalar
                }
            case "[", "{":
                flowDepth += 1
                if flowDepth + indents.count > limit { return SourcePosition(line: line, column: column) }
            case "]", "}":
                if flowDepth > 0 { flowDepth -= 1 }
            case "-" where inPrefix:
                // "- - - x" nests a list per dash on one line.
                indents.append(column)
                if indents.count + flowDepth > limit { return SourcePosition(line: line, column: column) }
            default:
                break
            }
            previous = scalar
        }
        return nil
    }
}
