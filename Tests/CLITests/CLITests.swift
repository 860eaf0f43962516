import Foundation
import Testing
import TestSupport

/// Runs the real `lore` binary.
/// A repository with one entry of each built-in kind, committed.
private func sampleRepository() throws -> TemporaryRepository {
    let repo = try TemporaryRepository()
    try repo.write("postmortems/2025/2025-03-14-failover.md", entryText(
        id: "PM-0001", title: "Database failover took 40 minutes",
        extra: "severity: SEV2\ntags: [database, failover]\n",
        body: "## Summary\n\nSee [[LL-0001]] and [the decision](../../decisions/0001-replicas.md).\n"))
    try repo.write("lessons/test-failover.md", entryText(id: "LL-0001", title: "Test failover monthly", status: "active",
                                                         extra: "tags: [database]\n"))
    try repo.write("decisions/0001-replicas.md", entryText(id: "DR-0001", title: "Run two replicas", status: "accepted"))
    try repo.write("lessons/README.md", "# Not an entry\n")
    try repo.write("lessons/_draft.md", "not an entry either\n")
    try repo.commitAll("memory")
    return repo
}

@Suite struct CLITests {
    @Test func version() throws {
        let result = try lore(["--version"], in: "/")
        #expect(result == ProcessResult(stdout: "lore 0.1.0 (commit unknown)\n", stderr: "", status: 0))
    }

    @Test func helpDocumentsExitCodes() throws {
        let result = try lore(["help"], in: "/")
        #expect(result.status == 0)
        #expect(result.stdout.contains("EXIT CODES"))
        #expect(result.stdout.contains("3  repository environment error"))
        #expect(result.stdout.contains("list"))
    }

    /// `lore -C DIR COMMAND` runs as if started in DIR, as `git -C` does: several compose, a
    /// folder that does not exist is a usage error naming it.
    @Test func leadingDashCChangesFolderLikeGit() throws {
        let repo = try sampleRepository()
        let inside = try lore(["list", "--format", "paths"], in: repo.path)
        #expect(inside.status == 0)
        #expect(try lore(["-C", repo.path, "list", "--format", "paths"], in: "/") == inside)
        #expect(try lore(["-C", repo.base, "-C", "repo", "list", "--format", "paths"], in: "/") == inside)
        #expect(try lore(["-C\(repo.path)", "list", "--format", "paths"], in: "/") == inside)
        #expect(try lore(["-C", repo.base + "/missing", "list"], in: "/") ==
                ProcessResult(stdout: "", stderr: "error: cannot change to '\(repo.base)/missing': No such file or directory\n", status: 2))
        #expect(try lore(["-C"], in: "/") == ProcessResult(stdout: "", stderr: "error: -C needs a folder: lore -C DIR COMMAND\n", status: 2))
    }

    /// `--color always` colours even into a pipe, `never` never does, and an empty NO_COLOR does
    /// not turn colour off (no-color.org: only a non-empty value does).
    @Test func checkColorChoice() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "---\nid: LL-0001\ntitle: T\ndate: 2025-01-01\nstatus: active\n---\n\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n")
        let plain = "lessons/a.md:6:1: error: missing section '## How to apply' [missing-section]\n1 error, 0 warnings in 1 entry\n"
        #expect(try lore(["check", "--color", "never"], in: repo) == ProcessResult(stdout: plain, stderr: "", status: 1))
        #expect(try lore(["check"], in: repo, environment: ["NO_COLOR": ""]) == ProcessResult(stdout: plain, stderr: "", status: 1))
        let coloured = try lore(["check", "--color", "always"], in: repo, environment: ["NO_COLOR": ""])
        #expect(coloured.stdout.hasPrefix("\u{1B}[1mlessons/a.md:6:1:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m missing section '## How to apply' \u{1B}[2m[missing-section]\u{1B}[0m\n"))
        #expect(coloured.status == 1)
    }

    @Test func listTable() throws {
        let repo = try sampleRepository()
        let result = try lore(["list"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            ID       KIND        DATE        STATUS     TITLE
            PM-0001  postmortem  2025-03-14  published  Database failover took 40 minutes
            LL-0001  lesson      2025-03-14  active     Test failover monthly
            DR-0001  decision    2025-03-14  accepted   Run two replicas

            """, stderr: "", status: 0))
    }

    @Test func listFiltersAndPaths() throws {
        let repo = try sampleRepository()
        #expect(try lore(["list", "--tag", "database", "--format", "paths"], in: repo.path).stdout
            == "postmortems/2025/2025-03-14-failover.md\nlessons/test-failover.md\n")
        #expect(try lore(["list", "--kind", "lesson", "--format", "paths"], in: repo.path).stdout == "lessons/test-failover.md\n")
        #expect(try lore(["list", "--status", "accepted", "--format", "paths"], in: repo.path).stdout == "decisions/0001-replicas.md\n")
        let unknown = try lore(["list", "--kind", "retro"], in: repo.path)
        #expect(unknown == ProcessResult(stdout: "", stderr: "error: unknown kind 'retro'; this repository has postmortem, lesson, decision\n", status: 2))
    }

    @Test func listJSONLines() throws {
        let repo = try sampleRepository()
        let result = try lore(["list", "--kind", "decision", "--format", "jsonl"], in: repo.path)
        #expect(result.stderr == "" && result.status == 0)
        #expect(result.stdout == #"{"authors":[],"date":"2025-03-14","fields":{"date":"2025-03-14","id":"DR-0001","status":"accepted","title":"Run two replicas"},"headings":[{"level":1,"line":8,"title":"Run two replicas"},{"level":2,"line":10,"title":"Summary"}],"id":"DR-0001","kind":"decision","links":[],"path":"decisions/0001-replicas.md","status":"accepted","tags":[],"title":"Run two replicas"}"# + "\n")
    }

    @Test func listJSONIsAnArrayOfEveryEntry() throws {
        let repo = try sampleRepository()
        let result = try lore(["list", "--format", "json"], in: repo.path)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["id"] as? String } == ["PM-0001", "LL-0001", "DR-0001"])
        let links = try #require(array[0]["links"] as? [[String: Any]])
        #expect(links.map { $0["kind"] as? String } == ["wiki", "inline"])
        #expect(try lore(["list", "--format", "json", "--kind", "lesson", "--status", "nope"], in: repo.path).stdout == "[]\n")
    }

    @Test func showText() throws {
        let repo = try sampleRepository()
        let result = try lore(["show", "PM-0001"], in: repo.path + "/lessons")
        #expect(result == ProcessResult(stdout: """
            PM-0001  Database failover took 40 minutes
            path:    postmortems/2025/2025-03-14-failover.md
            kind:    postmortem
            front-matter:
              id: PM-0001
              title: Database failover took 40 minutes
              date: 2025-03-14
              status: published
              severity: SEV2
              tags: [database, failover]
            sections:
              12  Summary
            links:
              14:5   wiki    LL-0001
              14:21  inline  ../../decisions/0001-replicas.md

            """, stderr: "", status: 0))
    }

    @Test func showJSONAndByPath() throws {
        let repo = try sampleRepository()
        let byID = try lore(["show", "LL-0001", "--format", "json"], in: repo.path)
        let byPath = try lore(["show", "lessons/test-failover.md", "--format", "json"], in: repo.path)
        #expect(byID.status == 0 && byID == byPath)
        #expect(byID.stdout.hasPrefix("{\n  \"authors\": [],\n  \"date\": \"2025-03-14\",\n"))
    }

    @Test func showUnknownID() throws {
        let repo = try sampleRepository()
        #expect(try lore(["show", "PM-9999"], in: repo.path)
            == ProcessResult(stdout: "", stderr: "error: no entry with id 'PM-9999' in the working tree\n", status: 2))
    }

    @Test func snapshotsThroughTheCLI() throws {
        let repo = try sampleRepository()
        try repo.write("lessons/test-failover.md", entryText(id: "LL-0001", title: "Staged title", status: "active"))
        try repo.git(["add", "-A"])
        try repo.write("lessons/test-failover.md", entryText(id: "LL-0001", title: "Working title", status: "active"))
        func title(_ arguments: [String], _ environment: [String: String] = [:]) throws -> String {
            try lore(["list", "--kind", "lesson"] + arguments, in: repo.path, environment: environment).stdout
                .split(separator: "\n").last.map { String($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).joined(separator: " ")) } ?? ""
        }
        #expect(try title([]) == "Working title")
        #expect(try title(["--staged"]) == "Staged title")
        #expect(try title(["--rev", "HEAD"]) == "Test failover monthly")

        // A hook during `git commit -a` sees GIT_INDEX_FILE pointing at the index being committed.
        let hookIndex = repo.base + "/index.lock"
        try FileManager.default.copyItem(atPath: repo.path + "/.git/index", toPath: hookIndex)
        try repo.git(["add", "-A"], environment: ["GIT_INDEX_FILE": hookIndex])
        #expect(try title(["--staged"], ["GIT_INDEX_FILE": hookIndex]) == "Working title")
        #expect(try title(["--staged"]) == "Staged title")

        let both = try lore(["list", "--staged", "--rev", "HEAD"], in: repo.path)
        #expect(both.status == 2 && both.stderr.contains("--rev and --staged cannot be used together"))
    }

    @Test func badEntriesAreReportedAndTheRestListed() throws {
        let repo = try sampleRepository()
        try repo.write("lessons/broken.md", "---\nid: LL-0002\ntitle: [unclosed\n---\n")
        try repo.write("lessons/tabs.md", "---\nid: LL-0003\nlist:\n\t- a\n---\n")
        try repo.write("lessons/huge.md", "---\nid: LL-0004\n---\n" + String(repeating: "x", count: 5 << 20))
        let result = try lore(["list", "--format", "paths"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout == "postmortems/2025/2025-03-14-failover.md\nlessons/test-failover.md\ndecisions/0001-replicas.md\n")
        #expect(result.stderr == """
            lessons/broken.md:4:1: error: while parsing a flow sequence: did not find expected ',' or ']' [invalid-yaml]
            lessons/huge.md:1:1: error: file of 5242900 bytes is larger than max_file_size (1048576 bytes); not read [file-too-large]
            lessons/tabs.md:4:1: error: while scanning for the next token: found character that cannot start any token (tabs cannot indent YAML; use spaces) [invalid-yaml]

            """)
    }

    @Test func invalidConfigurationIsAUsageError() throws {
        let repo = try sampleRepository()
        try repo.write(".lore/config.yml", "version: 1\nkinds:\n  lesson:\n    dir: lessons\n    ids: counter\n")
        let result = try lore(["list"], in: repo.path)
        #expect(result == ProcessResult(stdout: "", stderr: ".lore/config.yml:5:10: error: 'ids' must be sequence, date or random\n", status: 2))
    }

    @Test func configuredKindsAreRead() throws {
        let repo = try sampleRepository()
        try repo.write(".lore/config.yml", "version: 1\nkinds:\n  retrospective:\n    dir: retros\n    prefix: RT\n    statuses: [open, closed]\n")
        try repo.write("retros/q1.md", entryText(id: "RT-0001", title: "Q1 retro", status: "open"))
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "retros/q1.md\n")
    }

    @Test func notARepository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try lore(["list"], in: folder)
        #expect(result.status == 3)
        #expect(result.stderr == "error: opening the repository at \(folder): not a git repository (or any of the parent folders)\n")
    }

    @Test func bareRepository() throws {
        let repo = try sampleRepository()
        let bare = repo.base + "/bare.git"
        try repo.git(["clone", "-q", "--bare", repo.path, bare])
        let refused = try lore(["list"], in: bare)
        #expect(refused == ProcessResult(stdout: "", stderr: "error: reading the working tree: a bare repository has no working tree; read a commit with --rev REV\n", status: 3))
        #expect(try lore(["list", "--rev", "main", "--format", "paths"], in: bare).stdout.split(separator: "\n").count == 3)
        #expect(try lore(["init"], in: bare).status == 3)
    }

    @Test func initWritesOnceAndNeverOverwrites() throws {
        let repo = try TemporaryRepository()
        let first = try lore(["init"], in: repo.path)
        #expect(first == ProcessResult(stdout: "created .lore/config.yml with kinds postmortem (postmortems/, PM-), lesson (lessons/, LL-), decision (decisions/, DR-), retrospective (retrospectives/, RT-)\n", stderr: "", status: 0))
        let written = try String(contentsOfFile: repo.path + "/.lore/config.yml", encoding: .utf8)
        #expect(written.hasPrefix("# Lore configuration"))
        try "mine\n".write(toFile: repo.path + "/.lore/config.yml", atomically: false, encoding: .utf8)
        let second = try lore(["init"], in: repo.path)
        #expect(second == ProcessResult(stdout: "", stderr: "error: .lore/config.yml already exists; left unchanged\n", status: 1))
        #expect(try String(contentsOfFile: repo.path + "/.lore/config.yml", encoding: .utf8) == "mine\n")
        // What init writes is a valid configuration with the built-in kinds.
        try FileManager.default.removeItem(atPath: repo.path + "/.lore/config.yml")
        _ = try lore(["init"], in: repo.path)
        #expect(try lore(["list"], in: repo.path).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.lore") == ["config.yml"])
    }

    @Test func usageErrorsExitWithTwo() throws {
        let result = try lore(["list", "--format", "xml"], in: "/")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--format"))
    }

    @Test func unbornBranch() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active"))
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\n")
        #expect(try lore(["list", "--rev", "HEAD"], in: repo.path)
            == ProcessResult(stdout: "", stderr: "error: resolving the revision 'HEAD': HEAD has no commit yet (unborn branch)\n", status: 3))
    }
}
