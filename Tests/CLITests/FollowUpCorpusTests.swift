import Foundation
import Testing
import TestSupport

/// `lore actions` and `lore stats` on a generated corpus agree with figures a small Python script
/// computes from the files themselves (line by line, without Lore's parser).
@Suite struct FollowUpCorpusTests {
    static let independent = #"""
    import json, os, re, sys
    root, today = sys.argv[1], sys.argv[2]
    kinds = {"postmortems": "postmortem", "lessons": "lesson", "decisions": "decision"}
    out = {"items": {"total": 0, "open": 0, "overdue": 0, "done": 0, "wont-do": 0}, "due": 0, "dueDone": 0,
           "kinds": {}, "severities": {}, "undated": 0}
    def valid(d):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d): return False
        y, m, dd = map(int, d.split("-"))
        return 1 <= m <= 12 and 1 <= dd <= [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    for folder, kind in kinds.items():
        for dirpath, dirnames, files in os.walk(os.path.join(root, folder)):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in files:
                if not name.endswith(".md") or name in ("README.md", "index.md") or name[0] in "_.": continue
                lines = open(os.path.join(dirpath, name), encoding="utf-8").read().split("\n")
                front = lines[1:lines.index("---", 1)]
                fields = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in front if re.match(r"^[a-z_]+:", l)}
                date = fields.get("date", "")
                if valid(date):
                    quarter = f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
                    out["kinds"].setdefault(quarter, {}).setdefault(kind, 0)
                    out["kinds"][quarter][kind] += 1
                    if "severity" in fields:
                        out["severities"][fields["severity"]] = out["severities"].get(fields["severity"], 0) + 1
                else:
                    out["undated"] += 1
                items, current = [], None
                for l in front:
                    if l.startswith("  - title:"):
                        current = {"status": "open"}; items.append(current)
                    elif current is not None and l.startswith("    ") and ":" in l:
                        key, value = l.strip().split(":", 1); current[key] = value.strip()
                    elif not l.startswith(" "):
                        current = None
                for item in items:
                    out["items"]["total"] += 1
                    due = item.get("due", "")
                    is_due = valid(due) and due <= today
                    if item["status"] == "done":
                        out["items"]["done"] += 1
                        if is_due: out["due"] += 1; out["dueDone"] += 1
                    elif item["status"] == "wont-do":
                        out["items"]["wont-do"] += 1
                    else:
                        out["items"]["overdue" if valid(due) and due < today else "open"] += 1
                        if is_due: out["due"] += 1
    print(json.dumps(out))
    """#

    /// Severities are counted in the configured order (SEV1 first), not by frequency.
    @Test func statsOrdersSeveritiesAsConfigured() throws {
        let repo = try TemporaryRepository()
        for (number, severity) in [(1, "SEV3"), (2, "SEV3"), (3, "SEV1")] {
            try repo.write("postmortems/p\(number).md", "---\nid: PM-000\(number)\ntitle: T\(number)\ndate: 2025-0\(number)-10\nstatus: draft\nseverity: \(severity)\n---\n")
        }
        let stats = try lore(["stats", "--today", "2025-06-01"], in: repo)
        let section = stats.stdout.components(separatedBy: "\n\n").first { $0.hasPrefix("BY SEVERITY") }
        #expect(section == "BY SEVERITY PER QUARTER\nQUARTER  SEV1  SEV3\n2025-Q1  1     2\ntotal    1     2")
    }

    @Test func actionsAndStatsMatchTheFiles() throws {
        try #require(FileManager.default.fileExists(atPath: GeneratedCorpusTests.generator))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-followup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try runProcess("/usr/bin/env", ["python3", GeneratedCorpusTests.generator, folder, "--entries", "400", "--commits", "600", "--seed", "3"],
                                       environment: gitEnvironment())
        try #require(generated.status == 0, "\(generated.stderr)")
        let today = "2024-01-01"
        let computed = try runProcess("/usr/bin/env", ["python3", "-c", Self.independent, folder, today], environment: gitEnvironment())
        try #require(computed.status == 0, "\(computed.stderr)")
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(computed.stdout.utf8)) as? [String: Any])
        let items = try #require(truth["items"] as? [String: Int])
        #expect(items["total"]! > 100 && items["done"]! > 0 && items["overdue"]! > 0 && items["open"]! > 0)

        let actions = try lore(["actions", "--format", "json", "--today", today], in: folder)
        #expect(actions.status == 0, "\(actions.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(actions.stdout.utf8)) as? [String: Any])
        #expect(report["counts"] as? [String: Int] == items)
        let overdue = try lore(["actions", "--overdue", "--by", "owner", "--today", today], in: folder)
        #expect(overdue.stdout.hasSuffix("\(items["overdue"]!) action items: 0 open, \(items["overdue"]!) overdue, 0 done, 0 won't do (today \(today))\n"))

        let statsRun = try lore(["stats", "--format", "json", "--today", today], in: folder)
        #expect(statsRun.status == 0, "\(statsRun.stderr)")
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(statsRun.stdout.utf8)) as? [String: Any])
        let breakdowns = try #require(stats["breakdowns"] as? [[String: Any]])
        #expect(breakdowns.first?["dimension"] as? String == "kind")
        #expect(breakdowns.first?["periods"] as? [String: [String: Int]] == truth["kinds"] as? [String: [String: Int]])
        #expect(breakdowns[1]["totals"] as? [String: Int] == truth["severities"] as? [String: Int])
        #expect(stats["undated"] as? Int == truth["undated"] as? Int)
        let figures = try #require(stats["actionItems"] as? [String: Any])
        #expect(figures["total"] as? Int == items["total"])
        #expect(figures["overdue"] as? Int == items["overdue"])
        #expect(figures["due"] as? Int == truth["due"] as? Int)
        #expect(figures["dueDone"] as? Int == truth["dueDone"] as? Int)
    }
}

/// Exact output of `lore actions` and `lore stats` on a small repository.
@Suite struct FollowUpCLITests {
    private func fixture() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025/a.md", """
            ---
            id: PM-0001
            title: Checkout down
            date: 2025-01-10
            status: published
            severity: SEV1
            services: [payments, web]
            started: 2025-01-10T10:00:00Z
            resolved: 2025-01-10T13:30:00+01:00
            action_items:
              - title: Add an alert
                owner: ana
                due: 2025-02-01
              - title: Write the runbook
                owner: bo
                due: 2025-03-01
                status: done
                link: https://example.com/pr/1
            ---

            ## Summary

            Down.

            """)
        // Each postmortem committed a while after it was resolved: time to publish comes from history.
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "PM-0001"], environment: ["GIT_AUTHOR_DATE": "2025-01-12T10:00:00Z", "GIT_COMMITTER_DATE": "2025-01-12T10:00:00Z"])
        try repo.write("postmortems/2025/b.md", """
            ---
            id: PM-0002
            title: Search slow
            date: 2025-04-02
            status: published
            severity: SEV2
            services: [search]
            started: 2025-04-02T08:00:00Z
            resolved: 2025-04-02T14:00:00Z
            action_items:
              - title: Tune the cache
                owner: ana
                due: 2025-09-01
              - title: Rewrite it in Rust
                status: wont-do
            ---

            ## Summary

            Slow.

            """)
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "PM-0002"], environment: ["GIT_AUTHOR_DATE": "2025-04-03T14:00:00Z", "GIT_COMMITTER_DATE": "2025-04-03T14:00:00Z"])
        // A fix whose message names PM-0002 and one of its items: shown with that item.
        try repo.write("src/cache.go", "package cache\n")
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "Tune the cache\n\nLore: PM-0002"],
                     environment: ["GIT_AUTHOR_DATE": "2025-04-10T09:00:00Z", "GIT_COMMITTER_DATE": "2025-04-10T09:00:00Z"])
        return repo
    }

    /// Each item shows the commits that followed it up (its title or its issue in the message of a
    /// commit whose `Lore:` trailer names the entry), not every commit of the postmortem (issue 19).
    @Test func actionsShowEachItemsOwnCommits() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025-03-01-down.md", entryText(id: "PM-0001", title: "Down", extra: """
            severity: SEV2
            services: [web]
            action_items:
              - title: Add an alert
                owner: ana
                due: 2025-06-01
              - title: Fix the flaky retry
                owner: bo
                due: 2025-06-01
                link: https://github.com/acme/web/issues/7

            """))
        try repo.commitAll("PM-0001")
        try repo.write("a.txt", "a\n")
        try repo.commitAll("Add an  ALERT on errors\n\nLore: PM-0001")
        try repo.write("b.txt", "b\n")
        try repo.commitAll("Retry with backoff (#7)\n\nLore: PM-0001")
        try repo.write("c.txt", "c\n")
        try repo.commitAll("Write the timeline (#71)\n\nLore: PM-0001")
        let log = try repo.git(["log", "--format=%h", "--abbrev=7"]).split(separator: "\n").map(String.init)
        #expect(try lore(["actions", "--today", "2025-05-01"], in: repo).stdout == """
            ENTRY    STATE  DUE         OWNER  COMMITS  ITEM
            PM-0001  open   2025-06-01  ana    \(log[2])  Add an alert
            PM-0001  open   2025-06-01  bo     \(log[1])  Fix the flaky retry
            2 action items: 2 open, 0 overdue, 0 done, 0 won't do (today 2025-05-01)

            """)
    }

    @Test func actionsText() throws {
        let repo = try fixture()
        #expect(try lore(["actions", "--today", "2025-05-01"], in: repo) == ProcessResult(stdout: """
            ENTRY    STATE    DUE         OWNER  COMMITS  ITEM
            PM-0001  overdue  2025-02-01  ana    -        Add an alert
            PM-0001  done     2025-03-01  bo     -        Write the runbook
            PM-0002  open     2025-09-01  ana    13cc119  Tune the cache
            PM-0002  wont-do  -           -      -        Rewrite it in Rust
            4 action items: 1 open, 1 overdue, 1 done, 1 won't do (today 2025-05-01)

            """, stderr: "", status: 0))
        #expect(try lore(["actions", "--today", "2025-05-01", "--by", "service", "--open"], in: repo).stdout == """
            SERVICE   STATE    DUE         ENTRY    COMMITS  ITEM
            payments  overdue  2025-02-01  PM-0001  -        Add an alert
            search    open     2025-09-01  PM-0002  13cc119  Tune the cache
            web       overdue  2025-02-01  PM-0001  -        Add an alert
            2 action items: 1 open, 1 overdue, 0 done, 0 won't do (today 2025-05-01)

            """)
        // The fix commit carries `Lore: PM-0002` and says "Tune the cache": shown with that item
        // only, not with every item of the postmortem (issue 19).
        #expect(try lore(["actions", "--today", "2025-05-01", "--owner", "ana", "--format", "markdown"], in: repo).stdout.contains(
            "- [ ] Tune the cache — ana, due 2025-09-01 (commits 13cc119)\n"))
        #expect(try lore(["actions", "--today", "2025-05-01", "--owner", "bo", "--format", "markdown"], in: repo).stdout == """
            ### PM-0001: Checkout down

            - [x] Write the runbook — bo, due 2025-03-01 <https://example.com/pr/1>

            1 action item: 0 open, 0 overdue, 1 done, 0 won't do (today 2025-05-01)

            """)
    }

    @Test func statsText() throws {
        let repo = try fixture()
        #expect(try lore(["stats", "--today", "2025-05-01"], in: repo) == ProcessResult(stdout: """
            2 entries

            BY KIND PER QUARTER
            QUARTER  postmortem
            2025-Q1  1
            2025-Q2  1
            total    2

            BY SEVERITY PER QUARTER
            QUARTER  SEV1  SEV2
            2025-Q1  1     0
            2025-Q2  0     1
            total    1     1

            BY SERVICE PER QUARTER
            QUARTER  payments  search  web
            2025-Q1  1         0       1
            2025-Q2  0         1       0
            total    1         1       1

            TIME TO RESOLVE (hours, resolved - started)
            SEVERITY  COUNT  MEDIAN  MEAN  MAX
            all       2      4.2     4.2   6.0
            SEV1      1      2.5     2.5   2.5
            SEV2      1      6.0     6.0   6.0

            TIME TO PUBLISH (hours, first commit of the postmortem - resolved)
            COUNT  MEDIAN  MEAN  MAX
            2      34.8    34.8  45.5

            ACTION ITEMS (today 2025-05-01)
            4 total: 1 open, 1 overdue, 1 done, 1 won't do
            due by today: 2, done: 1 (50.0%)

            """, stderr: "", status: 0))
    }
}
