import Foundation

/// What a published site needs beyond `Escaping`: URLs allowed in an `href`, JSON inside a
/// `<script>` element, and file names made from values. Mustache's `{{v}}` escapes HTML text
/// and quoted attributes.
public enum SiteEscaping {
    /// `url` when it is safe in an `href`: `http:`, `https:`, `mailto:` or relative (no scheme);
    /// `nil` for every other scheme (`javascript:`, `data:`, `vbscript:`, `file:` …) and for text
    /// with control characters. Browsers ignore tabs and newlines inside a scheme and compare it
    /// case-insensitively, so both are checked the way a browser reads them.
    public static func safeURL(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return nil }
        // A scheme is everything before the first ':' if no '/', '?' or '#' comes first.
        var scheme = ""
        for character in trimmed.unicodeScalars {
            if character == ":" {
                let lower = scheme.lowercased()
                return ["http", "https", "mailto"].contains(lower) ? trimmed : nil
            }
            if character == "/" || character == "?" || character == "#" { break }
            scheme.unicodeScalars.append(character)
        }
        return trimmed
    }

    /// JSON text made safe inside an HTML `<script>` element: `<`, `>`, `&` and the line
    /// separators U+2028 and U+2029 become `\u` escapes, so no `</script>` or `<!--` can appear.
    public static func scriptJSON(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for character in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch character {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A file name made of `[a-z0-9_-]` for a value (a tag, a service, an id): letters are
    /// lower-cased, runs of anything else become one `-`; empty results become `_`.
    public static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for character in text.unicodeScalars {
            let value = character.value
            let isSafe = (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || character == "_"
            if isSafe {
                out.unicodeScalars.append(Unicode.Scalar(value >= 0x41 && value <= 0x5A ? value + 32 : value)!)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        if out.count > 80 { out = String(out.prefix(80)) }
        return out.isEmpty ? "_" : out
    }
}

/// Gives each key a distinct file name: the slug of its text, or the slug with `-2`, `-3` … when
/// an earlier key (in the order asked) had the same slug. Ask in a stable order for stable names.
struct SlugAllocator {
    private var byKey: [String: String] = [:]
    private var taken: Set<String> = []

    /// The name of `key`, made from `text` (the key itself by default) the first time it is asked.
    mutating func name(for key: String, from text: String? = nil) -> String {
        if let known = byKey[key] { return known }
        let base = SiteEscaping.slug(text ?? key)
        var candidate = base
        var counter = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(counter)"
            counter += 1
        }
        taken.insert(candidate)
        byKey[key] = candidate
        return candidate
    }
}
