import Foundation

/// A front-matter value as filters and sorting see it: text, a list, or an object.
public indirect enum FieldData: Sendable, Hashable {
    /// A scalar, as the author wrote it.
    case text(String)
    /// A list.
    case list([FieldData])
    /// A mapping (an action item, for example).
    case object([String: FieldData])

    /// Front-matter YAML; `nil` for a null scalar.
    public init?(_ value: YAMLValue) {
        switch value {
        case .scalar(let scalar):
            if scalar.isNull { return nil }
            self = .text(scalar.text)
        case .sequence(let items, _):
            self = .list(items.compactMap(FieldData.init))
        case .mapping(let pairs, _):
            var object: [String: FieldData] = [:]
            for pair in pairs where object[pair.key.text] == nil {
                if let value = FieldData(pair.value) { object[pair.key.text] = value }
            }
            self = .object(object)
        }
    }

    /// The texts at `path` below this value: a list contributes every element's texts, an object
    /// the texts of its key `path.first` (so `action_items.owner` reaches into a list of objects).
    func texts(at path: ArraySlice<String>) -> [String] {
        switch self {
        case .text(let text): return path.isEmpty ? [text] : []
        case .list(let items): return items.flatMap { $0.texts(at: path) }
        case .object(let object):
            guard let key = path.first, let value = object[key] else { return [] }
            return value.texts(at: path.dropFirst())
        }
    }
}

/// Something with front-matter fields a filter can look at: an entry, or an indexed search document.
public protocol FieldSource {
    /// The entry's kind (a field even when the front-matter does not name it).
    var filterKind: String { get }
    /// The file's path, as text.
    var filterPath: String { get }
    /// The value of the top-level field `name`, `nil` when absent or null.
    func filterValue(_ name: String) -> FieldData?
}

extension FieldSource {
    /// Every text of the (possibly dotted) field `path`: one for a scalar, one per element for a list.
    public func filterTexts(_ path: [String]) -> [String] {
        guard let head = path.first else { return [] }
        if path.count == 1 {
            if head == "kind" { return [filterValue("kind").flatMap { $0.texts(at: []).first } ?? filterKind] }
            if head == "path" { return [filterPath] }
        }
        return filterValue(head)?.texts(at: path.dropFirst()) ?? []
    }
}

extension Entry: FieldSource {
    public var filterKind: String { kind }
    public var filterPath: String { path.description }
    public func filterValue(_ name: String) -> FieldData? { frontMatter[name].flatMap(FieldData.init) }
}

/// A `--where` expression that could not be read, with the column (1-based, in characters) where
/// reading stopped.
public struct FilterSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The expression as given.
    public let expression: String
    /// Where the problem is, counting characters from 1.
    public let column: Int
    /// What is wrong.
    public let message: String
    /// The option the expression was given to.
    public var option = "--where"

    public var description: String { "invalid \(option) '\(expression)': column \(column): \(message)" }
}

/// One condition on a front-matter field: `FIELD=VALUE`, `FIELD!=VALUE`, `FIELD~VALUE` (contains),
/// `FIELD!~VALUE`, or an ordering `FIELD<VALUE`, `<=`, `>`, `>=`.
///
/// Works on any field, declared or not; `kind` and `path` name the entry's kind and file. A dotted
/// name reaches into objects (`action_items.owner`). On a list, a condition holds when any element
/// satisfies it (`!=` and `!~`: when none does). Orderings compare dates, date-times and numbers by
/// value — by the field's declared type, else by what both sides look like — and other text by
/// Unicode scalars. `FIELD=` with nothing after it matches an absent or empty field.
public struct FieldFilter: Sendable, Hashable, CustomStringConvertible {
    /// How the field is compared with the value.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=", notEqual = "!=", contains = "~", notContains = "!~"
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// The field, split at dots.
    public let field: [String]
    /// The comparison.
    public let op: Operator
    /// The value compared with, as written.
    public let value: String

    /// The expression as written back.
    public var description: String { field.joined(separator: ".") + op.rawValue + value }

    /// A filter built in code.
    public init(field: String, _ op: Operator, _ value: String) {
        self.field = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        self.op = op
        self.value = value
    }

    /// Reads `FIELD OP VALUE`; throws with the column of the first character that does not fit.
    public static func parse(_ expression: String) throws(FilterSyntaxError) -> FieldFilter {
        let characters = Array(expression)
        func fail(_ index: Int, _ message: String) -> FilterSyntaxError {
            FilterSyntaxError(expression: expression, column: index + 1, message: message)
        }
        func isNameCharacter(_ c: Character) -> Bool {
            c.isLetter || c.isNumber || c == "_" || c == "-" || c == "."
        }
        var index = 0
        while index < characters.count, isNameCharacter(characters[index]) { index += 1 }
        let name = String(characters[0..<index])
        if name.isEmpty {
            if index < characters.count, "=!~<>".contains(characters[index]) {
                throw fail(index, "expected a field name before '\(characters[index])'")
            }
            throw fail(index, characters.isEmpty ? "expected FIELD=VALUE, got nothing" : "expected a field name, found '\(characters[index])'")
        }
        let nameCharacters = Array(name)
        for (offset, c) in nameCharacters.enumerated() where c == "." {
            if offset == 0 || offset == nameCharacters.count - 1 || nameCharacters[offset + 1] == "." {
                throw fail(offset, "empty part in field name '\(name)'")
            }
        }
        let operators: [Operator] = [.notEqual, .notContains, .lessOrEqual, .greaterOrEqual, .equal, .contains, .less, .greater]
        guard index < characters.count else {
            throw fail(index, "expected an operator (=, !=, ~, !~, <, <=, >, >=) after '\(name)'")
        }
        guard let op = operators.first(where: { characters[index...].starts(with: Array($0.rawValue)) }) else {
            throw fail(index, "expected an operator (=, !=, ~, !~, <, <=, >, >=) after '\(name)', found '\(characters[index])'")
        }
        index += op.rawValue.count
        let value = String(characters[index...])
        switch op {
        case .equal, .notEqual: break
        default:
            if value.isEmpty { throw fail(index, "expected a value after '\(op.rawValue)'") }
        }
        if op != .equal && op != .notEqual, let first = value.first, "=<>~".contains(first) {
            throw fail(index, "unexpected '\(first)' after '\(op.rawValue)'")
        }
        return FieldFilter(field: name, op, value)
    }

    /// Checks the value against the field's declared type: `date>=yesterday` is refused with the
    /// value's column (`expression` is the text the filter was parsed from).
    public func validate(in configuration: Configuration, expression: String) throws(FilterSyntaxError) {
        guard op.isOrdering, let type = FieldOrdering.declaredType(of: field, in: configuration) else { return }
        let column = expression.count - value.count + 1
        switch type {
        case .date, .datetime:
            if !FieldType.isDate(value) && !FieldType.isDateTime(value) {
                throw FilterSyntaxError(expression: expression, column: column,
                                        message: "'\(value)' is not a date (YYYY-MM-DD) or date-time; '\(field.joined(separator: "."))' is a \(type)")
            }
        case .int:
            if Int(value) == nil {
                throw FilterSyntaxError(expression: expression, column: column, message: "'\(value)' is not a whole number; '\(field.joined(separator: "."))' is an int")
            }
        default: break
        }
    }

    /// The filter holds for `source`; `configuration` gives declared field types.
    public func matches(_ source: some FieldSource, in configuration: Configuration) -> Bool {
        let texts = source.filterTexts(field)
        switch op {
        case .equal:
            return value.isEmpty ? texts.allSatisfy(\.isEmpty) : texts.contains(value)
        case .notEqual:
            return value.isEmpty ? texts.contains { !$0.isEmpty } : !texts.contains(value)
        case .contains:
            return texts.contains { $0.range(of: value, options: [.caseInsensitive]) != nil }
        case .notContains:
            return !texts.contains { $0.range(of: value, options: [.caseInsensitive]) != nil }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let type = FieldOrdering.declaredType(of: field, in: configuration)
            return texts.contains { text in
                guard let order = FieldOrdering.compare(text, value, type: type) else { return false }
                switch op {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        }
    }
}

extension FieldFilter.Operator {
    var isOrdering: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return true
        default: return false
        }
    }
}

/// How two field texts order: dates and date-times by time, numbers by value, the rest by text.
public enum FieldOrdering {
    /// The type some kind of `configuration` declares for `field` (the first kind that does).
    static func declaredType(of field: [String], in configuration: Configuration) -> FieldType? {
        guard let head = field.first else { return nil }
        for kind in configuration.kinds {
            guard var type = kind.field(head)?.type else { continue }
            for part in field.dropFirst() {
                guard case .objects(let specs) = type, let spec = specs.first(where: { $0.name == part }) else { return nil }
                type = spec.type
            }
            return type
        }
        return nil
    }

    /// -1, 0 or 1 comparing `a` with `b`; `nil` when the declared type says `a` cannot be compared
    /// (an author's `date: soon` is neither before nor after anything).
    public static func compare(_ a: String, _ b: String, type: FieldType?) -> Int? {
        let aDate = FieldType.isDate(a) || FieldType.isDateTime(a), bDate = FieldType.isDate(b) || FieldType.isDateTime(b)
        switch type {
        case .date?, .datetime?:
            guard aDate, bDate else { return nil }
            return compareTimes(a, b)
        case .int?:
            guard let x = Double(a), let y = Double(b) else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case .string?, .text?, .enumeration?, .url?, .email?:
            return sign(a, b)
        default:
            if aDate && bDate { return compareTimes(a, b) }
            if let x = Double(a), let y = Double(b), x.isFinite, y.isFinite { return x < y ? -1 : (x > y ? 1 : 0) }
            return sign(a, b)
        }
    }

    /// A date against anything compares calendar days as written; two date-times compare instants.
    private static func compareTimes(_ a: String, _ b: String) -> Int {
        if a.utf8.count == 10 || b.utf8.count == 10 {
            return sign(String(a.prefix(10)), String(b.prefix(10)))
        }
        guard let x = instant(a), let y = instant(b) else { return sign(a, b) }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    private static func sign(_ a: String, _ b: String) -> Int {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (a == b ? 0 : 1)
    }

    /// Seconds since 1970 of an RFC 3339 date-time (already checked by `FieldType.isDateTime`).
    package static func instant(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int {
            bytes[range].reduce(0) { $0 * 10 + Int($1) - 48 }
        }
        guard bytes.count >= 19 else { return nil }
        let days = daysSinceEpoch(year: number(0..<4), month: number(5..<7), day: number(8..<10))
        var seconds = Double(days * 86400 + number(11..<13) * 3600 + number(14..<16) * 60 + number(17..<19))
        var index = 19
        if index < bytes.count, bytes[index] == 46 {
            var scale = 0.1
            index += 1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                seconds += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        if index + 6 == bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let offset = Double(number((index + 1)..<(index + 3)) * 3600 + number((index + 4)..<(index + 6)) * 60)
            seconds += bytes[index] == 43 ? -offset : offset
        }
        return seconds
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

/// `--sort FIELD`: entries ordered by any field, typed like the filters; entries without the field
/// come last in either direction, and ties keep their order.
public struct FieldSort: Sendable, Hashable {
    /// The field, split at dots.
    public let field: [String]
    /// Largest first.
    public let descending: Bool

    /// Reads `FIELD` or `-FIELD` (descending).
    public init(_ text: String, reverse: Bool = false) throws(FilterSyntaxError) {
        var name = Substring(text)
        var descending = reverse
        if name.hasPrefix("-") {
            descending.toggle()
            name = name.dropFirst()
        }
        let offset = text.count - name.count
        guard !name.isEmpty else { throw FilterSyntaxError(expression: text, column: offset + 1, message: "expected a field name to sort by", option: "--sort") }
        if let bad = name.firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) {
            throw FilterSyntaxError(expression: text, column: offset + name.distance(from: name.startIndex, to: bad) + 1,
                                    message: "'\(name[bad])' cannot be part of a field name", option: "--sort")
        }
        field = name.split(separator: ".").map(String.init)
        self.descending = descending
    }

    /// `items` in this order; `source` gives each item's fields.
    public func sorted<Item>(_ items: [Item], in configuration: Configuration, by source: (Item) -> some FieldSource) -> [Item] {
        let type = FieldOrdering.declaredType(of: field, in: configuration)
        let keys = items.map { source($0).filterTexts(field).first }
        let order = items.indices.sorted { left, right in
            switch (keys[left], keys[right]) {
            case (nil, nil): return left < right
            case (nil, _): return false
            case (_, nil): return true
            case (let a?, let b?):
                let c = FieldOrdering.compare(a, b, type: type) ?? FieldOrdering.compare(a, b, type: nil)!
                if c == 0 { return left < right }
                return descending ? c > 0 : c < 0
            }
        }
        return order.map { items[$0] }
    }
}
