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

    /// The `mostRecent` earlier postmortems with open items each postmortem shares a service or a
    /// path with (most recent first), postmortems in path order; with `involving`, only those of
    /// the postmortems at those paths. What `recurring-incident` reports: a postmortem repeating
    /// thousands of earlier ones (a busy service) names the few that matter, and the findings of
    /// a memory grow with its postmortems, not with their pairs.
    public static func matches(_ entries: [EntrySummary], configuration: Configuration,
                               involving: Set<GitPath>? = nil, mostRecent: Int = 3) -> [Match] {
        repeats(entries, configuration: configuration, keep: mostRecent, only: involving).flatMap(\.recent)
    }

    /// The paths of `paths` and of every postmortem, in any of `lists`, sharing a service or an
    /// overlapping `affects` glob with a postmortem at one of `paths` in any of `lists`: the
    /// postmortems whose most recent repeats a change to `paths` can alter (what `matches` must
    /// be given as `involving` to judge a change exactly). Every other postmortem meets the same
    /// earlier ones, with the same facts, on both sides of the change.
    public static func sharing(with paths: Set<GitPath>, in lists: [[EntrySummary]], configuration: Configuration) -> Set<GitPath> {
        let involved = lists.joined().filter { paths.contains($0.path) && isIncident($0, configuration: configuration) }
        let involvedFacts = involved.map(Facts.init)
        var shelf = Shelf(count: involved.count)
        for index in involved.indices { shelf.insert(index, involvedFacts[index]) }
        var found = paths
        for incident in lists.joined() where !found.contains(incident.path) && isIncident(incident, configuration: configuration) {
            let facts = Facts(incident)
            if shelf.candidates(facts).contains(where: { other in
                !shared(incident.loop.services, facts.affects, involvedFacts[other].services, involvedFacts[other].affects).isEmpty
            }) {
                found.insert(incident.path)
            }
        }
        return found
    }

    /// Every postmortem repeating an earlier one (in the order of `matches`), with the `keep` most
    /// recent earlier ones it repeats, their number and the services shared: what the site's loop
    /// and trends pages show, in time and memory proportional to the postmortems, not to their
    /// pairs. The postmortems are taken in time order: each is compared with the open ones before
    /// it. How many share a service is counted from the number of earlier open ones holding each
    /// set of services (inclusion–exclusion over the postmortem's few services), the most recent
    /// from the tail of each service's list; only postmortems found through `affects` are visited
    /// one by one.
    public static func repeats(_ entries: [EntrySummary], configuration: Configuration, keep: Int = 3) -> [Repeat] {
        repeats(entries, configuration: configuration, keep: keep, only: nil)
    }

    /// `repeats`, of the postmortems at `only` (all when `nil`): every postmortem is still put on
    /// the shelf for those after it.
    private static func repeats(_ entries: [EntrySummary], configuration: Configuration, keep: Int, only: Set<GitPath>?) -> [Repeat] {
        let incidents = entries.filter { isIncident($0, configuration: configuration) }
        let facts = incidents.map(Facts.init)
        let rank = ranks(incidents)
        var order = [Int](repeating: 0, count: incidents.count)
        for (index, place) in rank.enumerated() { order[place] = index }
        var shelf = Shelf(count: incidents.count)
        // Earlier open postmortems holding every service of a set (the set's names sorted and
        // joined), for those with few services; those with many are `wide` and counted one by one.
        var holding: [String: Int] = [:]
        var wide: [Int] = []
        var found = [Repeat?](repeating: nil, count: incidents.count)
        var seen = [Int](repeating: -1, count: incidents.count)
        /// What `entry` repeats among the postmortems on the shelf (all before it in time).
        func repeated(_ entry: EntrySummary, _ own: Facts, place: Int) -> Repeat? {
            let names = own.sortedServices
            var count = 0
            if names.count <= subsetLimit {
                // |A ∪ B ∪ …| by inclusion–exclusion over the non-empty subsets of the services.
                for mask in 1..<(1 << names.count) {
                    let key = subsetKey(names, mask)
                    guard let holders = holding[key] else { continue }
                    count += mask.nonzeroBitCount % 2 == 1 ? holders : -holders
                }
                for earlier in wide where !facts[earlier].services.isDisjoint(with: own.services) { count += 1 }
            } else {
                for name in names {
                    for earlier in shelf.byService[name] ?? [] where seen[earlier] != place {
                        seen[earlier] = place
                        count += 1
                    }
                }
            }
            // The most recent sharing a service are at the ends of the services' lists.
            var pool: [Int] = []
            if keep > 0 {
                for name in names { pool += (shelf.byService[name] ?? []).suffix(keep) }
            }
            // Those sharing only paths are counted one by one.
            for earlier in shelf.candidates(own, services: false) where facts[earlier].services.isDisjoint(with: own.services) {
                guard !shared(entry.loop.services, own.affects, facts[earlier].services, facts[earlier].affects).isEmpty else { continue }
                count += 1
                if keep > 0 { pool.append(earlier) }
            }
            guard count > 0 else { return nil }
            var recent: [Match] = []
            var kept = Set<Int>()
            for earlier in pool.sorted(by: { rank[$0] > rank[$1] }) where recent.count < keep && kept.insert(earlier).inserted {
                recent.append(Match(entry: entry, earlier: incidents[earlier],
                                    shared: shared(entry.loop.services, own.affects, facts[earlier].services, facts[earlier].affects),
                                    position: entry.id?.position ?? .start))
            }
            var services: [String] = []
            for name in entry.loop.services where !services.contains(name) && !(shelf.byService[name.lowercased()]?.isEmpty ?? true) {
                services.append(name)
            }
            return Repeat(entry: entry, recent: recent, count: count, services: services)
        }
        for (place, index) in order.enumerated() {
            let entry = incidents[index], own = facts[index]
            let names = own.sortedServices
            if only?.contains(entry.path) ?? true {
                found[index] = repeated(entry, own, place: place)
            }
            // Then it becomes an earlier one for those after it.
            guard !entry.loop.openItems.isEmpty else { continue }
            shelf.insert(index, own)
            if names.count <= subsetLimit {
                for mask in 1..<(1 << names.count) { holding[subsetKey(names, mask), default: 0] += 1 }
            } else {
                wide.append(index)
            }
        }
        return found.compactMap { $0 }
    }

    /// Postmortems with more services than this are counted one by one (2^n subsets each).
    private static let subsetLimit = 8

    /// The names of `names` chosen by the bits of `mask`, joined.
    private static func subsetKey(_ names: [String], _ mask: Int) -> String {
        var key = ""
        for (bit, name) in names.enumerated() where mask & (1 << bit) != 0 {
            key += name
            key += "\u{1F}"
        }
        return key
    }

    /// Each postmortem's place in time (`isBefore`: date, then path), so that "happened before"
    /// is one comparison of integers (thousands of postmortems of one day compare paths).
    private static func ranks(_ incidents: [EntrySummary]) -> [Int] {
        var rank = [Int](repeating: 0, count: incidents.count)
        for (place, index) in incidents.indices.sorted(by: { isBefore(incidents[$0], incidents[$1]) }).enumerated() {
            rank[index] = place
        }
        return rank
    }

    /// What a postmortem offers to be compared, worked out once.
    private struct Facts {
        /// Its services, lower-cased.
        let services: Set<String>
        /// The same, sorted.
        let sortedServices: [String]
        /// Its `affects` globs with their literal folders.
        let affects: Glob.Prefixed

        init(_ summary: EntrySummary) {
            services = Set(summary.loop.services.map { $0.lowercased() })
            sortedServices = services.sorted()
            affects = Glob.Prefixed(summary.affects.map(\.text))
        }
    }

    /// Open postmortems (by index) filed under what another can share with them: each service, and
    /// each `affects` glob's literal folder and the folders holding it, so that those a postmortem
    /// shares something with are found by lookups, not by comparing it with every other.
    private struct Shelf {
        /// By lower-cased service, in the order put.
        var byService: [String: [Int]] = [:]
        /// By the literal folder of one of their globs (`src/db` for `src/db/*.go`).
        var byFolder: [[UInt8]: [Int]] = [:]
        /// By every folder holding, or being, the literal folder of one of their globs.
        var under: [[UInt8]: [Int]] = [:]
        /// Globs without a literal folder (`**/*.sql`), which overlap only the same text.
        var byText: [String: [Int]] = [:]
        /// Marks of the last lookup, per index.
        private var mark: [Int], stamp = 0

        init(count: Int) { mark = [Int](repeating: -1, count: count) }

        mutating func insert(_ index: Int, _ facts: Facts) {
            for name in facts.sortedServices { byService[name, default: []].append(index) }
            var folders = Set<[UInt8]>(), holders = Set<[UInt8]>(), texts = Set<String>()
            for (text, folder) in facts.affects.globs {
                guard !folder.isEmpty else {
                    texts.insert(text)
                    continue
                }
                folders.insert(folder)
                holders.insert(folder)
                for (at, byte) in folder.enumerated() where byte == UInt8(ascii: "/") { holders.insert(Array(folder[..<at])) }
            }
            for folder in folders { byFolder[folder, default: []].append(index) }
            for folder in holders { under[folder, default: []].append(index) }
            for text in texts { byText[text, default: []].append(index) }
        }

        /// The postmortems sharing a service (unless `services` is false) or an overlapping glob
        /// with `facts` (as `Glob.overlapping` judges: equal texts, or one literal folder inside the
        /// other), each once, in no particular order.
        mutating func candidates(_ facts: Facts, services: Bool = true) -> [Int] {
            stamp += 1
            var found: [Int] = []
            func take(_ list: [Int]?) {
                for index in list ?? [] where mark[index] != stamp {
                    mark[index] = stamp
                    found.append(index)
                }
            }
            if services { for name in facts.sortedServices { take(byService[name]) } }
            for (text, folder) in facts.affects.globs {
                guard !folder.isEmpty else {
                    take(byText[text])
                    continue
                }
                take(under[folder])
                for (at, byte) in folder.enumerated() where byte == UInt8(ascii: "/") { take(byFolder[Array(folder[..<at])]) }
            }
            return found
        }
    }

    /// `a` happened before `b`: an earlier `date`, or the same date and a smaller path.
    static func isBefore(_ a: EntrySummary, _ b: EntrySummary) -> Bool {
        let (x, y) = (a.loop.date ?? "", b.loop.date ?? "")
        return x != y ? x < y : a.path < b.path
    }
}
