/// Trends over a corpus (`lore stats`): entries per month or quarter by kind, severity, service
/// and tag; time to resolve; how many due action items were done.
public struct MemoryStats: Sendable, Hashable, Codable {
    /// The length of a period.
    public enum Period: String, Sendable, CaseIterable, Codable {
        case month, quarter
    }

    /// Counts for one dimension: period → value → entries.
    public struct Breakdown: Sendable, Hashable, Codable {
        /// kind, severity, service or tag.
        public let dimension: String
        /// Every value seen, by total count (largest first), then by name.
        public let values: [String]
        /// Per period (sorted): value → count; values absent count 0.
        public let periods: [String: [String: Int]]
        /// Per value, over all periods.
        public let totals: [String: Int]
    }

    /// Summary of a duration in hours.
    public struct Durations: Sendable, Hashable, Codable {
        public let count: Int
        public let medianHours: Double?
        public let meanHours: Double?
        public let maxHours: Double?
    }

    /// Action items: how many were due by `today`, and how many of those are done.
    public struct ActionItemFigures: Sendable, Hashable, Codable {
        public let total: Int
        public let done: Int
        public let open: Int
        public let overdue: Int
        public let wontDo: Int
        /// Items due on or before today, not marked won't do.
        public let due: Int
        /// Of those, the ones marked done. Files do not say when an item was done, so a done item
        /// counts as done on time; history can refine this.
        public let dueDone: Int
        /// `dueDone / due`, rounded to 3 decimals; `nil` when nothing was due.
        public let onTimeShare: Double?
    }

    public let period: Period
    public let today: String
    /// Entries counted (those with a valid `date`).
    public let entries: Int
    /// Entries left out of the counts because their `date` is not a date.
    public let undated: Int
    public let breakdowns: [Breakdown]
    /// Repeated incidents (`recurring-incident`: a postmortem sharing a service with an earlier one
    /// whose action items are still open) per period and service, dimension `repeated service`;
    /// `nil` when nothing repeats.
    public let repeats: Breakdown?
    /// `resolved − started` of postmortems having both as date-times, overall and per severity.
    public let timeToResolve: Durations
    public let timeToResolveBySeverity: [String: Durations]
    /// First commit − `resolved`; present only with a history provider.
    public let timeToPublish: Durations?
    public let actionItems: ActionItemFigures

    /// The figures for the entries `query` selects.
    public init(corpus: Corpus, query: EntryQuery, period: Period, today: String, history: EntryHistoryProvider? = nil) {
        let entries = query.select(corpus.entries, in: corpus.configuration)
        self.period = period
        self.today = today
        var dated: [(period: String, entry: Entry)] = []
        for entry in entries {
            guard let date = entry.date, FieldType.isDate(date) else { continue }
            let month = Int(date.dropFirst(5).prefix(2))!
            let name = period == .month ? String(date.prefix(7)) : "\(date.prefix(4))-Q\((month - 1) / 3 + 1)"
            dated.append((name, entry))
        }
        self.entries = dated.count
        undated = entries.count - dated.count
        var severityOrder: [String] = []
        for kind in corpus.configuration.kinds {
            for severity in kind.severities where !severityOrder.contains(severity) { severityOrder.append(severity) }
        }
        func breakdown(_ dimension: String, order configured: [String] = [], _ values: (Entry) -> [String]) -> Breakdown {
            var periods: [String: [String: Int]] = [:]
            var totals: [String: Int] = [:]
            for (name, entry) in dated {
                for value in Set(values(entry)) {
                    periods[name, default: [:]][value, default: 0] += 1
                    totals[value, default: 0] += 1
                }
            }
            // A configured order (severities: SEV1 before SEV2) comes first; the rest by frequency.
            let known = configured.filter { totals[$0] != nil }
            let rest = totals.keys.filter { !known.contains($0) }.sorted { (totals[$0] ?? 0, $1) > (totals[$1] ?? 0, $0) }
            return Breakdown(dimension: dimension, values: known + rest, periods: periods, totals: totals)
        }
        breakdowns = [
            breakdown("kind") { [$0.kind] },
            breakdown("severity", order: severityOrder) { $0.frontMatter.text("severity").map { [$0] } ?? [] },
            breakdown("service") { $0.frontMatter.list("services") },
            breakdown("tag") { $0.tags },
        ]
        // Repeats: each later postmortem once per service it shares with an earlier open one.
        let periodOf = Dictionary(dated.map { ($0.entry.path, $0.period) }, uniquingKeysWith: { first, _ in first })
        // Each repeating postmortem's shared services (not its pairs: thousands of postmortems
        // sharing a service would make millions).
        let repeating = Recurrence.repeats(dated.map { EntrySummary($0.entry, configuration: corpus.configuration) },
                                           configuration: corpus.configuration, keep: 0)
        var repeated: [String: [String: Int]] = [:]
        var repeatTotals: [String: Int] = [:]
        for repeat_ in repeating {
            guard let name = periodOf[repeat_.entry.path] else { continue }
            for service in repeat_.services {
                repeated[name, default: [:]][service, default: 0] += 1
                repeatTotals[service, default: 0] += 1
            }
        }
        repeats = repeatTotals.isEmpty ? nil : Breakdown(
            dimension: "repeated service",
            values: repeatTotals.keys.sorted { (repeatTotals[$0] ?? 0, $1) > (repeatTotals[$1] ?? 0, $0) },
            periods: repeated, totals: repeatTotals)
        var resolve: [Double] = []
        var resolveBySeverity: [String: [Double]] = [:]
        var publish: [Double] = []
        for entry in entries {
            guard let resolved = entry.frontMatter.text("resolved"), FieldType.isDateTime(resolved),
                  let end = FieldOrdering.instant(resolved) else { continue }
            if let started = entry.frontMatter.text("started"), FieldType.isDateTime(started),
               let start = FieldOrdering.instant(started) {
                let hours = (end - start) / 3600
                resolve.append(hours)
                resolveBySeverity[entry.frontMatter.text("severity") ?? "(none)", default: []].append(hours)
            }
            if let history, let first = history.firstCommitDate(of: entry.path.description), let commit = FieldOrdering.instant(first) {
                publish.append((commit - end) / 3600)
            }
        }
        timeToResolve = Self.summary(resolve)
        timeToResolveBySeverity = resolveBySeverity.mapValues(Self.summary)
        timeToPublish = history == nil ? nil : Self.summary(publish)
        var figures = (total: 0, done: 0, open: 0, overdue: 0, wontDo: 0, due: 0, dueDone: 0)
        for entry in entries {
            for item in ActionItems.items(of: entry) {
                figures.total += 1
                let isDue = item.due.map { FieldType.isDate($0) && $0 <= today } ?? false
                switch item.status {
                case "done":
                    figures.done += 1
                    if isDue { figures.due += 1; figures.dueDone += 1 }
                case "wont-do":
                    figures.wontDo += 1
                default:
                    if item.due.map({ FieldType.isDate($0) && $0 < today }) ?? false { figures.overdue += 1 } else { figures.open += 1 }
                    if isDue { figures.due += 1 }
                }
            }
        }
        actionItems = ActionItemFigures(total: figures.total, done: figures.done, open: figures.open, overdue: figures.overdue,
                                        wontDo: figures.wontDo, due: figures.due, dueDone: figures.dueDone,
                                        onTimeShare: figures.due == 0 ? nil : Self.round(Double(figures.dueDone) / Double(figures.due)))
    }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    private static func summary(_ hours: [Double]) -> Durations {
        guard !hours.isEmpty else { return Durations(count: 0, medianHours: nil, meanHours: nil, maxHours: nil) }
        let sorted = hours.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return Durations(count: hours.count, medianHours: round(median), meanHours: round(hours.reduce(0, +) / Double(hours.count)),
                         maxHours: round(sorted.last!))
    }
}
