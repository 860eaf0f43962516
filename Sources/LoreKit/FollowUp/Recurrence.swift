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

    /// A postmortem repeating earlier ones, kept small whatever the memory's size: the most
    /// recent few it repeats, how many in all, and every service it shares with one of them.
    public struct Repeat: Sendable, Hashable {
        /// The later postmortem.
        public let entry: EntrySummary
        /// The most recent earlier postmortems it repeats (at most the number asked for), most
        /// recent first.
        public let recent: [Match]
        /// How many earlier postmortems it repeats in all.
        public let count: Int
        /// The services it shares with at least one of them, as it writes them, in order.
        public let services: [String]
    }

    /// Every postmortem sharing a service or path with an earlier one that has open items, in
    /// path order, each earlier postmortem once; with `involving`, only the pairs of which one
    /// postmortem is at one of those paths (what a change to them can alter). One match a pair:
    /// when thousands of postmortems share a service, prefer `repeats`, whose size does not grow
    /// with the pairs.
    public static func matches(_ entries: [EntrySummary], configuration: Configuration,
                               involving: Set<GitPath>? = nil) -> [Match] {
        var matches: [Match] = []
        forEachMatch(entries, configuration: configuration, involving: involving) { entry, earlier, shared in
            matches.append(Match(entry: entry, earlier: earlier, shared: shared, position: entry.id?.position ?? .start))
        }
        return matches
    }

    /// Every postmortem repeating an earlier one (in the order of `matches`), with the `keep` most
    /// recent earlier ones it repeats, their number and the services shared: what the site's loop
    /// and trends pages show, in memory proportional to the postmortems, not to their pairs.
    public static func repeats(_ entries: [EntrySummary], configuration: Configuration, keep: Int = 3) -> [Repeat] {
        var repeats: [Repeat] = []
        var current: EntrySummary?
        var recent: [Match] = [], count = 0, services: [String] = [], seen = Set<String>()
        func flush() {
            if let entry = current, count > 0 { repeats.append(Repeat(entry: entry, recent: recent, count: count, services: services)) }
            recent = []; count = 0; services = []; seen = []
        }
        forEachMatch(entries, configuration: configuration, involving: nil) { entry, earlier, shared in
            if current?.path != entry.path {
                flush()
                current = entry
            }
            count += 1
            for item in shared where item.hasPrefix("service ") {
                let name = String(item.dropFirst(8))
                if seen.insert(name).inserted { services.append(name) }
            }
            // Kept most recent first; a candidate older than every kept one is dropped once full.
            guard recent.count < keep || recent.last.map({ isBefore($0.earlier, earlier) }) == true else { return }
            let match = Match(entry: entry, earlier: earlier, shared: shared, position: entry.id?.position ?? .start)
            let at = recent.firstIndex { isBefore($0.earlier, earlier) } ?? recent.count
            recent.insert(match, at: at)
            if recent.count > keep { recent.removeLast() }
        }
        flush()
        return repeats
    }

    /// Calls `body` for every pair of `matches`, in its order, without keeping them.
    private static func forEachMatch(_ entries: [EntrySummary], configuration: Configuration, involving: Set<GitPath>?,
                                     _ body: (_ entry: EntrySummary, _ earlier: EntrySummary, _ shared: [String]) -> Void) {
        let incidents = entries.filter { isIncident($0, configuration: configuration) }
        let open = incidents.filter { !$0.loop.openItems.isEmpty }
        guard !open.isEmpty else { return }
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
                body(entry, open[index], shared)
            }
        }
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
