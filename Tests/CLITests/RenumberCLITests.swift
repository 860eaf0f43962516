import Foundation
import Testing
import TestSupport

private func bytes(_ repo: TemporaryRepository, _ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/" + path)))
}

/// Entries written the ways people write them: comments, CRLF, a byte-order mark, single and
/// double quotes, flow and block lists, wiki links with and without text, and look-alikes
/// (`PM-00030`, a code span) that must not change.
private let sources: [String: String] = [
    "postmortems/2025/2025-03-14-db.md":
        "\u{FEFF}---\r\nid: PM-0003   # the database one\r\ntitle: 'It''s the DB: again'\r\ndate: 2025-03-14\r\nstatus: published\r\nseverity: SEV2\r\n---\r\n\r\n## Summary\r\n\r\nPM-0003 in prose is not a link.\r\n",
    "lessons/quoted.md":
        "---\nid: \"LL-0001\"\ntitle: \"Quoted \\\"PM-0003\\\"\"\ndate: 2025-03-14\nstatus: active\nrelated: [ 'PM-0003' , PM-00030,\"PM-0003\" ]   # three\n---\n\n## Context\n\nSee [[PM-0003]], [[ PM-0003 | the DB one]] and [[PM-00030]]; not `[[PM-0003]]`.\n",
    "lessons/block.md":
        "---\r\nid: LL-0002\r\ntitle: Block\r\ndate: 2025-03-14\r\nstatus: active\r\nrelated:\r\n  - LL-0001   # first\r\n  - PM-0003 # the DB\r\n---\r\n\r\n## Context\r\n\r\n> Quoted [[PM-0003|x]]\r\n",
    "lessons/unrelated.md":
        "---\nid: LL-0003\ntitle: Unrelated\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nNothing here.\n",
]

private let renumbered: [String: String] = [
    "postmortems/2025/2025-03-14-db.md":
        "\u{FEFF}---\r\nid: PM-0100   # the database one\r\ntitle: 'It''s the DB: again'\r\ndate: 2025-03-14\r\nstatus: published\r\nseverity: SEV2\r\n---\r\n\r\n## Summary\r\n\r\nPM-0003 in prose is not a link.\r\n",
    "lessons/quoted.md":
        "---\nid: \"LL-0001\"\ntitle: \"Quoted \\\"PM-0003\\\"\"\ndate: 2025-03-14\nstatus: active\nrelated: [ 'PM-0100' , PM-00030,\"PM-0100\" ]   # three\n---\n\n## Context\n\nSee [[PM-0100]], [[ PM-0100 | the DB one]] and [[PM-00030]]; not `[[PM-0003]]`.\n",
    "lessons/block.md":
        "---\r\nid: LL-0002\r\ntitle: Block\r\ndate: 2025-03-14\r\nstatus: active\r\nrelated:\r\n  - LL-0001   # first\r\n  - PM-0100 # the DB\r\n---\r\n\r\n## Context\r\n\r\n> Quoted [[PM-0100|x]]\r\n",
    "lessons/unrelated.md": sources["lessons/unrelated.md"]!,
]

private func sampleRepository() throws -> TemporaryRepository {
    let repo = try TemporaryRepository()
    for (path, text) in sources { try repo.write(path, text) }
    try repo.write("postmortems/2025/2025-03-15-other.md",
                   "---\nid: PM-00030\ntitle: Other\ndate: 2025-03-15\nstatus: published\nseverity: SEV3\n---\n\n## Summary\n\nx\n")
    try repo.commitAll("memory")
    return repo
}

@Suite struct RenumberCLITests {
    /// Only the bytes of the id change, in every place that names it.
    @Test func onlyTheIdBytesChange() throws {
        let repo = try sampleRepository()
        let result = try lore(["renumber", "PM-0003", "PM-0100"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            renumbered PM-0003 to PM-0100: 3 files changed
              lessons/block.md (2 edits)
              lessons/quoted.md (4 edits)
              postmortems/2025/2025-03-14-db.md (1 edit)

            """, stderr: "", status: 0))
        for (path, text) in renumbered { #expect(try bytes(repo, path) == Array(text.utf8), "\(path)") }
        #expect(try lore(["show", "PM-0100", "--format", "json"], in: repo.path).status == 0)
        // Nothing is left pointing at the old id.
        let check = try lore(["check"], in: repo.path)
        #expect(!check.stdout.contains("PM-0003") && !check.stdout.contains("PM-0100"), "\(check.stdout)")
        // The quoted id changes inside its quotes.
        #expect(try lore(["renumber", "LL-0001", "LL-0009"], in: repo.path, environment: [:]).status == 1)   // uncommitted now
        let forced = try lore(["renumber", "LL-0001", "LL-0009", "--force"], in: repo.path)
        #expect(forced.status == 0 && forced.stdout.hasPrefix("renumbered LL-0001 to LL-0009: 2 files changed\n"))
        #expect(String(decoding: try bytes(repo, "lessons/quoted.md"), as: UTF8.self).hasPrefix("---\nid: \"LL-0009\"\n"))
        #expect(String(decoding: try bytes(repo, "lessons/block.md"), as: UTF8.self).contains("\r\n  - LL-0009   # first\r\n"))
    }

    @Test func dryRunPrintsADiffAndWritesNothing() throws {
        let repo = try sampleRepository()
        let result = try lore(["renumber", "PM-0003", "PM-0100", "--dry-run"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            --- a/lessons/block.md
            +++ b/lessons/block.md
            @@ -8 +8 @@
            -  - PM-0003 # the DB
            +  - PM-0100 # the DB
            @@ -13 +13 @@
            -> Quoted [[PM-0003|x]]
            +> Quoted [[PM-0100|x]]
            --- a/lessons/quoted.md
            +++ b/lessons/quoted.md
            @@ -6 +6 @@
            -related: [ 'PM-0003' , PM-00030,"PM-0003" ]   # three
            +related: [ 'PM-0100' , PM-00030,"PM-0100" ]   # three
            @@ -11 +11 @@
            -See [[PM-0003]], [[ PM-0003 | the DB one]] and [[PM-00030]]; not `[[PM-0003]]`.
            +See [[PM-0100]], [[ PM-0100 | the DB one]] and [[PM-00030]]; not `[[PM-0003]]`.
            --- a/postmortems/2025/2025-03-14-db.md
            +++ b/postmortems/2025/2025-03-14-db.md
            @@ -2 +2 @@
            -id: PM-0003   # the database one
            +id: PM-0100   # the database one

            """, stderr: "", status: 0))
        for (path, text) in sources { #expect(try bytes(repo, path) == Array(text.utf8), "\(path)") }
    }

    @Test func refusals() throws {
        let repo = try sampleRepository()
        try repo.write("lessons/block.md", sources["lessons/block.md"]! + "more\r\n")
        #expect(try lore(["renumber", "PM-0003", "PM-0100"], in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: uncommitted changes in lessons/block.md; commit them first, or use --force to edit them anyway\n", status: 1))
        for (path, text) in sources where path != "lessons/block.md" { #expect(try bytes(repo, path) == Array(text.utf8), "\(path)") }
        #expect(try lore(["renumber", "PM-0003", "PM-00030"], in: repo.path)
                == ProcessResult(stdout: "", stderr: "error: the id PM-00030 is already held by postmortems/2025/2025-03-15-other.md\n", status: 1))
        #expect(try lore(["renumber", "PM-0003", "LL-0100"], in: repo.path)
                == ProcessResult(stdout: "", stderr: "error: LL-0100 is not an id of kind 'postmortem' (PM- then its sequence scheme)\n", status: 2))
        #expect(try lore(["renumber", "PM-0404", "PM-0405"], in: repo.path)
                == ProcessResult(stdout: "", stderr: "error: no entry with id or path 'PM-0404' in the working tree\n", status: 2))
    }

    /// A crash between files (and halfway through writing the next) leaves every file either
    /// exactly as it was or exactly as planned.
    @Test func crashBetweenFilesLeavesEveryFileOldOrNew() throws {
        for crashAfter in 0..<3 {
            let repo = try sampleRepository()
            let result = try lore(["renumber", "PM-0003", "PM-0100"], in: repo.path, environment: ["LORE_TEST_CRASH_AFTER_FILES": String(crashAfter)])
            #expect(result.status == 97 && result.stdout == "", "\(crashAfter)")
            let order = ["lessons/block.md", "lessons/quoted.md", "postmortems/2025/2025-03-14-db.md"]
            for (index, path) in order.enumerated() {
                let expected = index < crashAfter ? renumbered[path]! : sources[path]!
                #expect(try bytes(repo, path) == Array(expected.utf8), "crash after \(crashAfter): \(path)")
            }
            // The half-written temporary file is hidden (not an entry); running again finishes.
            #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout.components(separatedBy: "\n").count == 6)
            let again = try lore(["renumber", "PM-0003", "PM-0100", "--force"], in: repo.path)
            #expect(again.status == 0, "\(again.stderr)")
            for (path, text) in renumbered { #expect(try bytes(repo, path) == Array(text.utf8), "\(path)") }
        }
    }

    /// After a merge two entries hold one id: name one by its path; references stay (they may mean
    /// the other) and are listed.
    @Test func duplicateIdsAfterAMerge() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active"))
        try repo.write("lessons/b.md", entryText(id: "LL-0001", title: "B", status: "active"))
        try repo.write("lessons/c.md", entryText(id: "LL-0002", title: "C", status: "active", extra: "related: [LL-0001]\n"))
        try repo.commitAll("merged")
        #expect(try lore(["renumber", "LL-0001", "LL-0005"], in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: 2 entries have the id LL-0001 (lessons/a.md, lessons/b.md); name the one to renumber by its path: lore renumber lessons/b.md NEW\n",
            status: 1))
        let result = try lore(["renumber", "lessons/b.md"], in: repo.path)
        #expect(result == ProcessResult(stdout: "renumbered LL-0001 to LL-0003: 1 file changed\n  lessons/b.md (1 edit)\n",
                                        stderr: "note: lessons/c.md: 1 reference to LL-0001 left unchanged (another entry keeps that id)\n", status: 0))
        #expect(try lore(["check"], in: repo.path).stdout.contains("duplicate-id") == false)
    }
}
