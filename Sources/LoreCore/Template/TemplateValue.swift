/// A value a `Template` is rendered over: what a page builder (or `lore new`) gives its template,
/// typed, so rendering looks names up in a dictionary instead of reflecting over `Any`.
///
/// In a section, `false`, an empty list and a missing name are false; everything else (an empty
/// string and `0` too) is true. A list renders its section once per item; an object, string or
/// number renders it once with the value on top of the context stack.
public enum TemplateValue: Sendable, Hashable {
    /// Text; `{{name}}` writes it HTML-escaped, `{{{name}}}` and `{{&name}}` as it is.
    case string(String)
    /// A flag; as a variable it writes `true` or `false`.
    case bool(Bool)
    /// A whole number, written in decimal.
    case number(Int)
    /// A list: a section over it renders once per item.
    case list([TemplateValue])
    /// Named values.
    case object([String: TemplateValue])

    /// Text.
    public init(_ text: some StringProtocol) { self = .string(String(text)) }
    /// A number.
    public init(_ number: Int) { self = .number(number) }
    /// A flag.
    public init(_ flag: Bool) { self = .bool(flag) }
    /// A list.
    public init(_ list: [TemplateValue]) { self = .list(list) }
    /// An object.
    public init(_ object: [String: TemplateValue]) { self = .object(object) }

    /// Whether a section over the value renders (and an inverted section does not).
    public var isTruthy: Bool {
        switch self {
        case .bool(let flag): return flag
        case .list(let items): return !items.isEmpty
        case .string, .number, .object: return true
        }
    }

    /// The object's value for `key`, or `nil` (also for a value that is not an object).
    public subscript(key: String) -> TemplateValue? {
        guard case .object(let values) = self else { return nil }
        return values[key]
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
                         ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var values: [String: TemplateValue] = [:]
        for (key, value) in elements { values[key] = value }
        self = .object(values)
    }
}
