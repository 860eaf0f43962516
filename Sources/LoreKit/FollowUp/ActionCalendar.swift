/// `lore actions --format ics` and `--format csv`: the open action items with a due date and the
/// reviews of a report, as an iCalendar file (RFC 5545) or a CSV table (RFC 4180).
public enum ActionCalendar {
    /// One thing to do on a day: an action item or a review.
    public struct Event: Sendable, Hashable {
        /// Stable across runs and edits elsewhere in the file: the entry and the item's title (or
        /// `review`), never its line.
        public let uid: String
        /// `YYYY-MM-DD`.
        public let date: String
        /// `action` or `review`.
        public let type: String
        /// `PM-0001: Add an alert`.
        public let summary: String
        /// Entry, owner, state and file.
        public let entry: String, owner: String?, state: String, path: String
    }

    /// The events of `report`: items not done with a due date, then every review, by date, then
    /// uid.
    public static func events(_ report: ActionItemReport) -> [Event] {
        var events: [Event] = []
        var seen = Set<String>()
        for group in report.groups {
            for item in group.items where item.state == .open || item.state == .overdue {
                guard let due = item.due, FieldType.isDate(due) else { continue }
                let uid = "action-\(item.entry)-\(hex(FNV1a.hash(Array(item.title.utf8))))-\(item.line)@lore"
                let stableUID = "action-\(item.entry)-\(hex(FNV1a.hash(Array(item.title.utf8))))@lore"
                // Two items of one entry with the same title keep apart by line.
                let chosen = seen.contains(stableUID) ? uid : stableUID
                guard seen.insert(chosen).inserted else { continue }
                events.append(Event(uid: chosen, date: due, type: "action", summary: "\(item.entry): \(item.title)", entry: item.entry,
                                    owner: item.owner, state: item.state.rawValue, path: item.path))
            }
        }
        for review in report.reviews ?? [] {
            let uid = "review-\(review.entry)@lore"
            guard seen.insert(uid).inserted else { continue }
            events.append(Event(uid: uid, date: review.due, type: "review", summary: "Review \(review.entry): \(review.title ?? review.path)",
                                entry: review.entry, owner: review.owner, state: review.state.rawValue, path: review.path))
        }
        return events.sorted { ($0.date, $0.uid) < ($1.date, $1.uid) }
    }

    /// The events as an iCalendar file: all-day events, DTSTAMP at `today` 00:00 UTC (so equal
    /// reports give equal bytes), CRLF line endings, lines folded at 75 octets.
    public static func ics(_ report: ActionItemReport, name: String = "Lore follow-ups") -> String {
        let stamp = report.today.replacingDashes() + "T000000Z"
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lore//lore actions//EN", "CALSCALE:GREGORIAN",
                     "X-WR-CALNAME:" + Escaping.icalendarText(name)]
        for event in events(report) {
            let next = LocalDate.adding(days: 1, to: event.date) ?? event.date
            var description = "Entry: \(event.entry)\nState: \(event.state)\nFile: \(event.path)"
            if let owner = event.owner { description = "Owner: \(owner)\n" + description }
            lines += ["BEGIN:VEVENT", "UID:" + Escaping.icalendarText(event.uid), "DTSTAMP:" + stamp,
                      "DTSTART;VALUE=DATE:" + event.date.replacingDashes(), "DTEND;VALUE=DATE:" + next.replacingDashes(),
                      "SUMMARY:" + Escaping.icalendarText(event.summary), "DESCRIPTION:" + Escaping.icalendarText(description),
                      "CATEGORIES:" + event.type, "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The events as CSV: a header, then one row per event, CRLF line endings.
    public static func csv(_ report: ActionItemReport) -> String {
        let header = "type,date,state,entry,owner,title,path,uid"
        let rows = events(report).map { event in
            [event.type, event.date, event.state, event.entry, event.owner ?? "", event.summary, event.path, event.uid]
                .map { Escaping.csvField($0) }.joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\r\n") + "\r\n"
    }

    /// A content line folded so no physical line is longer than 75 octets, never inside a
    /// character: the rest goes on lines starting with one space.
    static func fold(_ line: String) -> String {
        var out = ""
        var length = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if length + size > 75 {
                out += "\r\n "
                length = 1
            }
            out.unicodeScalars.append(scalar)
            length += size
        }
        return out
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension String {
    fileprivate func replacingDashes() -> String { filter { $0 != "-" } }
}
