/// When an entry is due for review: its `review_by`, or its kind's `review_every_days` after its
/// `reviewed` date (else its `date`). Setting `reviewed: DATE` on or after the due date clears it,
/// and so does a commit changing the entry on or after it (`changed`, the day of the last commit
/// that changed the entry's file, when history is at hand): the period starts again from there.
public enum ReviewDates {
    /// Statuses whose entries are no longer in force, so never due for review.
    public static let retiredStatuses: Set<String> = ["superseded", "rejected", "deprecated", "archived"]

    /// The day the entry is due for review, `nil` when it never is (no `review_by`, no review
    /// period for its kind, or a retired status).
    public static func due(_ facts: EntrySummary.LoopFacts, kind: Kind?, changed: String? = nil) -> String? {
        if let status = facts.status, retiredStatuses.contains(status) { return nil }
        let period = kind?.reviewEveryDays
        let written = facts.reviewed.flatMap { FieldType.isDate($0) ? $0 : nil }
        let commit = changed.flatMap { FieldType.isDate($0) ? $0 : nil }
        // The later of `reviewed` and the last change counts as the last review.
        let reviewed = [written, commit].compactMap { $0 }.max()
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
