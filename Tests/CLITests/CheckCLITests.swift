import Foundation
import Testing
import TestSupport

private let lessonBody = "\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"

private func lesson(_ id: String, _ extra: String = "", body: String = lessonBody) -> String {
    "---\nid: \(id)\ntitle: Lesson \(id)\ndate: 2025-03-14\nstatus: active\n\(extra)---\n\(body)"
}

/// Two lessons, the second linking to the first by id; committed.
private func linkedRepository() throws -> TemporaryRepository {
    let repo = try TemporaryRepository()
    try repo.write("lessons/a.md", lesson("LL-0001"))
    try repo.write("lessons/b.md", lesson("LL-0002", "related: [LL-0001]\n", body: lessonBody + "\nSee [[LL-0001]].\n"))
    try repo.commitAll("lessons")
    return repo
}

@Suite struct CheckCLITests {
    @Test func cleanRepositoryPasses() throws {
        let repo = try linkedRepository()
        #expect(try lore(["check"], in: repo.path) == ProcessResult(stdout: "0 errors, 0 warnings in 2 entries\n", stderr: "", status: 0))
    }

    @Test func findingsAndExitCodes() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/c.md", lesson("LL-0003", "status2: x\nrelated: [LL-0404]\n").replacingOccurrences(of: "date: 2025-03-14\n", with: ""))
        let result = try lore(["check"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            lessons/c.md:1:1: error: missing required field 'date' [missing-field]
            lessons/c.md:6:11: error: 'related' names LL-0404, which no entry has [broken-link]
            2 errors, 0 warnings in 3 entries

            """, stderr: "", status: 1))
        // Paths limit the report; the rest of the snapshot is still judged.
        #expect(try lore(["check", "lessons/a.md"], in: repo.path).status == 0)
        #expect(try lore(["check", "lessons/c.md"], in: repo.path).status == 1)
    }

    @Test func strictFailsOnWarnings() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/a.md", lesson("LL-0001", "affects: [src/nothing/**]\n"))
        #expect(try lore(["check"], in: repo.path).status == 0)
        let strict = try lore(["check", "--strict"], in: repo.path)
        #expect(strict.status == 1)
        #expect(strict.stdout == "lessons/a.md:6:11: warning: 'affects' glob src/nothing/** matches no file [unmatched-affects]\n0 errors, 1 warning in 2 entries\n")
    }

    @Test func configuredSeverities() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/a.md", lesson("LL-0001", "serverity: high\n"))
        #expect(try lore(["check"], in: repo.path).stdout == "0 errors, 0 warnings in 2 entries\n")
        try repo.write(".lore/config.yml", "rules:\n  unknown-field: error\n")
        #expect(try lore(["check"], in: repo.path).stdout == "lessons/a.md:6:1: error: unknown field 'serverity' for kind 'lesson' [unknown-field]\n1 error, 0 warnings in 2 entries\n")
    }

    /// A file valid in the index but broken in the working tree, and the reverse: --staged follows
    /// the staged bytes.
    @Test func stagedFollowsTheStagedBytes() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/a.md", lesson("LL-0001", "related: [LL-9999]\n"))
        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", lesson("LL-0001"))
        #expect(try lore(["check"], in: repo.path).status == 0)
        #expect(try lore(["check", "--staged"], in: repo.path).status == 1)

        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", lesson("LL-0001", "related: [LL-9999]\n"))
        #expect(try lore(["check"], in: repo.path).status == 1)
        #expect(try lore(["check", "--staged"], in: repo.path).status == 0)
    }

    @Test func deletingALinkedEntryInTheIndexFails() throws {
        let repo = try linkedRepository()
        try repo.git(["rm", "-q", "lessons/a.md"])
        let result = try lore(["check", "--staged"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("lessons/b.md:6:11: error: 'related' names LL-0001, which no entry has [broken-link]"))
    }

    @Test func aRenameThatKeepsLinksWorkingPasses() throws {
        let repo = try linkedRepository()
        try repo.git(["mv", "lessons/a.md", "lessons/renamed.md"])
        #expect(try lore(["check", "--staged"], in: repo.path).status == 0)
    }

    /// a.md was deleted: the report names b.md's broken backlinks, which b.md did not have before,
    /// although b.md itself did not change; old.md's old problem is not this change's.
    @Test func changedSinceReportsTheBrokenBacklinkTheChangeCaused() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/old.md", lesson("LL-0005", "related: [LL-0404]\n"))   // an old, unrelated problem
        try repo.commitAll("old problem")
        try repo.git(["rm", "-q", "lessons/a.md"])
        try repo.git(["commit", "-q", "-m", "delete a"])
        let result = try lore(["check", "--changed-since", "HEAD~1"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout == """
            lessons/b.md:6:11: error: 'related' names LL-0001, which no entry has [broken-link]
            lessons/b.md:25:5: error: [[LL-0001]] names an id no entry has [broken-link]
            2 errors, 0 warnings in 2 entries

            """)
        // Without --changed-since the old problem is reported too.
        #expect(try lore(["check"], in: repo.path).stdout.contains("lessons/old.md"))
    }

    @Test func formats() throws {
        let repo = try linkedRepository()
        try repo.write("lessons/a.md", lesson("LL-0001", "related: [LL-0404]\n"))
        let github = try lore(["check", "--format", "github"], in: repo.path)
        #expect(github.stdout == "::error file=lessons/a.md,line=6,col=11,title=broken-link::'related' names LL-0404, which no entry has\n1 error, 0 warnings in 2 entries\n")
        let sarif = try lore(["check", "--format", "sarif"], in: repo.path)
        #expect(sarif.status == 1 && sarif.stdout.contains("\"version\" : \"2.1.0\""))
        // JUnit: every checked entry is a test case, the passing one too; Python's XML parser reads it.
        let junit = try lore(["check", "--format", "junit"], in: repo.path)
        #expect(junit.stdout == """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="lore check" tests="2" failures="1">
              <testsuite name="lore check" tests="2" failures="1">
                <testcase classname="lore.check" name="lessons/a.md">
                  <failure type="broken-link" message="&apos;related&apos; names LL-0404, which no entry has">lessons/a.md:6:11: error: &apos;related&apos; names LL-0404, which no entry has [broken-link]</failure>
                </testcase>
                <testcase classname="lore.check" name="lessons/b.md"/>
              </testsuite>
            </testsuites>

            """)
        let parsed = try runProcess("/usr/bin/env", ["python3", "-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            print(' '.join(c.get('name') + ('=fail' if c.find('failure') is not None else '=pass') for c in root.iter('testcase')))
            """], stdin: junit.stdout)
        #expect(parsed.stdout == "lessons/a.md=fail lessons/b.md=pass\n")
        #expect(try lore(["check", "--format", "yaml"], in: repo.path).status == 2)
        #expect(try lore(["check", "--today", "tomorrow"], in: repo.path).status == 2)
    }

    @Test func rulesLists() throws {
        let result = try lore(["rules"], in: "/")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("RULE "))
        #expect(result.stdout.contains("\nbroken-link "))
        #expect(result.stdout.contains("\nunknown-field                off "))
    }
}

@Suite struct UnmergedTests {
    /// A merge conflict in an entry: `--staged` says to resolve it, exit 1; nothing is guessed.
    @Test func unmergedEntryIsReported() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", lesson("LL-0001"))
        try repo.commitAll("base")
        try repo.git(["checkout", "-q", "-b", "other"])
        try repo.write("lessons/a.md", lesson("LL-0001", "tags: [theirs]\n"))
        try repo.commitAll("theirs")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("lessons/a.md", lesson("LL-0001", "tags: [ours]\n"))
        try repo.commitAll("ours")
        let merge = try runProcess("/usr/bin/git", ["merge", "-q", "other"], in: repo.path, environment: gitEnvironment())
        try #require(merge.status != 0)
        let result = try lore(["check", "--staged"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("lessons/a.md:1:1: error: unresolved merge conflict: resolve the conflict in lessons/a.md first [unmerged-file]\n"))
    }
}
