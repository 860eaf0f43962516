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

    @Test(arguments: [1, 2, 3] as [UInt64]) func repeatsAreTheMatchesSummed(seed: UInt64) throws {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var summaries: [EntrySummary] = []
        for number in 1...60 {
            let services = (0..<(1 + next(2))).map { _ in ["payments", "Search", "ledger", "edge"][next(4)] }
            let affects = next(3) == 0 ? nil : ["src/pay/**", "src/search/*.go", "infra/**"][next(3)]
            summaries.append(try postmortem(number, date: "2025-0\(1 + next(3))-1\(next(10))", services: services,
                                            affects: affects, open: next(2) == 0))
        }
        let matches = Recurrence.matches(summaries, configuration: .builtIn)
        #expect(matches.count > 60, "the sequence should make many pairs")
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
            var services: [String] = []
            for match in all {
                for item in match.shared where item.hasPrefix("service ") && !services.contains(String(item.dropFirst(8))) {
                    services.append(String(item.dropFirst(8)))
                }
            }
            #expect(repeated.services == services)
        }
        #expect(Recurrence.repeats(summaries, configuration: .builtIn, keep: 0).allSatisfy { $0.recent.isEmpty && $0.count > 0 })
    }
}
