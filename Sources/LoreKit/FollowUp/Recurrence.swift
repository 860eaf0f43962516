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
        forEachMatch(entries, configuration: configuration, involving: involving) { entry, open, index, _, shared in
            matches.append(Match(entry: entry, earlier: open[index], shared: shared, position: entry.id?.position ?? .start))
        }
        return matches
    }

    /// Every postmortem repeating an earlier one (in the order of `matches`), with the `keep` most
    /// recent earlier ones it repeats, their number and the services shared: what the site's loop
    /// and trends pages show, in memory proportional to the postmortems, not to their pairs.
    public static func repeats(_ entries: [EntrySummary], configuration: Configuration, keep: Int = 3) -> [Repeat] {
        var repeats: [Repeat] = []
        var current: EntrySummary?
        // The kept earlier ones as (place in time, index in `open`, shared), most recent first.
        var recent: [(rank: Int, index: Int, shared: [String])] = [], count = 0, services: [String] = [], seen = Set<String>()
        var openOnes: [EntrySummary] = []
        func flush() {
            if let entry = current, count > 0 {
                let matches = recent.map { Match(entry: entry, earlier: openOnes[$0.index], shared: $0.shared, position: entry.id?.position ?? .start) }
                repeats.append(Repeat(entry: entry, recent: matches, count: count, services: services))
            }
            recent = []; count = 0; services = []; seen = []
        }
        forEachMatch(entries, configuration: configuration, involving: nil) { entry, open, index, rank, shared in
            if openOnes.isEmpty { openOnes = open }
            if current?.path != entry.path {
                flush()
                current = entry
            }
            count += 1
            for item in shared where item.hasPrefix("service ") {
                let name = String(item.dropFirst(8))
                if seen.insert(name).inserted { services.append(name) }
            }
            // A candidate older than every kept one is dropped once `keep` are kept.
            guard recent.count < keep || (recent.last.map { $0.rank < rank } ?? false) else { return }
            let at = recent.firstIndex { $0.rank < rank } ?? recent.count
            recent.insert((rank, index, shared), at: at)
            if recent.count > keep { recent.removeLast() }
        }
        flush()
        return repeats
    }

    /// Calls `body` for every pair of `matches`, in its order, without keeping them: the later
    /// postmortem, the open ones, the earlier one's index among them and its place in time
    /// (`isBefore` order), and what they share.
    private static func forEachMatch(_ entries: [EntrySummary], configuration: Configuration, involving: Set<GitPath>?,
                                     _ body: (_ entry: EntrySummary, _ open: [EntrySummary], _ index: Int, _ rank: Int,
                                              _ shared: [String]) -> Void) {
        let incidents = entries.filter { isIncident($0, configuration: configuration) }
        // Each postmortem's place in time (`isBefore`: date, then path), so that "happened before"
        // is one comparison of integers (thousands of postmortems of one day compare paths).
        var rank = [Int](repeating: 0, count: incidents.count)
        for (place, index) in incidents.indices.sorted(by: { isBefore(incidents[$0], incidents[$1]) }).enumerated() {
            rank[index] = place
        }
        let openIndices = incidents.indices.filter { !incidents[$0].loop.openItems.isEmpty }
        guard !openIndices.isEmpty else { return }
        let open = openIndices.map { incidents[$0] }
        let openRank = openIndices.map { rank[$0] }
        // What each open postmortem offers, worked out once (not once per pair).
        let openServices = open.map { Set($0.loop.services.map { $0.lowercased() }) }
        let openAffects = open.map { Glob.Prefixed($0.affects.map(\.text)) }
        let openInvolved = open.map { involving?.contains($0.path) ?? true }
        // Candidates by service and by `affects`' first folder, so a large corpus is not compared
        // pair by pair.
        var byKey: [String: [Int]] = [:]
        for (index, earlier) in open.enumerated() {
            for key in Set(keys(earlier)) { byKey[key, default: []].append(index) }
        }
        for (position, entry) in incidents.enumerated() {
            let entryInvolved = involving.map { $0.contains(entry.path) } ?? true
            let entryRank = rank[position]
            let lists = Set(keys(entry)).compactMap { byKey[$0] }
            guard !lists.isEmpty else { continue }
            // One list needs no set (the common case: one service); several are merged once.
            let candidates = lists.count == 1 ? lists[0] : Array(Set(lists.joined())).sorted()
            let affects = Glob.Prefixed(entry.affects.map(\.text))
            for index in candidates {
                // `open[index]` happened before `entry`, cheaply first.
                guard openRank[index] < entryRank, entryInvolved || openInvolved[index] else { continue }
                let shared = shared(entry.loop.services, affects, openServices[index], openAffects[index])
                guard !shared.isEmpty else { continue }
                body(entry, open, index, openRank[index], shared)
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
