import Foundation

/// The type of a front-matter field: how its text is read.
public indirect enum FieldType: Sendable, Hashable, CustomStringConvertible {
    /// One line of text.
    case string
    /// Text of any length, several lines allowed.
    case text
    /// `YYYY-MM-DD`, bare or quoted.
    case date
    /// RFC 3339 date-time with offset: `2025-03-14T09:12:00Z`, `2025-03-14T09:12:00+01:00`.
    case datetime
    /// `true`/`false` (also `yes`/`no`, `on`/`off`, any case).
    case bool
    /// A whole number.
    case int
    /// An absolute URL with a scheme.
    case url
    /// An e-mail address.
    case email
    /// One of a fixed set of values.
    case enumeration([String])
    /// A list of strings.
    case list
    /// A list of entry ids (links to other entries).
    case ids
    /// A list of path globs relative to the repository root.
    case globs
    /// A list of commit ids, 7 to 40 hexadecimal digits.
    case commits
    /// A list of objects, each with the given fields.
    case objects([FieldSpec])

    /// The type names a configuration may declare.
    public static let declarableNames = ["string", "text", "date", "datetime", "bool", "int", "url", "email",
                                         "enum", "list", "ids", "globs", "objects"]

    public var description: String {
        switch self {
        case .string: return "string"
        case .text: return "text"
        case .date: return "date"
        case .datetime: return "datetime"
        case .bool: return "bool"
        case .int: return "int"
        case .url: return "url"
        case .email: return "email"
        case .enumeration: return "enum"
        case .list: return "list"
        case .ids: return "ids"
        case .globs: return "globs"
        case .commits: return "commits"
        case .objects: return "objects"
        }
    }

    /// The field's value is a list.
    public var isList: Bool {
        switch self {
        case .list, .ids, .globs, .commits, .objects: return true
        default: return false
        }
    }
}

/// A declared field: its name, type and whether it must be present.
public struct FieldSpec: Sendable, Hashable {
    /// The key in front-matter.
    public var name: String
    /// How the value is read.
    public var type: FieldType
    /// The field must be present (and not null).
    public var required: Bool
    /// Where the value comes from when the front-matter does not hold it, tried in order
    /// (`from:` in the configuration): the file name, the first heading, a section, a body line,
    /// git history.
    public var sources: [ValueSource] = []
    /// Other front-matter keys that mean this field (`aliases: [start_time]`).
    public var aliases: [String] = []
    /// How a date is written when it is not `YYYY-MM-DD` (`format: DD/MM/YYYY`).
    public var format: String?
    /// Values as the records write them, mapped to the kind's (`map: { approved: accepted }`).
    public var valueMap: [String: String] = [:]
    /// The value when no source holds one (`default:`).
    public var defaultValue: String?

    /// A field declaration.
    public init(_ name: String, _ type: FieldType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// A front-matter value read by its declared type.
public indirect enum TypedValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case list([String])
    case objects([[String: TypedValue]])
}

/// A value that does not fit its declared type.
public struct FieldProblem: Error, Sendable, Hashable {
    /// Where the offending value is.
    public let position: SourcePosition
    /// What is wrong, short and lowercase.
    public let message: String

    /// A problem at a position.
    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }
}

extension FieldType {
    /// Reads `value` as this type: the text as written, checked. `NO` is the string "NO" unless the
    /// type is `bool`; `1.10` stays "1.10"; a date may be bare or quoted.
    public func interpret(_ value: YAMLValue, field: String) throws(FieldProblem) -> TypedValue {
        func fail(_ position: SourcePosition, _ message: String) -> FieldProblem {
            FieldProblem(position: position, message: message)
        }
        switch self {
        case .list, .ids, .globs, .commits:
            let items: [YAMLValue]
            switch value {
            case .sequence(let values, _): items = values
            case .scalar(let scalar) where scalar.isNull: items = []
            case .scalar: items = [value]
            case .mapping(_, let position):
                throw fail(position, "'\(field)' must be a list, not a mapping")
            }
            var texts: [String] = []
            for item in items {
                guard let scalar = item.scalar else {
                    throw fail(item.position, "items of '\(field)' must be single values, not \(item.shapeName)")
                }
                let text = scalar.text.trimmingBlanks
                if text.isEmpty || scalar.isNull { throw fail(item.position, "empty item in '\(field)'") }
                if self == .commits && !Self.isCommitID(text) {
                    throw fail(item.position, "'\(text)' in '\(field)' is not a commit id (7 to 40 hexadecimal digits)")
                }
                texts.append(text)
            }
            return .list(texts)
        case .objects(let specs):
            guard case .sequence(let items, _) = value else {
                if value.isNull { return .objects([]) }
                throw fail(value.position, "'\(field)' must be a list of objects, not \(value.shapeName)")
            }
            var objects: [[String: TypedValue]] = []
            for item in items {
                guard case .mapping(let pairs, let position) = item else {
                    throw fail(item.position, "items of '\(field)' must be objects with fields, not \(item.shapeName)")
                }
                var object: [String: TypedValue] = [:]
                for spec in specs {
                    guard let pair = pairs.first(where: { $0.key.text == spec.name }), !pair.value.isNull else {
                        if spec.required { throw fail(position, "an item of '\(field)' is missing '\(spec.name)'") }
                        continue
                    }
                    object[spec.name] = try spec.type.interpret(pair.value, field: "\(field).\(spec.name)")
                }
                for pair in pairs where !specs.contains(where: { $0.name == pair.key.text }) {
                    object[pair.key.text] = .string(pair.value.scalar?.text ?? "")
                }
                objects.append(object)
            }
            return .objects(objects)
        default:
            guard let scalar = value.scalar else {
                throw fail(value.position, "'\(field)' must be a single value, not \(value.shapeName)")
            }
            let text = scalar.text
            switch self {
            case .string:
                if text.utf8.contains(10) { throw fail(scalar.position, "'\(field)' must be one line") }
                return .string(text)
            case .text:
                return .string(text)
            case .date:
                guard Self.isDate(text) else { throw fail(scalar.position, "'\(field)' must be a date YYYY-MM-DD, not '\(text)'") }
                return .string(text)
            case .datetime:
                guard Self.isDateTime(text) else {
                    throw fail(scalar.position, "'\(field)' must be an RFC 3339 date-time with offset (2025-03-14T09:12:00Z), not '\(text)'")
                }
                return .string(text)
            case .bool:
                switch text.lowercased() {
                case "true", "yes", "on": return .bool(true)
                case "false", "no", "off": return .bool(false)
                default: throw fail(scalar.position, "'\(field)' must be true or false, not '\(text)'")
                }
            case .int:
                guard let number = Int(text) else { throw fail(scalar.position, "'\(field)' must be a whole number, not '\(text)'") }
                return .int(number)
            case .url:
                guard Self.isURL(text) else { throw fail(scalar.position, "'\(field)' must be an absolute URL, not '\(text)'") }
                return .string(text)
            case .email:
                guard Self.isEmail(text) else { throw fail(scalar.position, "'\(field)' must be an e-mail address, not '\(text)'") }
                return .string(text)
            case .enumeration(let values):
                guard values.contains(text) else {
                    throw fail(scalar.position, "'\(field)' must be one of \(values.joined(separator: ", ")), not '\(text)'")
                }
                return .string(text)
            default:
                return .string(text)
            }
        }
    }

    /// The text is a valid value of this type (single-value types only).
    public func accepts(_ text: String) -> Bool {
        (try? interpret(.scalar(YAMLScalar(text: text, style: .plain, position: SourcePosition(line: 1, column: 1))), field: "value")) != nil
    }

    package static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return false }
        guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    package static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, isDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return false }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == 32 else { return false }
        guard let hour = number(bytes[11..<13]), bytes[13] == 58, let minute = number(bytes[14..<16]), bytes[16] == 58,
              let second = number(bytes[17..<19]), hour < 24, minute < 60, second <= 60 else { return false }
        var index = 19
        if index < bytes.count && bytes[index] == 46 {
            index += 1
            let start = index
            while index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { return index + 1 == bytes.count }
        guard bytes[index] == 43 || bytes[index] == 45, bytes.count == index + 6, bytes[index + 3] == 58,
              let offsetHour = number(bytes[(index + 1)..<(index + 3)]), let offsetMinute = number(bytes[(index + 4)..<(index + 6)]),
              offsetHour < 24, offsetMinute < 60 else { return false }
        return true
    }

    package static func isCommitID(_ text: String) -> Bool {
        (7...40).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }

    static func isURL(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.unicodeScalars.first, CharacterSet.letters.contains(first),
              scheme.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "+.-".unicodeScalars.contains($0) }) else { return false }
        let rest = text[text.index(after: colon)...]
        return !rest.isEmpty && !text.contains(where: { $0.isWhitespace })
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains(where: { $0.isWhitespace })
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
