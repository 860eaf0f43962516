import Git
@testable import LoreKit
import Testing

/// `Recurrence.repeats` says of each repeating postmortem what `Recurrence.matches` says of its
/// pairs (the most recent few, their number, the services shared), without keeping the pairs.
@Suite struct RecurrenceTests {
    private func postmortem(_ number: Int, date: String, services: [String], affects: String?, open: Bool) throws -> EntrySummary {
        let text = "---\nid: PM-\(number)\ntitle: Incident \(number)\ndate: \(date)\nstatus: published\nseverity: SEV2\n"
            + "services: [\(services.joined(separator: ", "))]\n" + (affects.map { "affects:\n  - \"\($0)\"\n" } ?? "")
            + "action_items:\n  - title: Fix \(number)\n    owner: ana\n    due: 2025-04-01\n" + (open ? "" : "    status: done\n")
            + "---\n\n## Summary\n\nIt broke.\n"
        let entry = try #require(EntryParser.parse(path: GitPath("postmortems/p\(number).md"), kind: "postmortem", bytes: Array(text.utf8)).entry)
        return EntrySummary(entry, configuration: .builtIn)
    }

    /// A random memory: postmortems of a few days sharing services (in varying case, some with
    /// more services than `repeats` counts by subsets) and globs of every shape.
    private func memory(seed: UInt64, count: Int = 80) throws -> [EntrySummary] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let names = ["payments", "Search", "ledger", "edge", "PAYMENTS", "auth", "cdn", "queue", "mail", "dns", "db"]
        let globs = ["src/pay/**", "src/search/*.go", "infra/**", "src/pay/api.go", "src", "**/*.sql", "**/*.sql",
                     "./src/search/index.go", "src/payments/x.go", "infra/dns/", "*.md", "src/pay"]
        var summaries: [EntrySummary] = []
        for number in 1...count {
            let services = (0..<(next(7) == 0 ? 10 : 1 + next(3))).map { _ in names[next(names.count)] }
            let affects = next(3) == 0 ? nil : globs[next(globs.count)]
            summaries.append(try postmortem(number, date: "2025-0\(1 + next(3))-1\(next(10))", services: services,
                                            affects: affects, open: next(2) == 0))
        }
        return summaries
    }

    /// Every pair, compared one by one: what `matches` must find.
    private func everyPair(_ summaries: [EntrySummary], involving: Set<GitPath>? = nil) -> [Recurrence.Match] {
        var pairs: [Recurrence.Match] = []
        for entry in summaries {
            for earlier in summaries where !earlier.loop.openItems.isEmpty && Recurrence.isBefore(earlier, entry) {
                guard involving.map({ $0.contains(entry.path) || $0.contains(earlier.path) }) ?? true else { continue }
                let shared = Recurrence.shared(entry, earlier)
                guard !shared.isEmpty else { continue }
                pairs.append(Recurrence.Match(entry: entry, earlier: earlier, shared: shared, position: entry.id?.position ?? .start))
            }
        }
        return pairs
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64]) func matchesAreEveryPairCompared(seed: UInt64) throws {
        let summaries = try memory(seed: seed)
        let pairs = everyPair(summaries)
        #expect(pairs.count > 80, "the sequence should make many pairs")
        // Unbounded, the pairs are every pair compared one by one (each postmortem's most recent first).
        let all = Recurrence.matches(summaries, configuration: .builtIn, mostRecent: summaries.count)
        #expect(Set(all) == Set(pairs))
        #expect(all.count == pairs.count)
        #expect(all.map(\.entry.path) == pairs.map(\.entry.path))
        // Each postmortem's three most recent, and with `involving` only those of the postmortems named.
        let three = Recurrence.matches(summaries, configuration: .builtIn)
        var byEntry: [GitPath: [Recurrence.Match]] = [:]
        for match in pairs { byEntry[match.entry.path, default: []].append(match) }
        var expected: [Recurrence.Match] = []
        for path in pairs.map(\.entry.path).reduce(into: [GitPath]()) { if $0.last != $1 { $0.append($1) } } {
            expected += (byEntry[path] ?? []).sorted { Recurrence.isBefore($1.earlier, $0.earlier) }.prefix(3)
        }
        #expect(three == expected)
        let involving: Set<GitPath> = [summaries[3].path, summaries[40].path, summaries[77].path]
        #expect(Recurrence.matches(summaries, configuration: .builtIn, involving: involving)
                == three.filter { involving.contains($0.entry.path) })
    }

    /// A postmortem outside `Recurrence.sharing(with:)` of a change has the same three most
    /// recent repeats before and after it: the hook judges only those inside.
    @Test(arguments: [1, 2, 3, 5, 6] as [UInt64]) func postmortemsNotSharingWithAChangeKeepTheirRepeats(seed: UInt64) throws {
        let before = try memory(seed: seed)
        var after = before
        let other = try memory(seed: seed &+ 100)
        after[29] = other[29]   // other facts, same path
        after.removeLast()      // and one deleted
        let paths: Set<GitPath> = [before[29].path, before[before.count - 1].path]
        let involving = Recurrence.sharing(with: paths, in: [after, before], configuration: .builtIn)
        #expect(involving.count < before.count, "some postmortems share nothing with the change")
        func outside(_ list: [EntrySummary]) -> [Recurrence.Match] {
            Recurrence.matches(list, configuration: .builtIn).filter { !involving.contains($0.entry.path) }
        }
        #expect(outside(after) == outside(before))
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64]) func repeatsAreTheMatchesSummed(seed: UInt64) throws {
        let summaries = try memory(seed: seed)
        let matches = everyPair(summaries)
        let repeats = Recurrence.repeats(summaries, configuration: .builtIn, keep: 3)
        var order: [GitPath] = []
        var pairs: [GitPath: [Recurrence.Match]] = [:]
        for match in matches {
            if pairs[match.entry.path] == nil { order.append(match.entry.path) }
            pairs[match.entry.path, default: []].append(match)
        }
        #expect(repeats.map(\.entry.path) == order)
        for repeated in repeats {
            let all = pairs[repeated.entry.path] ?? []
            #expect(repeated.count == all.count)
            let newestFirst = all.sorted { Recurrence.isBefore($1.earlier, $0.earlier) }
            #expect(repeated.recent == Array(newestFirst.prefix(3)))
            // The services shared with at least one, in the order the postmortem writes them.
            let shared = Set(all.flatMap(\.shared).filter { $0.hasPrefix("service ") }.map { String($0.dropFirst(8)) })
            var services: [String] = []
            for name in repeated.entry.loop.services where shared.contains(name) && !services.contains(name) { services.append(name) }
            #expect(repeated.services == services)
        }
        #expect(Recurrence.repeats(summaries, configuration: .builtIn, keep: 0).map(\.count) == repeats.map(\.count))
        #expect(Recurrence.repeats(summaries, configuration: .builtIn, keep: 0).allSatisfy { $0.recent.isEmpty && $0.count > 0 })
    }
}
