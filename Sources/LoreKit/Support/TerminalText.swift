/// Text from a repository (file names, titles, field values, messages quoting them) made safe for
/// a line of text output: control characters are written as escapes, so an ESC or BEL never
/// reaches the terminal raw and a newline in a file name cannot start a line of its own (such as
/// a forged `::warning` workflow command in CI). JSON, SARIF, JUnit and the GitHub format escape
/// in their own syntax; this is the text formats' escaper.
public enum TerminalText {
    /// `\n`, `\r`, `\t` for those; `\xNN` for other C0 controls and DEL; `\u{NN}` for C1
    /// controls and the Unicode line and paragraph separators. Text without any is returned as is.
    public static func escape(_ text: String) -> String {
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

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
