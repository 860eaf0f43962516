/// Writes values as YAML text that `YAMLReader` reads back as exactly the same text.
///
/// Lore never re-serialises a user's YAML (that would drop comments and change quoting); this is
/// only for values Lore inserts: front-matter written by `lore new`, an id added to a list.
public enum YAMLEmitter {
    /// `text` as one YAML scalar on one line, valid in block and flow context (`key: …`, `[…, …]`).
    ///
    /// Plain when that is unambiguous for every YAML reader (`PM-0042`, `Database failover`,
    /// `2025-03-14`), else double-quoted with escapes: quotes, `: `, `#`, line breaks, control
    /// characters, leading or trailing blanks, and words other readers would retype (`NO`, `null`,
    /// `~`, `1.10`) are all kept exactly.
    public static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    /// A flow sequence of scalars: `[a, "b: c"]`; `[]` when empty.
    public static func flowSequence(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    /// `text` in double quotes, every character that could be misread escaped.
    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x22: out += "\\\""
            case 0x00: out += "\\0"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            case 0x85: out += "\\N"
            case 0x2028: out += "\\L"
            case 0x2029: out += "\\P"
            case 0x01...0x1F, 0x7F...0x9F: out += "\\x" + hex(scalar.value, width: 2)
            case 0xFEFF, 0xFFFE, 0xFFFF: out += "\\u" + hex(scalar.value, width: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Words YAML 1.1 readers (PyYAML, Ruby, Go's yaml.v2, Hugo) turn into booleans or null.
    private static let retypedWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ]

    /// Plain style is kept to a conservative alphabet: letters and digits, `-`, `_`, `.`, `/`,
    /// `@`, `+`, and single inner spaces; starting with a letter or digit; not a word or number
    /// other readers would retype (a date `YYYY-MM-DD` stays plain: it is one by intent).
    static func isPlainSafe(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
        }
        guard isAlphanumeric(first), last != 32 else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let allowed = isAlphanumeric(byte) || byte == 45 || byte == 95 || byte == 46 || byte == 47 || byte == 64
                || byte == 43 || (byte == 32 && previous != 32)
            guard allowed else { return false }
            previous = byte
        }
        if retypedWords.contains(text.lowercased()) { return false }
        if FieldType.isDate(text) { return true }
        // Numbers in any form a reader might take: 12, 1.10, 1e3, 0x1F, 1_000, .5, 1:20 (no ':' here).
        let numeric = bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }
        if numeric && bytes.contains(where: { $0 >= 48 && $0 <= 57 }) { return false }
        if bytes.count > 2, bytes[0] == 48, bytes[1] == 120 || bytes[1] == 111 || bytes[1] == 98 { return false }   // 0x…, 0o…, 0b…
        let lowered = text.lowercased()
        if lowered == ".inf" || lowered == ".nan" { return false }
        return true
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
