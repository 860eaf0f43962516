import Foundation
import Testing
import TestSupport

private func entry(_ id: String, _ title: String, date: String = "2025-03-14", status: String = "published",
                   extra: String = "", body: String = "## Summary\n\nWhat happened.\n") -> String {
    "---\nid: \(id)\ntitle: \(title)\ndate: \(date)\nstatus: \(status)\n\(extra)---\n\n\(body)"
}

/// Three entries mention "replica": in the title, in a field, in the body.
private func searchFixture() throws -> TemporaryRepository {
    let repo = try TemporaryRepository()
    try repo.write("postmortems/2025/2025-03-14-replica-lag.md", entry("PM-0001", "Replica lag broke checkout",
        extra: "severity: SEV1\nservices: [payments]\ntags: [database]\n",
        body: "## Summary\n\nCheckout failed for twenty minutes.\n"))
    try repo.write("postmortems/2024/2024-11-02-disk-full.md", entry("PM-0002", "Disk full on the build server", date: "2024-11-02",
        extra: "severity: SEV3\nservices: [ci]\ntags: [replica]\n",
        body: "## Summary\n\nThe disk filled up with logs.\n"))
    try repo.write("lessons/watch-the-queue.md", entry("LL-0001", "Watch the queue depth", status: "active",
        extra: "tags: [queues]\nteam: platform\n",
        body: "## Lesson\n\nA long paragraph about queues, consumers and producers, where a slow replica once made the queue grow.\n"))
    try repo.commitAll("memory")
    return repo
}

@Suite struct SearchCLITests {
    /// No hit is said on standard error (text), and is an empty array in JSON; exit 0 either way.
    @Test func noHitsIsSaid() throws {
        let repo = try searchFixture()
        #expect(try lore(["search", "zebra", "quokka"], in: repo.path) ==
                ProcessResult(stdout: "", stderr: "no entry matches zebra quokka\n", status: 0))
        #expect(try lore(["search", "zebra", "--format", "json"], in: repo.path) == ProcessResult(stdout: "[\n\n]\n", stderr: "", status: 0))
    }

    @Test func ranksTitleThenFieldsThenBody() throws {
        let repo = try searchFixture()
        let result = try lore(["search", "replica"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            PM-0001  postmortem  2025-03-14  Replica lag broke checkout
              postmortems/2025/2025-03-14-replica-lag.md
              Replica lag broke checkout

            PM-0002  postmortem  2024-11-02  Disk full on the build server
              postmortems/2024/2024-11-02-disk-full.md
              postmortem PM-0002 2024-11-02 published SEV3 ci replica

            LL-0001  lesson  2025-03-14  Watch the queue depth
              lessons/watch-the-queue.md
              ## Lesson A long paragraph about queues, consumers and producers, where a slow replica once made the…

            """, stderr: "", status: 0))
    }

    /// Piped, snippets are plain text; with colour (a terminal, or --color always) the matched
    /// words are bold red as grep shows them; JSON keeps the `**` markers (issue 19).
    @Test func matchesAreHighlightedWithColour() throws {
        let repo = try searchFixture()
        let coloured = try lore(["search", "replica", "--limit", "1", "--color", "always"], in: repo.path)
        #expect(coloured.stdout.contains("\n  \u{1B}[1;31mReplica\u{1B}[0m lag broke checkout\n"))
        #expect(try lore(["search", "replica", "--limit", "1", "--color", "always"], in: repo.path, environment: ["NO_COLOR": "1"]) == coloured)
        #expect(try lore(["search", "replica", "--limit", "1", "--format", "json"], in: repo.path).stdout.contains(#""snippet" : "**Replica** lag broke checkout""#))
    }

    @Test func filtersNarrowTheHits() throws {
        let repo = try searchFixture()
        func paths(_ arguments: [String]) throws -> [String] {
            let result = try lore(["search", "replica", "--format", "json"] + arguments, in: repo.path)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let hits = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            return hits.compactMap { $0["id"] as? String }
        }
        #expect(try paths(["--kind", "lesson"]) == ["LL-0001"])
        #expect(try paths(["--where", "severity=SEV3"]) == ["PM-0002"])
        #expect(try paths(["--where", "team=platform"]) == ["LL-0001"])
        #expect(try paths(["--since", "2025-01-01"]) == ["PM-0001", "LL-0001"])
        #expect(try paths(["--tag", "database"]) == ["PM-0001"])
        #expect(try paths(["--status", "active"]) == ["LL-0001"])
        #expect(try paths(["--limit", "1"]) == ["PM-0001"])
        // Words must all occur; phrases as written; prefixes; OR.
        #expect(try lore(["search", "replica", "checkout", "--format", "json"], in: repo.path).stdout.contains("PM-0001"))
        #expect(try paths(["lag", "checkout"]) == ["PM-0001"])
        #expect(try paths(["\"checkout failed\""]) == ["PM-0001"])
        #expect(try paths(["consum*"]) == ["LL-0001"])
        #expect(try paths(["disk", "OR", "queue"]).sorted() == ["LL-0001", "PM-0002"])
        #expect(try paths(["nothing-like-this"]) == [])
    }

    @Test func badQueriesAreUsageErrors() throws {
        let repo = try searchFixture()
        #expect(try lore(["search", "***"], in: repo.path)
            == ProcessResult(stdout: "", stderr: "error: the query '***' has no word to search for\n", status: 2))
        #expect(try lore(["search", "x", "--where", "date>=soon"], in: repo.path)
            == ProcessResult(stdout: "", stderr: "error: invalid --where 'date>=soon': column 7: 'soon' is not a date (YYYY-MM-DD) or date-time; 'date' is a date\n", status: 2))
    }

    @Test func indexSurvivesDeletionAndCorruption() throws {
        let repo = try searchFixture()
        let expected = try lore(["search", "replica"], in: repo.path)
        #expect(expected.status == 0)
        let index = repo.path + "/.git/lore/search.sqlite"
        #expect(FileManager.default.fileExists(atPath: index))
        let original = try Data(contentsOf: URL(fileURLWithPath: index))
        let damages: [(String, Data)] = [
            ("truncated", original.prefix(original.count / 2)),
            ("empty", Data()),
            ("garbage", Data((0..<original.count).map { UInt8(truncatingIfNeeded: $0 &* 7919) })),
            ("a damaged page", original.prefix(4096) + Data(repeating: 0xA5, count: 4096) + original.dropFirst(8192)),
        ]
        for (name, bytes) in damages {
            try bytes.write(to: URL(fileURLWithPath: index))
            #expect(try lore(["search", "replica"], in: repo.path) == expected, "\(name)")
            #expect(try lore(["search", "replica"], in: repo.path) == expected, "\(name), second run")
        }
        try FileManager.default.removeItem(atPath: index)
        #expect(try lore(["search", "replica"], in: repo.path) == expected, "deleted")
    }

    @Test func indexFollowsCommitsThatAddChangeRenameAndDelete() throws {
        let repo = try searchFixture()
        func ids(_ words: String, _ extra: [String] = ["--rev", "HEAD"]) throws -> [String] {
            let result = try lore(["search", words, "--format", "json"] + extra, in: repo.path)
            #expect(result.status == 0, "\(result.stderr)")
            let hits = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            return hits.map { "\($0["id"] as? String ?? "?") \($0["path"] as? String ?? "?")" }
        }
        #expect(try ids("failover") == [])
        try repo.write("decisions/0001-failover.md", entry("DR-0001", "Automate failover", status: "accepted"))
        try repo.commitAll("add")
        #expect(try ids("failover") == ["DR-0001 decisions/0001-failover.md"])
        try repo.write("decisions/0001-failover.md", entry("DR-0001", "Automate switchover", status: "accepted"))
        try repo.commitAll("change")
        #expect(try ids("failover") == [])
        #expect(try ids("switchover") == ["DR-0001 decisions/0001-failover.md"])
        _ = try repo.git(["mv", "decisions/0001-failover.md", "decisions/0001-switchover.md"])
        try repo.commitAll("rename")
        #expect(try ids("switchover") == ["DR-0001 decisions/0001-switchover.md"])
        _ = try repo.git(["rm", "-q", "decisions/0001-switchover.md"])
        try repo.commitAll("delete")
        #expect(try ids("switchover") == [])
        // Earlier commits stay searchable, and the working tree and index are their own snapshots.
        #expect(try ids("switchover", ["--rev", "HEAD~1"]) == ["DR-0001 decisions/0001-switchover.md"])
        try repo.write("lessons/switchover.md", entry("LL-0002", "Rehearse the switchover", status: "active"))
        #expect(try ids("switchover", []) == ["LL-0002 lessons/switchover.md"])
        #expect(try ids("switchover", ["--staged"]) == [])
        _ = try repo.git(["add", "lessons/switchover.md"])
        #expect(try ids("switchover", ["--staged"]) == ["LL-0002 lessons/switchover.md"])
        #expect(try ids("replica").count == 3)
    }
}

extension SearchCLITests {
    /// The working tree is checked by stat alone once indexed: an edit that keeps the size, a new
    /// file, a removed one are all seen (times are set in the past, as after a checkout long ago,
    /// so the index trusts its record rather than refreshing because a file is new).
    @Test func workingTreeChangesAreSeen() throws {
        let repo = try searchFixture()
        func age(_ paths: [String], _ stamp: String) throws {
            _ = try runProcess("/usr/bin/touch", ["-h", "-d", stamp] + paths.map { repo.path + "/" + $0 })
        }
        let everything = ["postmortems/2025/2025-03-14-replica-lag.md", "postmortems/2024/2024-11-02-disk-full.md",
                          "lessons/watch-the-queue.md", "postmortems/2025", "postmortems/2024", "postmortems", "lessons"]
        try age(everything, "2020-01-01 00:00:00")
        func ids(_ word: String) throws -> String {
            try lore(["search", word, "--format", "json"], in: repo.path).stdout
                .split(separator: "\n").filter { $0.contains("\"id\"") }.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        #expect(try ids("twenty") == "\"id\" : \"PM-0001\",")
        #expect(try ids("twenty") == "\"id\" : \"PM-0001\",")  // now from the stat record
        // Same size, new words, an old time again.
        let path = "postmortems/2025/2025-03-14-replica-lag.md"
        let text = try String(contentsOfFile: repo.path + "/" + path, encoding: .utf8)
        try repo.write(path, text.replacingOccurrences(of: "twenty", with: "thirty"))
        try age([path], "2021-01-01 00:00:00")
        #expect(try ids("twenty") == "")
        #expect(try ids("thirty") == "\"id\" : \"PM-0001\",")
        try repo.write("lessons/new.md", entry("LL-0009", "Thirty seconds of retries", status: "active"))
        try age(["lessons/new.md", "lessons"], "2022-01-01 00:00:00")
        #expect(try ids("thirty") == "\"id\" : \"LL-0009\", \"id\" : \"PM-0001\",")
        try FileManager.default.removeItem(atPath: repo.path + "/" + path)
        try age(["postmortems/2025"], "2023-01-01 00:00:00")
        #expect(try ids("thirty") == "\"id\" : \"LL-0009\",")
    }
}

@Suite struct WhereCLITests {
    private func fixture() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025/a.md", entry("PM-0001", "Alpha", date: "2025-01-10",
            extra: "severity: SEV1\nservices: [payments-api, ledger]\nteam: core\ncost: 900\naction_items:\n  - title: Fix\n    owner: ana\n    due: 2025-02-01\n"))
        try repo.write("postmortems/2024/b.md", entry("PM-0002", "Beta", date: "2024-12-31",
            extra: "severity: SEV2\nservices: [search]\nteam: edge\ncost: 12000\n"))
        try repo.write("lessons/c.md", entry("LL-0001", "Gamma", date: "2025-06-01", status: "active", extra: "team: core\n"))
        try repo.commitAll("memory")
        return repo
    }

    private func ids(_ arguments: [String], in repo: TemporaryRepository) throws -> String {
        let result = try lore(["list", "--format", "paths"] + arguments, in: repo.path)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n").joined(separator: " ")
    }

    @Test func undeclaredFieldsDatesListsAndObjects() throws {
        let repo = try fixture()
        #expect(try ids(["--where", "team=core"], in: repo) == "postmortems/2025/a.md lessons/c.md")
        #expect(try ids(["--where", "team!=core"], in: repo) == "postmortems/2024/b.md")
        #expect(try ids(["--where", "date>=2025-01-01"], in: repo) == "postmortems/2025/a.md lessons/c.md")
        #expect(try ids(["--where", "date<2025-01-01"], in: repo) == "postmortems/2024/b.md")
        #expect(try ids(["--where", "services~PAY"], in: repo) == "postmortems/2025/a.md")
        #expect(try ids(["--where", "services=ledger"], in: repo) == "postmortems/2025/a.md")
        #expect(try ids(["--where", "services!~pay", "--kind", "postmortem"], in: repo) == "postmortems/2024/b.md")
        #expect(try ids(["--where", "cost>1000"], in: repo) == "postmortems/2024/b.md")  // numbers by value, not as text
        #expect(try ids(["--where", "action_items.owner=ana"], in: repo) == "postmortems/2025/a.md")
        #expect(try ids(["--where", "severity=", "--where", "team=core"], in: repo) == "lessons/c.md")
        #expect(try ids(["--where", "team=core", "--where", "date<2025-03-01"], in: repo) == "postmortems/2025/a.md")
        #expect(try ids(["--where", "kind=lesson"], in: repo) == "lessons/c.md")
    }

    @Test func sortByAnyField() throws {
        let repo = try fixture()
        #expect(try ids(["--sort", "date"], in: repo) == "postmortems/2024/b.md postmortems/2025/a.md lessons/c.md")
        #expect(try ids(["--sort=-date"], in: repo) == "lessons/c.md postmortems/2025/a.md postmortems/2024/b.md")
        #expect(try ids(["--sort", "cost", "--reverse"], in: repo) == "postmortems/2024/b.md postmortems/2025/a.md lessons/c.md")
        #expect(try ids(["--sort", "team"], in: repo) == "postmortems/2025/a.md lessons/c.md postmortems/2024/b.md")
    }

    @Test func badExpressionsNameTheColumn() throws {
        let repo = try fixture()
        let cases: [(String, String)] = [
            ("severity", "error: invalid --where 'severity': column 9: expected an operator (=, !=, ~, !~, <, <=, >, >=) after 'severity'\n"),
            ("=SEV1", "error: invalid --where '=SEV1': column 1: expected a field name before '='\n"),
            ("date>=", "error: invalid --where 'date>=': column 7: expected a value after '>='\n"),
            ("date>>1", "error: invalid --where 'date>>1': column 6: unexpected '>' after '>'\n"),
            ("sev ity=1", "error: invalid --where 'sev ity=1': column 4: expected an operator (=, !=, ~, !~, <, <=, >, >=) after 'sev', found ' '\n"),
            ("a..b=1", "error: invalid --where 'a..b=1': column 2: empty part in field name 'a..b'\n"),
            ("date<=2025-13-01", "error: invalid --where 'date<=2025-13-01': column 7: '2025-13-01' is not a date (YYYY-MM-DD) or date-time; 'date' is a date\n"),
        ]
        for (expression, message) in cases {
            #expect(try lore(["list", "--where", expression], in: repo.path) == ProcessResult(stdout: "", stderr: message, status: 2), "\(expression)")
        }
        #expect(try lore(["list", "--sort", "a b"], in: repo.path)
            == ProcessResult(stdout: "", stderr: "error: invalid --sort 'a b': column 2: ' ' cannot be part of a field name\n", status: 2))
    }
}
