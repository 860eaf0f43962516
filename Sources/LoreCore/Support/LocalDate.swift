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

    /// The UTC date that `SOURCE_DATE_EPOCH` names (the reproducible-builds convention: seconds
    /// since 1970), `nil` when it is unset or empty; `.failure` with a message when it is not a
    /// whole number of seconds.
    public static func sourceDateEpoch(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, SourceDateEpochError>? {
        guard let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty else { return nil }
        guard let seconds = Int64(text), seconds >= 0, seconds < 253_402_300_800 else {
            return .failure(SourceDateEpochError(value: text))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return .success(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}

/// `SOURCE_DATE_EPOCH` that is not a number of seconds since 1970.
public struct SourceDateEpochError: Error, Sendable, CustomStringConvertible {
    /// The value found.
    public let value: String
    public var description: String { "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '\(value)'" }
}
