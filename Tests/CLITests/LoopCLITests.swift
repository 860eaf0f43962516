import Foundation
import Testing
import TestSupport

/// The learning loop end to end: `lore similar`, recurring incidents, review dates, status
/// lifecycles through a real `git commit` with Lore's hook, and the action calendar.
@Suite struct LoopCLITests {
    static let lessonBody = "\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"

    static func lesson(_ id: String, status: String, _ extra: String = "") -> String {
        "---\nid: \(id)\ntitle: Lesson \(id)\ndate: 2025-03-14\nstatus: \(status)\n\(extra)---\n\(lessonBody)"
    }

    static func postmortem(_ id: String, date: String, services: String, items: String = "", title: String = "Outage") -> String {
        "---\nid: \(id)\ntitle: \(title)\ndate: \(date)\nstatus: draft\nseverity: SEV2\nservices: \(services)\n\(items)---\n\nThe database failed over.\n"
    }

    // MARK: Similar

    @Test func similarByIDTextAndStandardInput() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-03-14", services: "[payments]", title: "Database failover was slow"))
        try repo.write("postmortems/b.md", Self.postmortem("PM-0002", date: "2025-04-14", services: "[payments]", title: "Failover again"))
        try repo.write("lessons/c.md", Self.lesson("LL-0001", status: "active", "tags: [cooking]\n"))
        let byID = try lore(["similar", "PM-0002"], in: repo)
        #expect(byID.status == 0)
        #expect(byID.stdout == "PM-0001  postmortem  2025-03-14  Database failover was slow  (1.342)\n  postmortems/a.md\n  words: database, failover, fail; service: payments\n")
        let text = try lore(["similar", "--text", "slow failover", "--format", "json", "--limit", "1"], in: repo)
        #expect(text.stdout.contains("\"id\" : \"PM-0001\""))
        let draft = try lore(["similar", "-"], in: repo, stdin: "---\nid: PM-0009\ntitle: Database failover\ndate: 2025-05-01\nstatus: draft\n---\n")
        #expect(draft.stdout.hasPrefix("PM-0001  postmortem"))
        let none = try lore(["similar", "--text", "zebra"], in: repo)
        #expect(none.status == 0 && none.stdout == "" && none.stderr == "no similar entry\n")
        let unknown = try lore(["similar", "PM-0404"], in: repo)
        #expect(unknown.status == 2 && unknown.stderr == "error: no entry has the id 'PM-0404'\n")
    }

    // MARK: Recurrence

    @Test func recurrenceWithOpenDoneAndOverdueItems() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-03-14", services: "[payments]",
            items: "action_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n  - title: Write a runbook\n    owner: bo\n    due: 2025-09-01\n  - title: Done already\n    status: done\n"))
        try repo.write("postmortems/b.md", Self.postmortem("PM-0002", date: "2025-03-20", services: "[search]",
            items: "action_items:\n  - title: Only done\n    status: done\n"))
        try repo.write("postmortems/c.md", Self.postmortem("PM-0003", date: "2025-05-01", services: "[payments, search]"))
        let check = try lore(["check", "--today", "2025-05-02", "postmortems/c.md"], in: repo)
        let findings = check.stdout.split(separator: "\n").filter { $0.contains("[recurring-incident]") }
        // The open and the overdue item are named; PM-0002's items are all done, so it is not.
        #expect(findings == ["postmortems/c.md:2:5: warning: repeats PM-0001 (service payments), whose action items are still open: 'Add an alert', 'Write a runbook' [recurring-incident]"])
        // Once every item is done (or won't do), nothing repeats.
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-03-14", services: "[payments]",
            items: "action_items:\n  - title: Add an alert\n    status: done\n  - title: Write a runbook\n    status: wont-do\n"))
        #expect(!(try lore(["check", "--today", "2025-05-02"], in: repo)).stdout.contains("recurring-incident"))
        // An earlier postmortem never repeats a later one.
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-06-14", services: "[payments]",
            items: "action_items:\n  - title: Add an alert\n"))
        #expect(!(try lore(["check", "--today", "2025-05-02"], in: repo)).stdout.contains("recurring-incident"))
    }

    @Test func statsCountsRepeatsPerService() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-03-14", services: "[payments]",
            items: "action_items:\n  - title: Add an alert\n"))
        try repo.write("postmortems/b.md", Self.postmortem("PM-0002", date: "2025-04-14", services: "[payments]"))
        try repo.write("postmortems/c.md", Self.postmortem("PM-0003", date: "2025-05-14", services: "[payments]"))
        let stats = try lore(["stats", "--format", "json"], in: repo)
        #expect(stats.stdout.contains("\"repeats\""))
        #expect(stats.stdout.contains("\"payments\""))
    }

    @Test func sitesLoopPageListsEachRepeatOnceWithItsMostRecentEarlierOnes() throws {
        let repo = try TemporaryRepository()
        let open = "action_items:\n  - title: Add an alert\n"
        for month in 1...5 {
            try repo.write("postmortems/p\(month).md", Self.postmortem("PM-000\(month)", date: "2025-0\(month)-10", services: "[payments]", items: open))
        }
        try repo.commitAll("Five payments outages")
        let out = repo.base + "/site"
        // The postmortems are drafts: --include-drafts publishes them.
        #expect(try lore(["publish", "--out", out, "--today", "2025-06-01", "--include-drafts"], in: repo).status == 0)
        let page = try String(contentsOfFile: out + "/loop.html", encoding: .utf8)
        let repeats = page[page.range(of: "<h2 id=\"repeats\">")!.upperBound...].prefix { $0 != "§" }
        let list = String(repeats[..<repeats.range(of: "</section>")!.lowerBound])
        // PM-0005 repeats four earlier ones: the three most recent are named, then a count.
        #expect(list.contains("<a href=\"entries/pm-0005.html\">PM-0005 · Outage</a> repeats<ul><li><a href=\"entries/pm-0004.html\">PM-0004 · Outage</a> <span class=\"meta\">service payments · still open: Add an alert</span></li><li><a href=\"entries/pm-0003.html\">PM-0003 · Outage</a>"))
        #expect(list.contains("<li class=\"meta\">and 1 earlier</li></ul></li>"))
        // Each repeating postmortem once: PM-0002 … PM-0005.
        #expect(list.components(separatedBy: " repeats<ul>").count - 1 == 4)
    }

    // MARK: Review dates

    @Test func reviewDatesWithAndWithoutReviewed() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/config.yml", "kinds:\n  decision:\n    review_every_days: 365\n")
        let body = "\n## Context and problem statement\n\nc\n\n## Decision drivers\n\nd\n\n## Considered options\n\no\n\n## Decision outcome\n\no\n\n## Consequences\n\nc\n"
        try repo.write("decisions/0001-a.md", "---\nid: DR-0001\ntitle: Old\ndate: 2024-01-10\nstatus: accepted\ndeciders: [carla]\n---\n" + body)
        try repo.write("decisions/0002-b.md", "---\nid: DR-0002\ntitle: Reviewed\ndate: 2024-01-10\nstatus: accepted\nreviewed: 2025-02-01\n---\n" + body)
        try repo.write("decisions/0003-c.md", "---\nid: DR-0003\ntitle: Explicit\ndate: 2025-01-10\nstatus: accepted\nreview_by: 2025-03-01\nauthors: [dan]\n---\n" + body)
        try repo.write("decisions/0004-d.md", "---\nid: DR-0004\ntitle: Gone\ndate: 2020-01-10\nstatus: rejected\n---\n" + body)
        let check = try lore(["check", "--today", "2025-05-01"], in: repo)
        #expect(check.stdout == """
            decisions/0001-a.md:5:9: warning: DR-0001 was due for review on 2025-01-09 (owner carla); set 'reviewed: DATE' once it is checked [review-due]
            decisions/0003-c.md:5:9: warning: DR-0003 was due for review on 2025-03-01 (owner dan); set 'reviewed: DATE' once it is checked [review-due]
            0 errors, 2 warnings in 4 entries

            """)
        let actions = try lore(["actions", "--today", "2025-05-01"], in: repo)
        #expect(actions.stdout == """

            REVIEW   STATE    DUE         OWNER  TITLE
            DR-0001  overdue  2025-01-09  carla  Old
            DR-0003  overdue  2025-03-01  dan    Explicit
            DR-0002  open     2026-02-01  -      Reviewed
            3 reviews: 2 overdue

            0 action items: 0 open, 0 overdue, 0 done, 0 won't do (today 2025-05-01)

            """)
        // Setting `reviewed` clears it.
        try repo.write("decisions/0003-c.md", "---\nid: DR-0003\ntitle: Explicit\ndate: 2025-01-10\nstatus: accepted\nreview_by: 2025-03-01\nreviewed: 2025-04-01\n---\n" + body)
        #expect(!(try lore(["check", "--today", "2025-05-01"], in: repo)).stdout.contains("DR-0003"))
        // A commit changing an entry counts as a review (the test commits are dated 2025-01-02): DR-0001's
        // year starts again; DR-0003's explicit review_by is later than the commit, so it stays.
        try repo.write("decisions/0003-c.md", "---\nid: DR-0003\ntitle: Explicit\ndate: 2025-01-10\nstatus: accepted\nreview_by: 2025-03-01\nauthors: [dan]\n---\n" + body)
        try repo.commitAll("reviewed by editing")
        #expect(try lore(["check", "--today", "2025-05-01"], in: repo).stdout == """
            decisions/0003-c.md:5:9: warning: DR-0003 was due for review on 2025-03-01 (owner dan); set 'reviewed: DATE' once it is checked [review-due]
            0 errors, 1 warning in 4 entries

            """)
        #expect(try lore(["actions", "--today", "2025-05-01", "--overdue"], in: repo).stdout.contains("DR-0003  overdue  2025-03-01  dan"))
        #expect(!(try lore(["actions", "--today", "2025-05-01", "--overdue"], in: repo)).stdout.contains("DR-0001"))
        // A bad period is a configuration error naming its place.
        try repo.write(".lore/config.yml", "kinds:\n  decision:\n    review_every_days: soon\n")
        let bad = try lore(["check"], in: repo)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains(".lore/config.yml:3:24: error: 'review_every_days' must be a whole number of days above 0"))
    }

    // MARK: Status lifecycles through the hook

    static var hookEnvironment: [String: String] {
        let folder = URL(fileURLWithPath: loreBinary).deletingLastPathComponent().path
        return ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    static let lifecycle: [String: [String]] = ["draft": ["active"], "active": ["superseded", "archived"], "superseded": [], "archived": ["active"]]

    @Test func everyLifecycleTransitionAllowedAndRefusedByTheHook() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/config.yml", "kinds:\n  lesson:\n    transitions: { draft: [active], active: [superseded, archived], superseded: [], archived: [active] }\n")
        try repo.write("lessons/a.md", Self.lesson("LL-0001", status: "draft"))
        try repo.write("lessons/b.md", Self.lesson("LL-0002", status: "active", "supersedes: [LL-0001]\n"))
        try repo.commitAll("first")
        let installed = try lore(["hooks", "install"], in: repo.path, environment: Self.hookEnvironment)
        try #require(installed.status == 0)
        let statuses = ["draft", "active", "superseded", "archived"]
        for from in statuses {
            for to in statuses where to != from {
                let successor = "superseded_by: [LL-0002]\n"
                try repo.write("lessons/a.md", Self.lesson("LL-0001", status: from, from == "superseded" ? successor : ""))
                try repo.git(["add", "-A"])
                try repo.git(["commit", "-q", "--no-verify", "--allow-empty", "-m", "set \(from)"])
                try repo.write("lessons/a.md", Self.lesson("LL-0001", status: to, to == "superseded" ? successor : ""))
                let commit = try runProcess("/usr/bin/git", ["commit", "-q", "-a", "-m", "\(from) to \(to)"], in: repo.path,
                                            environment: gitEnvironment(Self.hookEnvironment))
                let allowed = Self.lifecycle[from]!.contains(to)
                if allowed {
                    #expect(commit.status == 0, "\(from) → \(to): \(commit.stderr)")
                } else {
                    let next = Self.lifecycle[from]!.isEmpty ? "it is final" : "it may change to \(Self.lifecycle[from]!.joined(separator: ", "))"
                    #expect(commit.status == 1, "\(from) → \(to)")
                    #expect(commit.stderr.contains("lessons/a.md:5:9: error: status changed from '\(from)' to '\(to)', which the lesson lifecycle does not allow: from '\(from)' \(next) [status-transition]"),
                            "\(from) → \(to): \(commit.stderr)")
                    try repo.git(["reset", "-q", "--hard", "HEAD"])
                }
            }
        }
    }

    @Test func supersededNeedsItsSuccessorEvenWithoutALifecycle() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001", status: "active"))
        try repo.commitAll("first")
        try repo.write("lessons/a.md", Self.lesson("LL-0001", status: "superseded"))
        try repo.git(["add", "-A"])
        let staged = try lore(["check", "--staged"], in: repo)
        #expect(staged.status == 1)
        #expect(staged.stdout.contains("lessons/a.md:5:9: error: status changed to 'superseded' without naming the successor: add 'superseded_by: [ID]' [status-transition]"))
        // The working tree alone has no previous status to judge against.
        #expect(!(try lore(["check"], in: repo)).stdout.contains("status-transition"))
        #expect((try lore(["check", "--changed-since", "HEAD"], in: repo)).stdout.contains("[status-transition]"))
    }

    /// Two entries holding one id (a `duplicate-id`) are each compared with their own file's
    /// earlier status, not with the other's: the bench corpus's duplicate ids made the hook refuse
    /// every edit of a superseded lesson ("status changed to 'superseded'") when its twin was active.
    @Test func duplicateIdsAreComparedWithTheirOwnFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001", status: "active"))
        try repo.write("lessons/b.md", Self.lesson("LL-0001", status: "superseded"))
        try repo.commitAll("first")
        try repo.write("lessons/b.md", Self.lesson("LL-0001", status: "superseded") + "\nEdited.\n")
        try repo.git(["add", "-A"])
        for arguments in [["check", "--staged"], ["check", "--staged", "--changed-since", "HEAD"]] {
            let staged = try lore(arguments, in: repo)
            #expect(!staged.stdout.contains("[status-transition]"), "\(arguments): \(staged.stdout)")
        }
        // Moved, with an id one entry held: still compared.
        try repo.git(["reset", "-q", "--hard"])
        try repo.write("lessons/c.md", Self.lesson("LL-0002", status: "active"))
        try repo.commitAll("second")
        try repo.git(["mv", "lessons/c.md", "lessons/d.md"])
        try repo.write("lessons/d.md", Self.lesson("LL-0002", status: "superseded"))
        try repo.git(["add", "-A"])
        let moved = try lore(["check", "--staged"], in: repo)
        #expect(moved.stdout.contains("lessons/d.md:5:9: error: status changed to 'superseded' without naming the successor: add 'superseded_by: [ID]' [status-transition]"),
                "\(moved.stdout)")
    }

    @Test func transitionsNamingUnknownStatusesAreRefused() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/config.yml", "kinds:\n  lesson:\n    transitions: { draft: [published] }\n")
        let result = try lore(["check"], in: repo)
        #expect(result.status == 2)
        #expect(result.stderr.contains("'transitions' of 'draft' names 'published', which is not one of the statuses of kind 'lesson' (draft, active, superseded, archived)"))
    }

    // MARK: Calendar

    static func calendarRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/a.md", Self.postmortem("PM-0001", date: "2025-03-14", services: "[payments]",
            items: "action_items:\n  - title: Add an alert, then; a runbook \\\\ with a very long title that needs folding across several lines é日本\n    owner: ana\n    due: 2025-04-01\n  - title: Later\n    owner: bo\n    due: 2025-09-01\n  - title: Finished\n    due: 2025-01-01\n    status: done\n  - title: Undated\n"))
        try repo.write("decisions/0001-a.md", "---\nid: DR-0001\ntitle: Keep two replicas\ndate: 2024-01-10\nstatus: accepted\nreview_by: 2025-02-01\ndeciders: [carla]\n---\n")
        return repo
    }

    @Test func calendarIsStableFoldedAndCRLF() throws {
        let repo = try Self.calendarRepository()
        let first = try lore(["actions", "--format", "ics", "--today", "2025-05-01"], in: repo)
        #expect(first.status == 0)
        #expect(first.stdout == (try lore(["actions", "--format", "ics", "--today", "2025-05-01"], in: repo)).stdout)
        let lines = first.stdout.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 && !$0.contains("\n") })
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 3)
        #expect(lines.contains("DTSTAMP:20250501T000000Z"))
        #expect(lines.contains("UID:review-DR-0001@lore"))
        // SOURCE_DATE_EPOCH gives the same stamp as --today.
        let epoch = try lore(["actions", "--format", "ics"], in: repo, environment: ["SOURCE_DATE_EPOCH": "1746057600"])
        #expect(epoch.stdout == first.stdout)
        let csv = try lore(["actions", "--format", "csv", "--today", "2025-05-01"], in: repo)
        #expect(csv.stdout.hasPrefix("type,date,state,entry,owner,title,path,uid\r\nreview,2025-02-01,overdue,DR-0001,carla,Review DR-0001: Keep two replicas,decisions/0001-a.md,review-DR-0001@lore\r\naction,2025-04-01,overdue,PM-0001,ana,\"PM-0001: Add an alert, then; a runbook"))
    }

    /// The CI recipe opens one issue per overdue item with `gh`, and none the second time: the
    /// marker in each body is the item's stable UID. `gh` is a stand-in that keeps issues as files.
    @Test func overdueIssuesRecipeIsIdempotent() throws {
        let repo = try Self.calendarRepository()
        let bin = repo.base + "/fake-bin", store = repo.base + "/issues"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let gh = """
            #!/bin/sh
            case "$1 $2" in
            "issue list") exec python3 -c 'import glob, json, sys; print(json.dumps([{"body": open(f).read()} for f in sorted(glob.glob(sys.argv[1] + "/*"))]))' "$FAKE_GH_STORE" ;;
            "issue create")
                shift 2
                while [ $# -gt 0 ]; do case "$1" in --body) body="$2"; shift ;; --title) title="$2"; shift ;; esac; shift; done
                n=$(ls "$FAKE_GH_STORE" | wc -l)
                printf '%s\n%s' "$title" "$body" > "$FAKE_GH_STORE/$n" ;;
            *) exit 1 ;;
            esac
            """
        try gh.write(toFile: bin + "/gh", atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/gh")
        let script = packageRoot.appendingPathComponent("Examples/ci/open-overdue-issues.py").path
        let environment = gitEnvironment(["PATH": bin + ":/usr/bin:/bin", "FAKE_GH_STORE": store])
        let arguments = [script, "--forge", "github", "--today", "2025-05-01", "--lore", loreBinary]
        let first = try runProcess("/usr/bin/python3", arguments, in: repo.path, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "opened: Review: Review DR-0001: Keep two replicas\nopened: Overdue action item: PM-0001: Add an alert, then; a runbook \\\\ with a very long title that needs folding across several lines é日本\n")
        #expect(first.stderr == "2 issues opened, 0 already tracked\n")
        let second = try runProcess("/usr/bin/python3", arguments, in: repo.path, environment: environment)
        #expect(second.stdout == "" && second.stderr == "0 issues opened, 2 already tracked\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store).count == 2)
        let body = try String(contentsOfFile: store + "/0", encoding: .utf8)
        #expect(body.hasSuffix("<!-- lore-action: review-DR-0001@lore -->"))
    }

    static let icalPython = packageRoot.appendingPathComponent(".build/venv-ical/bin/python").path

    /// The calendar read by the `icalendar` package (PyPI; `make ical-deps`).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LoopCLITests.icalPython)))
    func calendarParsesWithIcalendar() throws {
        let repo = try Self.calendarRepository()
        let ics = try lore(["actions", "--format", "ics", "--today", "2025-05-01"], in: repo).stdout
        let script = """
            import sys, icalendar
            calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
            for event in calendar.walk('VEVENT'):
                print(event['UID'], event.decoded('DTSTART').isoformat(), event.decoded('DTSTAMP').isoformat(), str(event['SUMMARY']), sep=' | ')
                print('  ' + str(event['DESCRIPTION']).replace('\\n', ' / '))
            """
        let parsed = try runProcess(Self.icalPython, ["-c", script], stdin: ics)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout == """
            review-DR-0001@lore | 2025-02-01 | 2025-05-01T00:00:00+00:00 | Review DR-0001: Keep two replicas
              Owner: carla / Entry: DR-0001 / State: overdue / File: decisions/0001-a.md
            action-PM-0001-\(Self.uidHash)@lore | 2025-04-01 | 2025-05-01T00:00:00+00:00 | PM-0001: Add an alert, then; a runbook \\\\ with a very long title that needs folding across several lines é日本
              Owner: ana / Entry: PM-0001 / State: overdue / File: postmortems/a.md
            action-PM-0001-\(Self.laterHash)@lore | 2025-09-01 | 2025-05-01T00:00:00+00:00 | PM-0001: Later
              Owner: bo / Entry: PM-0001 / State: open / File: postmortems/a.md

            """)
    }

    static let uidHash = "1e0cf575bd67e8ea"
    static let laterHash = "b718fbf789a9f5c9"
}
