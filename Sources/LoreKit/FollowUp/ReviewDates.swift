/// When an entry is due for review: its `review_by`, or its kind's `review_every_days` after its
/// `reviewed` date (else its `date`). Setting `reviewed: DATE` on or after the due date clears it.
public enum ReviewDates {
    /// Statuses whose entries are no longer in force, so never due for review.
    public static let retiredStatuses: Set<String> = ["superseded", "rejected", "deprecated", "archived"]

    /// The day the entry is due for review, `nil` when it never is (no `review_by`, no review
    /// period for its kind, or a retired status).
    public static func due(_ facts: EntrySummary.LoopFacts, kind: Kind?) -> String? {
        if let status = facts.status, retiredStatuses.contains(status) { return nil }
        let period = kind?.reviewEveryDays
        let reviewed = facts.reviewed.flatMap { FieldType.isDate($0) ? $0 : nil }
        let reviewBy = facts.reviewBy.flatMap { FieldType.isDate($0) ? $0 : nil }
        if let reviewed {
            if let reviewBy, reviewed < reviewBy { return reviewBy }
            return period.flatMap { LocalDate.adding(days: $0, to: reviewed) }
        }
        if let reviewBy { return reviewBy }
        guard let period, let date = facts.date, FieldType.isDate(date) else { return nil }
        return LocalDate.adding(days: period, to: date)
    }
}
