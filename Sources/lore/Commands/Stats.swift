import ArgumentParser
import Foundation
import LoreKit

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Trends: entries per month or quarter by kind, severity, service and tag.",
        discussion: """
        Counts entries by the period of their date field, per kind, severity,
        service and tag (an entry counts once for each of its services and
        tags); time to resolve (resolved − started, for postmortems with
        both date-times: count, median, mean, max in hours, overall and per
        severity); time to publish (the postmortem's first commit − resolved,
        from git history; partial in a shallow clone); and action items: how
        many are open, overdue, done, and what share of the items due by
        --today are done. Repeated incidents are counted per service and
        period: a postmortem sharing a service with an earlier one whose
        action items are still open (the `recurring-incident` rule).

        The text tables show the 8 most frequent values of each dimension
        and the rest as "other"; --format json has every value.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    enum Period: String, ExpressibleByArgument, CaseIterable {
        case month, quarter
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @OptionGroup var filter: EntryFilterOptions

    @Option(help: "Count per month or per quarter.")
    var per: Period = .quarter

    @OptionGroup var today: TodayOption

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        let (_, corpus, history) = try snapshot.corpusAndHistory(org: org)
        if history.isPartial { Console.err("note: \(RepositoryHistory.shallowNote)\n") }
        let query = try filter.query(for: corpus.configuration)
        let stats = MemoryStats(corpus: corpus, query: query, period: per == .month ? .month : .quarter,
                                today: today.date, history: history)
        switch format {
        case .json:
            Console.out(stableJSON(stats))
        case .text:
            Console.out(text(stats))
        }
    }

    private func text(_ stats: MemoryStats) -> String {
        var out = "\(stats.entries) entries"
        if stats.undated > 0 { out += " (\(stats.undated) more without a valid date)" }
        out += "\n"
        for breakdown in stats.breakdowns + (stats.repeats.map { [$0] } ?? []) where !breakdown.values.isEmpty {
            let shown = Array(breakdown.values.prefix(8))
            let other = breakdown.values.count > shown.count
            out += "\nBY \(breakdown.dimension.uppercased()) PER \(stats.period.rawValue.uppercased())\n"
            let header = [stats.period.rawValue.uppercased()] + shown + (other ? ["other"] : [])
            var rows: [[String]] = []
            for period in breakdown.periods.keys.sorted() {
                let counts = breakdown.periods[period]!
                var row = [period] + shown.map { String(counts[$0] ?? 0) }
                if other { row.append(String(counts.filter { !shown.contains($0.key) }.values.reduce(0, +))) }
                rows.append(row)
            }
            var total = ["total"] + shown.map { String(breakdown.totals[$0] ?? 0) }
            if other { total.append(String(breakdown.totals.filter { !shown.contains($0.key) }.values.reduce(0, +))) }
            rows.append(total)
            out += TextTable.render(header: header, rows: rows)
        }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        out += "\nTIME TO RESOLVE (hours, resolved - started)\n"
        var rows = [["all", String(stats.timeToResolve.count), hours(stats.timeToResolve.medianHours),
                     hours(stats.timeToResolve.meanHours), hours(stats.timeToResolve.maxHours)]]
        for severity in stats.timeToResolveBySeverity.keys.sorted() {
            let d = stats.timeToResolveBySeverity[severity]!
            rows.append([severity, String(d.count), hours(d.medianHours), hours(d.meanHours), hours(d.maxHours)])
        }
        out += TextTable.render(header: ["SEVERITY", "COUNT", "MEDIAN", "MEAN", "MAX"], rows: rows)
        if let publish = stats.timeToPublish {
            out += "\nTIME TO PUBLISH (hours, first commit of the postmortem - resolved)\n"
            out += TextTable.render(header: ["COUNT", "MEDIAN", "MEAN", "MAX"],
                                    rows: [[String(publish.count), hours(publish.medianHours), hours(publish.meanHours), hours(publish.maxHours)]])
        }
        let items = stats.actionItems
        out += "\nACTION ITEMS (today \(stats.today))\n"
        out += "\(items.total) total: \(items.open) open, \(items.overdue) overdue, \(items.done) done, \(items.wontDo) won't do\n"
        if let share = items.onTimeShare {
            out += "due by today: \(items.due), done: \(items.dueDone) (\(String(format: "%.1f", share * 100))%)\n"
        } else {
            out += "due by today: 0\n"
        }
        return out
    }
}
