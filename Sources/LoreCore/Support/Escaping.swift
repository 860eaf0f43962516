/// The one escaper of untrusted text (titles, messages, paths, owners) for every output Lore
/// writes, parameterised by where the text goes. Each context says which characters are markup and
/// what happens to control characters, so no format is left with a policy of its own.
public enum Escaping: Sendable, Hashable, CaseIterable {
    /// HTML text and double- or single-quoted attributes (the site, SVG charts).
    case html
    /// XML character data and attributes (the Atom feed, JUnit).
    case xml
    /// XML attribute values that keep their line breaks and tabs (JUnit messages): those become
    /// character references, which attribute normalisation leaves alone.
    case xmlAttribute
    /// The inside of a Graphviz dot double-quoted string: `\\` and `"` escaped, line breaks as spaces.
    case dotString
    /// A Mermaid node or edge label: quotes and markup characters as Mermaid's `#…;` entity codes,
    /// line breaks as spaces.
    case mermaidLabel
    /// A line of text output (file names, titles, values, messages quoting them): control
    /// characters are written as escapes — `\n`, `\r`, `\t`, `\xNN` for other C0 controls and
    /// DEL, `\u{NN}` for C1 controls and the line and paragraph separators — so ESC or BEL never
    /// reaches the terminal raw and a newline in a file name cannot start a line of its own (a
    /// forged `::warning` workflow command in CI). Nothing else changes.
    case terminal
    /// Markdown inline text: every character Markdown could read as markup is backslash-escaped
    /// and line breaks become spaces, so a title cannot become a link, HTML, a heading or emphasis.
    case markdown
    /// An iCalendar TEXT value (RFC 5545 §3.3.11): `\\`, `;` and `,` backslash-escaped, a line
    /// break as `\n` (CR LF counted once), other controls as U+FFFD.
    case icalendarText
    /// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a
    /// line break; other controls as U+FFFD. A field starting with `=`, `+`, `-` or `@` gets a
    /// leading `'` so a spreadsheet does not run it as a formula.
    case csvField

    /// `text` escaped for this context.
    ///
    /// Control characters: XML 1.0 cannot hold C0 controls other than tab, line feed and carriage
    /// return, nor U+FFFE and U+FFFF, and HTML treats them as parse errors; the markup contexts
    /// write U+FFFD REPLACEMENT CHARACTER for each, so the output parses and shows that something
    /// was there. Markdown writes them as U+FFFD too (a terminal or renderer must not see ESC).
    public func callAsFunction(_ text: String) -> String {
        if self == .terminal { return Self.terminalLine(text) }
        if self == .csvField { return Self.csvField(text) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingReturn = false
        for scalar in text.unicodeScalars {
            switch self {
            case .html:
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: Self.appendText(scalar, to: &out)
                }
            case .xml, .xmlAttribute:
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                case "\n", "\t", "\r":
                    if self == .xmlAttribute { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
                default: Self.appendText(scalar, to: &out)
                }
            case .dotString:
                switch scalar {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n", "\r", "\t": out += " "
                default: Self.appendText(scalar, to: &out)
                }
            case .mermaidLabel:
                switch scalar {
                case "\"": out += "#quot;"
                case "<": out += "#lt;"
                case ">": out += "#gt;"
                case "|": out += "#124;"
                case "\n", "\r", "\t": out += " "
                default: Self.appendText(scalar, to: &out)
                }
            case .icalendarText:
                switch scalar {
                case "\\": out += "\\\\"
                case ";": out += "\\;"
                case ",": out += "\\,"
                case "\n": if !out.hasSuffix("\\n") || !pendingReturn { out += "\\n" }
                case "\r": out += "\\n"
                case "\t": out += " "
                default: Self.appendText(scalar, to: &out)
                }
                pendingReturn = scalar == "\r"
            case .terminal, .csvField:
                out.unicodeScalars.append(scalar)   // handled by terminalLine and csvField
            case .markdown:
                switch scalar {
                case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "~", "&":
                    out += "\\"
                    out.unicodeScalars.append(scalar)
                case "\n", "\r": out += " "
                case "\t": out += " "
                default: Self.appendText(scalar, to: &out)
                }
            }
        }
        return out
    }

    /// The `csvField` context.
    private static func csvField(_ text: String) -> String {
        var clean = ""
        for scalar in text.unicodeScalars {
            if scalar == "\t" || scalar == "\n" || scalar == "\r" || !isForbidden(scalar) {
                clean.unicodeScalars.append(scalar)
            } else {
                clean.unicodeScalars.append("\u{FFFD}")
            }
        }
        if let first = clean.first, "=+-@".contains(first) { clean = "'" + clean }
        guard clean.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return clean }
        var quoted = "\""
        for character in clean { quoted += character == "\"" ? "\"\"" : String(character) }
        return quoted + "\""
    }

    /// The `terminal` context: text without control characters is returned as it is.
    private static func terminalLine(_ text: String) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += scalar.value < 0x80 ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{" + hex + "}"
            }
        }
        return out
    }

    /// Appends `text` escaped as `Escaping.html` does it, byte by byte into `out`: the same bytes
    /// as `Escaping.html(text)`, without building a string (the site's templates write pages this way).
    public static func appendHTML(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0, index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                var replacement: StaticString?
                var skip = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                case 0x7F: replacement = "\u{FFFD}"
                case 0x00..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D: replacement = "\u{FFFD}"
                case 0xEF where index + 2 < count && bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    replacement = "\u{FFFD}"
                    skip = 3
                default: break
                }
                guard let replacement else { index += 1; continue }
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                index += skip
                start = index
            }
            if start < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<count])) }
        }
    }

    /// Appends a character of text, replacing the characters no markup may hold.
    private static func appendText(_ scalar: Unicode.Scalar, to out: inout String) {
        if isForbidden(scalar) {
            out.unicodeScalars.append("\u{FFFD}")
        } else {
            out.unicodeScalars.append(scalar)
        }
    }

    /// C0 controls other than tab, line feed and carriage return, DEL, and the non-characters
    /// U+FFFE and U+FFFF.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return value != 0x09 && value != 0x0A && value != 0x0D }
        return value == 0x7F || value == 0xFFFE || value == 0xFFFF
    }
}
