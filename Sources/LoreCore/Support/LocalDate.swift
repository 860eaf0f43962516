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

extension LocalDate {
    /// `date` (`YYYY-MM-DD`) plus `days` days, in the proleptic Gregorian calendar; `nil` when
    /// `date` is not a valid date.
    public static func adding(days: Int, to date: String) -> String? {
        let parts = date.split(separator: "-")
        guard date.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant's algorithm), shifted, then back.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let z = era * 146_097 + doe - 719_468 + days + 719_468
        let era2 = (z >= 0 ? z : z - 146_096) / 146_097
        let doe2 = z - era2 * 146_097
        let yoe2 = (doe2 - doe2 / 1460 + doe2 / 36_524 - doe2 / 146_096) / 365
        let doy2 = doe2 - (365 * yoe2 + yoe2 / 4 - yoe2 / 100)
        let mp = (5 * doy2 + 2) / 153
        let d = doy2 - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let yy = yoe2 + era2 * 400 + (m <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(yy, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
