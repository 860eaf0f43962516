import Git

/// Postmortems that repeat earlier ones: sharing a service or an `affects` path with an earlier
/// postmortem (by `date`, then path) that still has open action items.
public enum Recurrence {
    /// A postmortem repeating an earlier one.
    public struct Match: Sendable, Hashable {
        /// The later postmortem and the earlier one it repeats.
        public let entry: EntrySummary, earlier: EntrySummary
        /// What they share: `service payments`, `affects src/db/**`.
        public let shared: [String]
        /// Where to report it: the later postmortem's id.
        public let position: SourcePosition
    }

    /// Whether a summary is a postmortem: of the kind `postmortem`, or of a kind with severities.
    public static func isIncident(_ summary: EntrySummary, configuration: Configuration) -> Bool {
        summary.kind == "postmortem" || !(configuration.kind(named: summary.kind)?.severities.isEmpty ?? true)
    }

    /// What two postmortems share: services (compared without case) and overlapping `affects`.
    public static func shared(_ a: EntrySummary, _ b: EntrySummary) -> [String] {
        shared(a.loop.services, Glob.Prefixed(a.affects.map(\.text)), Set(b.loop.services.map { $0.lowercased() }),
               Glob.Prefixed(b.affects.map(\.text)))
    }

    /// What `services`/`affects` share with another postmortem's (its services lower-cased).
    private static func shared(_ services: [String], _ affects: Glob.Prefixed, _ otherServices: Set<String>,
                               _ otherAffects: Glob.Prefixed) -> [String] {
        var found = services.filter { otherServices.contains($0.lowercased()) }.map { "service \($0)" }
        if !affects.isEmpty, !otherAffects.isEmpty {
            found += Glob.overlapping(affects, otherAffects).map { "affects \($0)" }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// Every postmortem sharing a service or path with an earlier one that has open items, in
    /// path order, each earlier postmortem once; with `involving`, only the pairs of which one
    /// postmortem is at one of those paths (what a change to them can alter).
    public static func matches(_ entries: [EntrySummary], configuration: Configuration,
                               involving: Set<GitPath>? = nil) -> [Match] {
        let incidents = entries.filter { isIncident($0, configuration: configuration) }
        let open = incidents.filter { !$0.loop.openItems.isEmpty }
        guard !open.isEmpty else { return [] }
        // What each open postmortem offers, worked out once (not once per pair).
        let openServices = open.map { Set($0.loop.services.map { $0.lowercased() }) }
        let openAffects = open.map { Glob.Prefixed($0.affects.map(\.text)) }
        let openDates = open.map { $0.loop.date ?? "" }
        // Candidates by service and by `affects`' first folder, so a large corpus is not compared
        // pair by pair.
        var byKey: [String: [Int]] = [:]
        for (index, earlier) in open.enumerated() {
            for key in Set(keys(earlier)) { byKey[key, default: []].append(index) }
        }
        var matches: [Match] = []
        for entry in incidents {
            let entryInvolved = involving.map { $0.contains(entry.path) } ?? true
            var candidates = Set<Int>()
            for key in Set(keys(entry)) { candidates.formUnion(byKey[key] ?? []) }
            guard !candidates.isEmpty else { continue }
            let date = entry.loop.date ?? ""
            let affects = Glob.Prefixed(entry.affects.map(\.text))
            for index in candidates.sorted() {
                // `open[index]` happened before `entry` (see `isBefore`), cheaply first.
                guard openDates[index] < date || (openDates[index] == date && open[index].path < entry.path) else { continue }
                guard entryInvolved || involving?.contains(open[index].path) == true else { continue }
                let shared = shared(entry.loop.services, affects, openServices[index], openAffects[index])
                guard !shared.isEmpty else { continue }
                matches.append(Match(entry: entry, earlier: open[index], shared: shared, position: entry.id?.position ?? .start))
            }
        }
        return matches
    }

    /// What a postmortem can share: `s:` and each service (lower case), `a:` and the first folder of
    /// each `affects` glob (`*` for one starting with a wildcard, which may overlap any).
    private static func keys(_ summary: EntrySummary) -> [String] {
        summary.loop.services.map { "s:" + $0.lowercased() } + summary.affects.map { item in
            var text = Substring(item.text)
            while text.hasPrefix("./") || text.hasPrefix("/") { text = text.drop { $0 == "." || $0 == "/" } }
            let first = text.prefix { $0 != "/" }
            return "a:" + (first.contains { "*?[{".contains($0) } ? "*" : String(first))
        }
    }

    /// `a` happened before `b`: an earlier `date`, or the same date and a smaller path.
    static func isBefore(_ a: EntrySummary, _ b: EntrySummary) -> Bool {
        let (x, y) = (a.loop.date ?? "", b.loop.date ?? "")
        return x != y ? x < y : a.path < b.path
    }
}
