import Foundation
import LoreKit
import Testing

/// `SimilarityIndex` on a labelled fixture (four incidents of each of four topics, written in
/// different words) and on a generated corpus.
@Suite struct SimilarityTests {
    /// One fixture entry: its id, topic label, services, tags and text.
    struct Labelled {
        let id: String, topic: String, services: [String], tags: [String], title: String, body: String
    }

    static let fixture: [Labelled] = [
        Labelled(id: "PM-0001", topic: "db", services: ["payments"], tags: ["database"], title: "Primary database failover took 40 minutes",
                 body: "The primary Postgres node died and replica promotion stalled because replication lag was high."),
        Labelled(id: "PM-0002", topic: "db", services: ["orders"], tags: [], title: "Replica promotion stalled during failover",
                 body: "Failover to the replica waited on replication lag; writes to the database failed for twenty minutes."),
        Labelled(id: "LL-0001", topic: "db", services: [], tags: ["database"], title: "Watch replication lag before a failover",
                 body: "Alert on replication lag so a database failover never promotes a lagging replica."),
        Labelled(id: "DR-0001", topic: "db", services: ["payments"], tags: [], title: "Run two synchronous replicas",
                 body: "Two synchronous Postgres replicas keep failover fast and bound replication lag."),
        Labelled(id: "PM-0003", topic: "tls", services: ["edge"], tags: ["certificates"], title: "Expired TLS certificate broke the API",
                 body: "The certificate for the public API expired at midnight; clients failed the TLS handshake."),
        Labelled(id: "PM-0004", topic: "tls", services: ["mail"], tags: [], title: "Mail relay certificate expiry",
                 body: "The relay's TLS certificate expired and renewal had silently failed for a month."),
        Labelled(id: "LL-0002", topic: "tls", services: [], tags: ["certificates"], title: "Monitor certificate expiry dates",
                 body: "Every certificate needs an expiry alert thirty days ahead; automated renewal fails quietly."),
        Labelled(id: "DR-0002", topic: "tls", services: ["edge"], tags: [], title: "Automate certificate renewal with ACME",
                 body: "Certificates are renewed automatically through ACME, with an alert when renewal fails before expiry."),
        Labelled(id: "PM-0005", topic: "dns", services: ["edge"], tags: ["dns"], title: "DNS record deleted by a zone import",
                 body: "A zone file import removed the api record; resolvers cached NXDOMAIN for an hour."),
        Labelled(id: "PM-0006", topic: "dns", services: ["search"], tags: [], title: "Wrong TTL made a DNS change take hours",
                 body: "A DNS record with a one day TTL kept resolvers on the old address long after the change."),
        Labelled(id: "LL-0003", topic: "dns", services: [], tags: ["dns"], title: "Lower the TTL before moving a DNS record",
                 body: "Drop the record TTL a day before a DNS migration so resolvers pick the new zone quickly."),
        Labelled(id: "DR-0003", topic: "dns", services: ["edge"], tags: [], title: "Manage DNS zones as code",
                 body: "Zone records are reviewed as code; a zone import can no longer delete a record unseen."),
        Labelled(id: "PM-0007", topic: "mem", services: ["search"], tags: ["memory"], title: "Search workers killed by the OOM killer",
                 body: "A memory leak in the query cache grew the heap until the kernel OOM killer stopped the workers."),
        Labelled(id: "PM-0008", topic: "mem", services: ["orders"], tags: [], title: "Heap exhaustion after a cache change",
                 body: "An unbounded cache leaked memory; the heap filled and the service restarted in a loop."),
        Labelled(id: "LL-0004", topic: "mem", services: [], tags: ["memory"], title: "Bound every in-process cache",
                 body: "An unbounded cache is a memory leak waiting to happen; cap its size and watch heap usage."),
        Labelled(id: "DR-0004", topic: "mem", services: ["search"], tags: [], title: "Set memory limits on every worker",
                 body: "Workers run with memory limits and heap alerts, so a leak restarts one worker instead of the OOM killer."),
    ]

    static func entry(_ labelled: Labelled) -> Entry? {
        let kind = labelled.id.hasPrefix("PM") ? "postmortem" : labelled.id.hasPrefix("LL") ? "lesson" : "decision"
        let folder = kind == "postmortem" ? "postmortems" : kind == "lesson" ? "lessons" : "decisions"
        var text = "---\nid: \(labelled.id)\ntitle: \(labelled.title)\ndate: 2025-03-14\nstatus: published\n"
        if !labelled.services.isEmpty { text += "services: [\(labelled.services.joined(separator: ", "))]\n" }
        if !labelled.tags.isEmpty { text += "tags: [\(labelled.tags.joined(separator: ", "))]\n" }
        text += "---\n\n\(labelled.body)\n\n## Summary\n\n\(labelled.body)\n"
        return EntryParser.parse(path: GitPath("\(folder)/\(labelled.id).md"), kind: kind, bytes: Array(text.utf8)).entry
    }

    /// Mean precision at 3 over every fixture entry: of the three most similar entries, how many
    /// are of the same topic (three others share each topic, so 1.0 is reachable).
    static func precisionAtThree() throws -> (mean: Double, misses: [String]) {
        let entries = try fixture.map { try #require(entry($0)) }
        let index = SimilarityIndex(entries: entries)
        var total = 0.0
        var misses: [String] = []
        for (labelled, entry) in zip(fixture, entries) {
            let top = index.similar(to: entry, limit: 3)
            let topics = top.map { hit in fixture.first { $0.id == hit.id }?.topic ?? "?" }
            let relevant = topics.filter { $0 == labelled.topic }.count
            if relevant < 3 { misses.append("\(labelled.id): \(top.compactMap(\.id).joined(separator: ","))") }
            total += Double(relevant) / 3
        }
        return (total / Double(fixture.count), misses)
    }

    @Test func labelledFixtureRanksTheSameTopicFirst() throws {
        let (precision, misses) = try Self.precisionAtThree()
        print("similarity precision@3 on the labelled fixture: \(String(format: "%.3f", precision)) \(misses)")
        #expect(precision >= 0.9, "precision@3 \(precision); misses: \(misses)")
    }

    @Test func knownRankingWithReasons() throws {
        let entries = try Self.fixture.map { try #require(Self.entry($0)) }
        let index = SimilarityIndex(entries: entries)
        let first = try #require(entries.first)
        let hits = index.similar(to: first, limit: 3)
        #expect(hits.map(\.id) == ["PM-0002", "DR-0001", "LL-0001"])
        #expect(hits.first?.reasons == ["words: promotion, stall, minute"])
        #expect(hits[1].reasons.last == "service: payments")
        // The entry itself is never similar to itself; scores are stable to 3 decimals.
        #expect(!hits.contains { $0.id == "PM-0001" })
        #expect(hits == index.similar(to: first, limit: 3))
    }

    @Test func plainTextAndDrafts() throws {
        let entries = try Self.fixture.map { try #require(Self.entry($0)) }
        let index = SimilarityIndex(entries: entries)
        let hits = index.similar(to: SimilarityQuery(text: "the TLS certificate expired again"), limit: 2)
        #expect(hits.allSatisfy { ["PM-0003", "PM-0004", "LL-0002", "DR-0002"].contains($0.id ?? "") })
        let draft = SimilarityQuery(draft: Array("---\nid: PM-0099\ntitle: Resolver cached a deleted record\ndate: 2025-04-01\nstatus: draft\nservices: [edge]\n---\nDNS zone import again.\n".utf8))
        #expect(index.similar(to: draft, limit: 1).first?.id == "PM-0005")
        #expect(index.similar(to: SimilarityQuery(text: "zzz qqq"), limit: 3).isEmpty)
    }

    /// A generated corpus: entries sharing the query's service and rare words rank above every
    /// entry sharing neither, whatever the filler.
    @Test func generatedCorpusSharedServiceAndWordsRankFirst() throws {
        var generator = SplitMix(seed: 42)
        let filler = (0..<300).map { "word\($0)" }
        var texts: [(String, String)] = []
        func body(_ count: Int) -> String { (0..<count).map { _ in filler[Int(generator.next() % UInt64(filler.count))] }.joined(separator: " ") }
        for n in 1...400 {
            let service = "svc\(n % 20)"
            texts.append(("PM-\(String(format: "%04d", n))", "services: [\(service)]\n---\n\(body(40))\n"))
        }
        for n in 401...405 {
            texts.append(("PM-\(String(format: "%04d", n))", "services: [ledger]\n---\nkafka rebalance storm \(body(40))\n"))
        }
        let entries = try texts.map { id, rest in
            try #require(EntryParser.parse(path: GitPath("postmortems/\(id).md"), kind: "postmortem",
                                           bytes: Array("---\nid: \(id)\ntitle: Incident \(id)\ndate: 2025-03-14\nstatus: published\n\(rest)".utf8)).entry)
        }
        let index = SimilarityIndex(entries: entries)
        let query = SimilarityQuery(text: "kafka rebalance storm", services: ["ledger"])
        let top = index.similar(to: query, limit: 5).compactMap(\.id)
        #expect(Set(top) == ["PM-0401", "PM-0402", "PM-0403", "PM-0404", "PM-0405"])
        #expect(index.similar(to: query, limit: 10).count == 5)   // nothing else shares a word or the service
    }

    /// The `limit` best are the first of every candidate scored: the early stop (a heap in textual
    /// order, entries sharing only a service or tag looked at only when they could still rank)
    /// never drops one that ranks. Services and tags are shared by many entries, words by few.
    @Test(arguments: [7, 8, 9] as [UInt64]) func theBestFewAreTheFirstOfAll(seed: UInt64) throws {
        var generator = SplitMix(seed: seed)
        func pick(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
        let words = (0..<60).map { "term\($0)" }
        var entries: [Entry] = []
        for n in 1...150 {
            let text = (0..<(pick(3) == 0 ? 0 : 4 + pick(12))).map { _ in words[pick(words.count)] }.joined(separator: " ")
            let affects = pick(3) == 0 ? "affects: [src/m\(pick(4))/**]\n" : ""
            let source = "---\nid: PM-\(n)\ntitle: Incident\ndate: 2025-03-14\nstatus: published\nservices: [svc\(pick(3))]\n"
                + "tags: [tag\(pick(4))]\n\(affects)---\n\n\(text)\n"
            entries.append(try #require(EntryParser.parse(path: GitPath("postmortems/p\(n).md"), kind: "postmortem", bytes: Array(source.utf8)).entry))
        }
        let index = SimilarityIndex(entries: entries)
        for entry in entries.prefix(60) {
            let all = index.similar(to: entry, limit: entries.count)
            for limit in [1, 3, 5] {
                #expect(index.similar(to: entry, limit: limit) == Array(all.prefix(limit)), "\(entry.path) limit \(limit)")
            }
        }
    }
}

/// A small deterministic random generator for generated corpora.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
