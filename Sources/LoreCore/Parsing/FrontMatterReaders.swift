/// A text scanned by Unicode scalars with 1-based line and column, for the TOML and JSON readers:
/// every value they make carries the position of its first character in file coordinates.
struct ScalarCursor {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line: Int
    var column = 1

    init(_ text: String, firstLine: Int) {
        scalars = Array(text.unicodeScalars)
        line = firstLine
    }

    var isAtEnd: Bool { index >= scalars.count }
    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
    var position: SourcePosition { SourcePosition(line: line, column: column) }

    mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    func starts(with text: String) -> Bool {
        var offset = 0
        for scalar in text.unicodeScalars {
            guard peek(offset) == scalar else { return false }
            offset += 1
        }
        return true
    }

    mutating func skip(_ count: Int) { for _ in 0..<count { advance() } }

    /// Skips spaces and tabs (and, with `newlines`, line breaks and `#` comments when `comments`).
    mutating func skipBlanks(newlines: Bool = false, comments: Bool = false) {
        while let scalar = current {
            if scalar == " " || scalar == "\t" || scalar == "\r" || (newlines && scalar == "\n") {
                advance()
            } else if comments && scalar == "#" {
                while let next = current, next != "\n" { advance() }
            } else {
                return
            }
        }
    }
}

/// Reads TOML front-matter (Hugo and Zola, between `+++` lines) into the same `YAMLValue` tree as
/// YAML, each scalar keeping the text written and its position. Tables (`[a.b]`) become nested
/// mappings, arrays of tables (`[[a]]`) lists of mappings; dotted keys nest. Values keep their text:
/// a TOML date-time stays as written, a quoted string is marked quoted. Duplicate keys, unclosed
/// strings and nesting deeper than the YAML limit are refused with a position.
enum TOMLReader {
    static func read(_ text: String, lineOffset: Int, limits: YAMLReader.Limits = .standard) throws(YAMLProblem) -> YAMLValue {
        if text.utf8.count > limits.maxBytes {
            throw YAMLProblem(position: SourcePosition(line: lineOffset + 1, column: 1),
                              message: "TOML of \(text.utf8.count) bytes is larger than the limit of \(limits.maxBytes)")
        }
        var parser = Parser(cursor: ScalarCursor(text, firstLine: lineOffset + 1), maxDepth: limits.maxDepth)
        return try parser.document()
    }

    /// A mapping under construction: keys in order, with nested tables still open for additions.
    final class Table {
        var keys: [YAMLScalar] = []
        var values: [Node] = []
        let position: SourcePosition
        /// Made by a `[header]` (may be reopened by dotted keys) or inline (closed).
        var inline = false
        init(_ position: SourcePosition) { self.position = position }

        func index(of key: String) -> Int? { keys.firstIndex { $0.text == key } }
    }

    enum Node {
        case value(YAMLValue)
        case table(Table)
        case tables([Table], SourcePosition)

        func build() -> YAMLValue {
            switch self {
            case .value(let value): return value
            case .table(let table): return TOMLReader.build(table)
            case .tables(let tables, let position): return .sequence(tables.map { TOMLReader.build($0) }, position)
            }
        }
    }

    static func build(_ table: Table) -> YAMLValue {
        .mapping(zip(table.keys, table.values).map { YAMLPair(key: $0, value: $1.build()) }, table.position)
    }

    struct Parser {
        var cursor: ScalarCursor
        let maxDepth: Int

        func fail(_ position: SourcePosition, _ message: String) -> YAMLProblem {
            YAMLProblem(position: position, message: message)
        }

        mutating func document() throws(YAMLProblem) -> YAMLValue {
            let root = Table(cursor.position)
            var current = root
            while true {
                cursor.skipBlanks(newlines: true, comments: true)
                guard let scalar = cursor.current else { break }
                if scalar == "[" {
                    let start = cursor.position
                    let array = cursor.peek(1) == "["
                    cursor.skip(array ? 2 : 1)
                    cursor.skipBlanks()
                    let path = try keyPath()
                    cursor.skipBlanks()
                    guard cursor.current == "]", !array || cursor.peek(1) == "]" else {
                        throw fail(cursor.position, "expected '\(array ? "]]" : "]")' to close the table header")
                    }
                    cursor.skip(array ? 2 : 1)
                    current = try open(path, in: root, array: array, at: start)
                    try endOfLine()
                    continue
                }
                let path = try keyPath()
                cursor.skipBlanks()
                guard cursor.current == "=" else { throw fail(cursor.position, "expected '=' after the key '\(path.last?.text ?? "")'") }
                cursor.advance()
                cursor.skipBlanks()
                let value = try self.value(depth: path.count)
                try assign(value, to: path, in: current)
                try endOfLine()
            }
            return TOMLReader.build(root)
        }

        mutating func endOfLine() throws(YAMLProblem) {
            cursor.skipBlanks(comments: true)
            guard cursor.isAtEnd || cursor.current == "\n" else {
                throw fail(cursor.position, "unexpected '\(cursor.current.map { String($0) } ?? "")' after a value; one key = value per line")
            }
        }

        /// Opens the table a `[a.b]` header names (creating it), or appends a table to `[[a.b]]`.
        func open(_ path: [YAMLScalar], in root: Table, array: Bool, at position: SourcePosition) throws(YAMLProblem) -> Table {
            guard path.count <= maxDepth else { throw fail(position, "nesting deeper than \(maxDepth) levels") }
            var table = root
            for (offset, key) in path.enumerated() {
                let last = offset == path.count - 1
                if let found = table.index(of: key.text) {
                    switch table.values[found] {
                    case .table(let inner) where !(last && array):
                        if inner.inline { throw fail(key.position, "'\(key.text)' is an inline table and cannot be extended") }
                        table = inner
                    case .tables(let list, let listPosition) where !last || array:
                        if last {
                            let made = Table(position)
                            table.values[found] = .tables(list + [made], listPosition)
                            return made
                        }
                        table = list[list.count - 1]
                    default:
                        throw fail(key.position, "'\(key.text)' is defined twice (first at \(table.keys[found].position))")
                    }
                } else {
                    let made = Table(position)
                    table.keys.append(key)
                    table.values.append(last && array ? .tables([made], position) : .table(made))
                    table = made
                }
            }
            return table
        }

        func assign(_ value: YAMLValue, to path: [YAMLScalar], in start: Table) throws(YAMLProblem) {
            var table = start
            for key in path.dropLast() {
                if let found = table.index(of: key.text) {
                    guard case .table(let inner) = table.values[found], !inner.inline else {
                        throw fail(key.position, "'\(key.text)' is defined twice (first at \(table.keys[found].position))")
                    }
                    table = inner
                } else {
                    let made = Table(key.position)
                    table.keys.append(key)
                    table.values.append(.table(made))
                    table = made
                }
            }
            let key = path[path.count - 1]
            if let found = table.index(of: key.text) {
                throw fail(key.position, "duplicate key '\(key.text)' (first at \(table.keys[found].position))")
            }
            table.keys.append(key)
            table.values.append(.value(value))
        }

        /// `a.b."c d"`: bare or quoted keys joined by dots.
        mutating func keyPath() throws(YAMLProblem) -> [YAMLScalar] {
            var keys: [YAMLScalar] = []
            while true {
                cursor.skipBlanks()
                let position = cursor.position
                if cursor.current == "\"" || cursor.current == "'" {
                    let (text, style) = try quoted()
                    keys.append(YAMLScalar(text: text, style: style, position: position))
                } else {
                    var text = ""
                    while let scalar = cursor.current, isBareKey(scalar) { text.unicodeScalars.append(scalar); cursor.advance() }
                    guard !text.isEmpty else {
                        throw fail(position, cursor.isAtEnd ? "expected a key" : "expected a key, found '\(cursor.current.map { String($0) } ?? "")'")
                    }
                    keys.append(YAMLScalar(text: text, style: .plain, position: position))
                }
                cursor.skipBlanks()
                guard cursor.current == "." else { return keys }
                cursor.advance()
            }
        }

        func isBareKey(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        }

        mutating func value(depth: Int) throws(YAMLProblem) -> YAMLValue {
            let position = cursor.position
            guard depth <= maxDepth else { throw fail(position, "nesting deeper than \(maxDepth) levels") }
            switch cursor.current {
            case nil, "\n"?:
                throw fail(position, "expected a value")
            case "\""?, "'"?:
                let (text, style) = try quoted()
                return .scalar(YAMLScalar(text: text, style: style, position: position))
            case "["?:
                cursor.advance()
                var items: [YAMLValue] = []
                while true {
                    cursor.skipBlanks(newlines: true, comments: true)
                    if cursor.current == "]" { cursor.advance(); break }
                    items.append(try value(depth: depth + 1))
                    cursor.skipBlanks(newlines: true, comments: true)
                    if cursor.current == "," { cursor.advance(); continue }
                    guard cursor.current == "]" else { throw fail(cursor.isAtEnd ? position : cursor.position, "expected ',' or ']' in the array opened at \(position)") }
                    cursor.advance()
                    break
                }
                return .sequence(items, position)
            case "{"?:
                cursor.advance()
                let table = Table(position)
                table.inline = true
                cursor.skipBlanks()
                if cursor.current == "}" { cursor.advance(); return .mapping([], position) }
                while true {
                    let path = try keyPath()
                    cursor.skipBlanks()
                    guard cursor.current == "=" else { throw fail(cursor.position, "expected '=' in the inline table opened at \(position)") }
                    cursor.advance()
                    cursor.skipBlanks()
                    try assign(try value(depth: depth + path.count), to: path, in: table)
                    cursor.skipBlanks()
                    if cursor.current == "," { cursor.advance(); continue }
                    guard cursor.current == "}" else { throw fail(cursor.isAtEnd ? position : cursor.position, "expected ',' or '}' in the inline table opened at \(position)") }
                    cursor.advance()
                    break
                }
                return TOMLReader.build(table)
            default:
                // Numbers, booleans, dates and times: the text up to a delimiter, kept as written.
                var text = ""
                while let scalar = cursor.current, scalar != ",", scalar != "]", scalar != "}", scalar != "\n", scalar != "#" {
                    text.unicodeScalars.append(scalar)
                    cursor.advance()
                }
                text = text.trimmingBlanks
                if text.hasSuffix("\r") { text.removeLast() }
                guard isBareValue(text) else { throw fail(position, "'\(text)' is not a TOML value (strings are quoted)") }
                return .scalar(YAMLScalar(text: text, style: .plain, position: position))
            }
        }

        func isBareValue(_ text: String) -> Bool {
            if text == "true" || text == "false" || text == "inf" || text == "nan" || text == "+inf" || text == "-inf" { return true }
            guard let first = text.unicodeScalars.first, ("0"..."9").contains(first) || first == "+" || first == "-" else { return false }
            return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || "+-.:_ ".unicodeScalars.contains($0) }
        }

        /// A basic `"…"`, literal `'…'` or multi-line `"""…"""` / `'''…'''` string.
        mutating func quoted() throws(YAMLProblem) -> (String, YAMLScalar.Style) {
            let start = cursor.position
            let quote = cursor.current!
            let literal = quote == "'"
            let multi = cursor.peek(1) == quote && cursor.peek(2) == quote
            cursor.skip(multi ? 3 : 1)
            if multi && cursor.current == "\n" { cursor.advance() }
            var text = ""
            while true {
                guard let scalar = cursor.current else { throw fail(start, "string opened here is never closed") }
                if scalar == quote {
                    if !multi { cursor.advance(); break }
                    if cursor.peek(1) == quote && cursor.peek(2) == quote && cursor.peek(3) != quote {
                        cursor.skip(3)
                        break
                    }
                }
                if scalar == "\n" && !multi { throw fail(start, "string opened here is never closed on its line") }
                if scalar == "\\" && !literal {
                    cursor.advance()
                    guard let escaped = cursor.current else { throw fail(start, "string opened here is never closed") }
                    let escapePosition = cursor.position
                    cursor.advance()
                    switch escaped {
                    case "n": text += "\n"
                    case "t": text += "\t"
                    case "r": text += "\r"
                    case "b": text += "\u{8}"
                    case "f": text += "\u{C}"
                    case "\"": text += "\""
                    case "\\": text += "\\"
                    case "u", "U":
                        var hex = ""
                        for _ in 0..<(escaped == "u" ? 4 : 8) {
                            guard let digit = cursor.current, digit.properties.isASCIIHexDigit else { break }
                            hex.unicodeScalars.append(digit)
                            cursor.advance()
                        }
                        guard let code = UInt32(hex, radix: 16), let made = Unicode.Scalar(code), hex.count == (escaped == "u" ? 4 : 8) else {
                            throw fail(escapePosition, "invalid \\\(escaped) escape")
                        }
                        text.unicodeScalars.append(made)
                    case "\n" where multi:
                        cursor.skipBlanks(newlines: true)
                    default:
                        throw fail(escapePosition, "unknown escape '\\\(escaped)'")
                    }
                    continue
                }
                text.unicodeScalars.append(scalar)
                cursor.advance()
            }
            return (text, literal ? .singleQuoted : (multi ? .literal : .doubleQuoted))
        }
    }
}

/// Reads JSON front-matter (Hugo: a JSON object at the very top of the file) into `YAMLValue`,
/// scalars keeping their text (numbers as written) and position. Duplicate keys and nesting deeper
/// than the YAML limit are refused.
enum JSONFrontMatterReader {
    /// Reads the object starting at the top of `text`; returns it and the offset (in scalars) and
    /// line just after its closing brace.
    static func read(_ text: String, limits: YAMLReader.Limits = .standard) throws(YAMLProblem) -> (value: YAMLValue, endIndex: Int, endLine: Int) {
        var parser = Parser(cursor: ScalarCursor(text, firstLine: 1), maxDepth: limits.maxDepth, maxScalars: limits.maxBytes)
        let value = try parser.value(depth: 0)
        return (value, parser.cursor.index, parser.cursor.line)
    }

    struct Parser {
        var cursor: ScalarCursor
        let maxDepth: Int
        let maxScalars: Int

        func fail(_ position: SourcePosition, _ message: String) -> YAMLProblem {
            YAMLProblem(position: position, message: message)
        }

        mutating func value(depth: Int) throws(YAMLProblem) -> YAMLValue {
            cursor.skipBlanks(newlines: true)
            let position = cursor.position
            guard depth <= maxDepth else { throw fail(position, "nesting deeper than \(maxDepth) levels") }
            guard cursor.index < maxScalars else { throw fail(position, "JSON front-matter larger than the limit of \(maxScalars) bytes") }
            switch cursor.current {
            case "{"?:
                cursor.advance()
                var pairs: [YAMLPair] = []
                cursor.skipBlanks(newlines: true)
                if cursor.current == "}" { cursor.advance(); return .mapping([], position) }
                while true {
                    cursor.skipBlanks(newlines: true)
                    let keyPosition = cursor.position
                    guard cursor.current == "\"" else { throw fail(keyPosition, "expected a quoted key in the object opened at \(position)") }
                    let key = YAMLScalar(text: try string(), style: .doubleQuoted, position: keyPosition)
                    if let first = pairs.first(where: { $0.key.text == key.text }) {
                        throw fail(keyPosition, "duplicate key '\(key.text)' (first at \(first.key.position))")
                    }
                    cursor.skipBlanks(newlines: true)
                    guard cursor.current == ":" else { throw fail(cursor.position, "expected ':' after the key '\(key.text)'") }
                    cursor.advance()
                    pairs.append(YAMLPair(key: key, value: try value(depth: depth + 1)))
                    cursor.skipBlanks(newlines: true)
                    if cursor.current == "," { cursor.advance(); continue }
                    guard cursor.current == "}" else { throw fail(cursor.isAtEnd ? position : cursor.position, "expected ',' or '}' in the object opened at \(position)") }
                    cursor.advance()
                    return .mapping(pairs, position)
                }
            case "["?:
                cursor.advance()
                var items: [YAMLValue] = []
                cursor.skipBlanks(newlines: true)
                if cursor.current == "]" { cursor.advance(); return .sequence([], position) }
                while true {
                    items.append(try value(depth: depth + 1))
                    cursor.skipBlanks(newlines: true)
                    if cursor.current == "," { cursor.advance(); continue }
                    guard cursor.current == "]" else { throw fail(cursor.isAtEnd ? position : cursor.position, "expected ',' or ']' in the array opened at \(position)") }
                    cursor.advance()
                    return .sequence(items, position)
                }
            case "\""?:
                return .scalar(YAMLScalar(text: try string(), style: .doubleQuoted, position: position))
            case nil:
                throw fail(position, "expected a value")
            default:
                var text = ""
                while let scalar = cursor.current, ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || "+-.E".unicodeScalars.contains(scalar) {
                    text.unicodeScalars.append(scalar)
                    cursor.advance()
                }
                if text == "null" { return .scalar(YAMLScalar(text: "null", style: .plain, position: position)) }
                guard text == "true" || text == "false" || Double(text) != nil else {
                    throw fail(position, text.isEmpty ? "unexpected '\(cursor.current.map { String($0) } ?? "")'" : "'\(text)' is not a JSON value")
                }
                return .scalar(YAMLScalar(text: text, style: .plain, position: position))
            }
        }

        mutating func string() throws(YAMLProblem) -> String {
            let start = cursor.position
            cursor.advance()
            var text = ""
            while true {
                guard let scalar = cursor.current, scalar != "\n" else { throw fail(start, "string opened here is never closed") }
                cursor.advance()
                if scalar == "\"" { return text }
                guard scalar == "\\" else { text.unicodeScalars.append(scalar); continue }
                let escapePosition = cursor.position
                guard let escaped = cursor.current else { throw fail(start, "string opened here is never closed") }
                cursor.advance()
                switch escaped {
                case "n": text += "\n"
                case "t": text += "\t"
                case "r": text += "\r"
                case "b": text += "\u{8}"
                case "f": text += "\u{C}"
                case "/": text += "/"
                case "\"": text += "\""
                case "\\": text += "\\"
                case "u":
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        guard let digit = cursor.current, let value = UInt32(String(digit), radix: 16) else {
                            throw fail(escapePosition, "invalid \\u escape")
                        }
                        code = code * 16 + value
                        cursor.advance()
                    }
                    // A surrogate pair.
                    if (0xD800...0xDBFF).contains(code), cursor.current == "\\", cursor.peek(1) == "u" {
                        cursor.skip(2)
                        var low: UInt32 = 0
                        for _ in 0..<4 {
                            guard let digit = cursor.current, let value = UInt32(String(digit), radix: 16) else {
                                throw fail(escapePosition, "invalid \\u escape")
                            }
                            low = low * 16 + value
                            cursor.advance()
                        }
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail(escapePosition, "invalid \\u escape (unpaired surrogate)") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let made = Unicode.Scalar(code) else { throw fail(escapePosition, "invalid \\u escape") }
                    text.unicodeScalars.append(made)
                default:
                    throw fail(escapePosition, "unknown escape '\\\(escaped)'")
                }
            }
        }
    }
}
