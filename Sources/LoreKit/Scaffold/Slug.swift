import Foundation

/// File-name slugs made from titles: lowercase ASCII letters, digits and single dashes.
///
/// A slug never holds `/`, `..`, control characters or a leading dot, whatever the title, so a
/// path made from it cannot leave the kind's folder.
public enum Slug {
    /// The longest slug, in characters.
    public static let maxLength = 60

    /// The slug of `title`: transliterated to ASCII (`Café` → `cafe`), lowercased, every run of
    /// other characters made one `-`, trimmed of dashes, cut at a word boundary within
    /// `maxLength`; `untitled` when nothing is left.
    public static func make(_ title: String, maxLength: Int = Slug.maxLength) -> String {
        let latin = title.applyingTransform(.toLatin, reverse: false) ?? title
        let ascii = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        var out: [UInt8] = []
        var pendingDash = false
        for byte in ascii.utf8 {
            let lower = byte >= 65 && byte <= 90 ? byte + 32 : byte
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) {
                if pendingDash && !out.isEmpty { out.append(45) }
                pendingDash = false
                out.append(lower)
            } else {
                pendingDash = true
            }
        }
        if out.count > maxLength {
            out = Array(out[..<maxLength])
            if let dash = out.lastIndex(of: 45), dash >= maxLength / 2 { out = Array(out[..<dash]) }
            while out.last == 45 { out.removeLast() }
        }
        return out.isEmpty ? "untitled" : String(decoding: out, as: UTF8.self)
    }
}
