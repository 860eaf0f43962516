import Foundation

/// Today's date where Lore runs, as the `YYYY-MM-DD` text every date field and `--today` use.
public enum LocalDate {
    /// The local date now (`2025-03-14`), in the Gregorian calendar whatever the locale.
    public static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
