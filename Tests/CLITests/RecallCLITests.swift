import Foundation
import Testing
import TestSupport

/// `lore recall` on real repositories: each way an entry is tied to code, exact output in every
/// format, and the pre-push hook on a real `git push`.
@Suite struct RecallCLITests {
    /// Code, a fix commit, a commit with a `Lore: DR-0001` trailer, then three entries: a SEV1
    /// postmortem that `affects: [src/db/**]`, a lesson listing the fix commit, and the decision
    /// the trailer names. Returns the repository and the fix and trailer commits.
    static func repository() throws -> (repo: TemporaryRepository, fix: String, trailer: String) {
        let repo = try TemporaryRepository()
        try repo.write("src/db/pool.go", "package db\n\nconst size = 10\n")
        try repo.write("src/api/handler.go", "package api\n")
        try repo.commitAll("Import the code")
        try repo.write("src/db/pool.go", "package db\n\nconst size = 20\n")
        try repo.commitAll("Fix the pool size")
        let fix = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.write("src/db/pool.go", "package db\n\nconst size = 25\n")
        try repo.commitAll("Tune the pool\n\nLore: DR-0001")
        let trailer = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.write("postmortems/2025/2025-03-14-pool.md", entryText(
            id: "PM-0001", title: "The pool ran dry", extra: "severity: SEV1\naffects: [src/db/**]\n"))
        try repo.write("lessons/size-pools.md", entryText(
            id: "LL-0001", title: "Size pools from the database down", status: "active", extra: "commits: [\(fix)]\n"))
        try repo.write("decisions/0001-pool-limits.md", entryText(
            id: "DR-0001", title: "Per-service pool limits", status: "accepted"))
        try repo.write("lessons/unrelated.md", entryText(
            id: "LL-0002", title: "Unrelated", status: "active", extra: "affects: [src/web/**]\n"))
        try repo.commitAll("Record what we learnt")
        return (repo, fix, trailer)
    }

    @Test func stagedChangeRecallsEveryKindOfTieWithItsReason() throws {
        let (repo, fix, trailer) = try Self.repository()
        try repo.write("src/db/pool.go", "package db\n\nconst size = 30\n")
        try repo.git(["add", "src/db/pool.go"])
        let result = try lore(["recall", "--staged"], in: repo.path)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
        3 entries recalled for 1 changed path

        PM-0001  SEV1  2025-03-14  The pool ran dry
          postmortems/2025/2025-03-14-pool.md
          - affects src/db/**

        DR-0001  2025-03-14  Per-service pool limits
          decisions/0001-pool-limits.md
          - commit \(trailer.prefix(7)) (Lore: DR-0001) touched src/db/pool.go

        LL-0001  2025-03-14  Size pools from the database down
          lessons/size-pools.md
          - fix commit \(fix.prefix(7)) touched src/db/pool.go

        """)
        // A second run (caches filled) prints the same bytes.
        #expect(try lore(["recall", "--staged"], in: repo.path) == result)
        #expect(try lore(["recall", "--staged"], in: repo.path, environment: ["LORE_NO_CACHE": "1"]) == result)
        // A damaged cache is made again, never believed.
        let cache = repo.path + "/.git/lore/recall-cache"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cache)))
        for index in stride(from: bytes.count / 2, to: bytes.count, by: 7) { bytes[index] ^= 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: cache))
        #expect(try lore(["recall", "--staged"], in: repo.path) == result)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cache))
        #expect(try lore(["recall", "--staged"], in: repo.path) == result)
    }

    @Test func nothingIsRecalledForAnUnrelatedPath() throws {
        let (repo, _, _) = try Self.repository()
        try repo.write("src/api/handler.go", "package api\n\nfunc Handle() {}\n")
        try repo.git(["add", "-A"])
        let staged = try lore(["recall", "--staged"], in: repo.path)
        #expect(staged == ProcessResult(stdout: "nothing recalled for 1 changed path\n", stderr: "", status: 0))
        #expect(try lore(["recall", "src/api/handler.go", "README.md"], in: repo.path).stdout == "nothing recalled for 2 changed paths\n")
        // Nothing staged at all; an edit to an entry is not a change to code.
        try repo.git(["reset", "-q"])
        try repo.write("lessons/size-pools.md", entryText(id: "LL-0001", title: "Renamed", status: "active"))
        try repo.git(["add", "lessons/size-pools.md"])
        #expect(try lore(["recall", "--staged"], in: repo.path).stdout == "no changed paths: nothing to recall\n")
    }

    @Test func pathsAndRangesAndFromASubfolder() throws {
        let (repo, fix, trailer) = try Self.repository()
        let byPath = try lore(["recall", "src/db/pool.go"], in: repo.path)
        #expect(byPath.status == 0)
        #expect(byPath.stdout.hasPrefix("3 entries recalled for 1 changed path\n\nPM-0001  SEV1"))
        #expect(try lore(["recall", "db/pool.go"], in: repo.path + "/src").stdout == byPath.stdout)
        #expect(try lore(["recall", "./src/db/../db/pool.go"], in: repo.path).stdout == byPath.stdout)
        // The range from the first commit to HEAD: the fix and the tuning changed src/db/pool.go.
        let range = try lore(["recall", "--rev", "HEAD~3..HEAD"], in: repo.path)
        #expect(range.stdout == byPath.stdout)
        // One commit: what it changed against its parent (the fix commit predates every entry).
        #expect(try lore(["recall", "--rev", fix], in: repo.path).stdout == "nothing recalled for 1 changed path\n")
        try repo.write("src/db/pool.go", "package db\n\nconst size = 40\n")
        try repo.commitAll("Grow the pool")
        let one = try lore(["recall", "--rev", "HEAD", "--format", "json"], in: repo.path)
        #expect(one.stdout.contains("\"changed\": [\n    \"src/db/pool.go\"\n  ]"))
        #expect(one.stdout.contains("\"commit\": \"\(trailer)\""))
        // A glob in a subfolder pattern matches deleted files too.
        try repo.git(["rm", "-q", "src/db/pool.go"])
        #expect(try lore(["recall", "--staged"], in: repo.path).stdout == byPath.stdout)
    }

    @Test func jsonAndMarkdownAreExact() throws {
        let (repo, fix, trailer) = try Self.repository()
        let json = try lore(["recall", "src/db/pool.go", "--format", "json"], in: repo.path)
        #expect(json.status == 0)
        #expect(json.stdout == """
        {
          "changed": [
            "src/db/pool.go"
          ],
          "entries": [
            {
              "date": "2025-03-14",
              "id": "PM-0001",
              "kind": "postmortem",
              "matches": 1,
              "path": "postmortems/2025/2025-03-14-pool.md",
              "reasons": [
                {
                  "glob": "src/db/**",
                  "kind": "affects",
                  "paths": [
                    "src/db/pool.go"
                  ],
                  "text": "affects src/db/**"
                }
              ],
              "severity": "SEV1",
              "status": "published",
              "title": "The pool ran dry"
            },
            {
              "date": "2025-03-14",
              "id": "DR-0001",
              "kind": "decision",
              "matches": 1,
              "path": "decisions/0001-pool-limits.md",
              "reasons": [
                {
                  "commit": "\(trailer)",
                  "kind": "trailer",
                  "paths": [
                    "src/db/pool.go"
                  ],
                  "text": "commit \(trailer.prefix(7)) (Lore: DR-0001) touched src/db/pool.go"
                }
              ],
              "severity": null,
              "status": "accepted",
              "title": "Per-service pool limits"
            },
            {
              "date": "2025-03-14",
              "id": "LL-0001",
              "kind": "lesson",
              "matches": 1,
              "path": "lessons/size-pools.md",
              "reasons": [
                {
                  "commit": "\(fix)",
                  "kind": "commit",
                  "paths": [
                    "src/db/pool.go"
                  ],
                  "text": "fix commit \(fix.prefix(7)) touched src/db/pool.go"
                }
              ],
              "severity": null,
              "status": "active",
              "title": "Size pools from the database down"
            }
          ],
          "notes": []
        }

        """)
        let markdown = try lore(["recall", "src/db/pool.go", "--format", "markdown"], in: repo.path)
        #expect(markdown.stdout == """
        ### Lore recall: 3 entries recalled for 1 changed path

        The code this change touches was involved in these entries; read them before merging.

        - **PM-0001: The pool ran dry** (postmortem, SEV1, 2025-03-14) in `postmortems/2025/2025-03-14-pool.md`
          - affects `src/db/**`
        - **DR-0001: Per-service pool limits** (decision, 2025-03-14) in `decisions/0001-pool-limits.md`
          - commit `\(trailer.prefix(7))` (`Lore: DR-0001`) touched `src/db/pool.go`
        - **LL-0001: Size pools from the database down** (lesson, 2025-03-14) in `lessons/size-pools.md`
          - fix commit `\(fix.prefix(7))` touched `src/db/pool.go`

        """)
    }

    @Test func rankingBySeverityThenDateThenMatches() throws {
        let repo = try TemporaryRepository()
        try repo.write("src/db/pool.go", "package db\n")
        func postmortem(_ id: String, _ severity: String, _ date: String, affects: String) -> String {
            "---\nid: \(id)\ntitle: \(id) *bold* [link](x)\ndate: \(date)\nstatus: published\nseverity: \(severity)\naffects: \(affects)\n---\n\nBody.\n"
        }
        try repo.write("postmortems/a.md", postmortem("PM-0001", "SEV2", "2025-01-01", affects: "[src/db/**]"))
        try repo.write("postmortems/b.md", postmortem("PM-0002", "SEV2", "2025-02-01", affects: "[src/db/**]"))
        try repo.write("postmortems/c.md", postmortem("PM-0003", "SEV1", "2024-01-01", affects: "[src/db/**]"))
        try repo.write("postmortems/d.md", postmortem("PM-0004", "SEV2", "2025-02-01", affects: "[src/db/**, src/db/*.go]"))
        try repo.commitAll("entries")
        let result = try lore(["recall", "src/db/pool.go", "--format", "json"], in: repo.path)
        let ids = result.stdout.split(separator: "\n").filter { $0.hasPrefix("      \"id\"") }.map { $0.split(separator: "\"")[3] }
        #expect(ids == ["PM-0003", "PM-0004", "PM-0002", "PM-0001"])
        let markdown = try lore(["recall", "src/db/pool.go", "--format", "markdown"], in: repo.path).stdout
        #expect(markdown.contains("- **PM-0003: PM-0003 \\*bold\\* \\[link\\](x)** (postmortem, SEV1, 2024-01-01)"))
    }

    /// A shallow clone: what the kept history shows is still recalled, and a note says the rest was not looked at.
    @Test func shallowCloneSaysHistoryIsIncomplete() throws {
        let (repo, _, _) = try Self.repository()
        let clone = repo.base + "/shallow"
        try repo.git(["clone", "-q", "--depth", "1", "file://" + repo.path, clone])
        let note = "note: history is incomplete (shallow clone): commits before the shallow boundary were not looked at; fetch with --unshallow (in CI: fetch-depth: 0)\n"
        let result = try lore(["recall", "src/db/pool.go"], in: clone)
        #expect(result.status == 0)
        #expect(result.stderr == note)
        #expect(result.stdout == "1 entry recalled for 1 changed path\n\nPM-0001  SEV1  2025-03-14  The pool ran dry\n  postmortems/2025/2025-03-14-pool.md\n  - affects src/db/**\n")
        let markdown = try lore(["recall", "src/db/pool.go", "--format", "markdown"], in: clone)
        #expect(markdown.stdout.hasSuffix("\n> note: history is incomplete (shallow clone): commits before the shallow boundary were not looked at; fetch with --unshallow (in CI: fetch-depth: 0)\n"))
        let json = try lore(["recall", "src/db/pool.go", "--format", "json"], in: clone)
        #expect(json.stderr == "")
        #expect(json.stdout.contains("\"notes\": [\n    \"history is incomplete (shallow clone)"))
    }

    @Test func usageErrors() throws {
        let repo = try TemporaryRepository()
        #expect(try lore(["recall"], in: repo.path).status == 2)
        #expect(try lore(["recall", "--staged", "src/x"], in: repo.path).status == 2)
        #expect(try lore(["recall", "--rev", "nope..HEAD"], in: repo.path).status == 3)
    }

    /// The pre-push hook prints recall for what is pushed and never blocks the push.
    @Test func prePushHookPrintsRecallAndDoesNotBlock() throws {
        let (repo, _, _) = try Self.repository()
        let remote = try TemporaryRepository(bare: true)
        try repo.git(["remote", "add", "origin", remote.path])
        try repo.git(["push", "-q", "origin", "main"])
        let folder = URL(fileURLWithPath: loreBinary).deletingLastPathComponent().path
        let environment = ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let installed = try lore(["hooks", "install", "--hook", "pre-push"], in: repo.path, environment: environment)
        #expect(installed.stdout == "installed pre-push in \(repo.path)/.git/hooks\n")
        let status = try lore(["hooks", "status"], in: repo.path)
        #expect(status.stdout.contains("pre-push: Lore's (\(repo.path)/.git/hooks/pre-push)\n"))
        try repo.write("src/db/pool.go", "package db\n\nconst size = 40\n")
        try repo.commitAll("Grow the pool")
        let push = try runProcess("/usr/bin/git", ["push", "origin", "main"], in: repo.path, environment: gitEnvironment(environment))
        #expect(push.status == 0)
        #expect(push.stderr.contains("lore: recall for refs/heads/main -> refs/heads/main\n3 entries recalled for 1 changed path\n\nPM-0001  SEV1  2025-03-14  The pool ran dry\n"))
        #expect(try remote.git(["rev-parse", "main"]) == (try repo.git(["rev-parse", "main"])))
        // A new branch: recall for the commits no remote-tracking branch has.
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("src/api/handler.go", "package api\n\n// changed\n")
        try repo.commitAll("Touch the API")
        let topic = try runProcess("/usr/bin/git", ["push", "origin", "topic"], in: repo.path, environment: gitEnvironment(environment))
        #expect(topic.status == 0)
        #expect(topic.stderr.contains("lore: recall for refs/heads/topic -> refs/heads/topic\nnothing recalled for 1 changed path\n"))
        // Without lore on PATH the push still goes through.
        try repo.write("src/api/handler.go", "package api\n\n// again\n")
        try repo.commitAll("Again")
        let bare = try runProcess("/usr/bin/git", ["push", "origin", "topic"], in: repo.path,
                                  environment: gitEnvironment(["PATH": "/usr/bin:/bin"]))
        #expect(bare.status == 0)
        #expect(bare.stderr.contains("lore: not found on PATH, so nothing was recalled for this push."))
        #expect(try lore(["hooks", "uninstall"], in: repo.path).stdout.contains("removed pre-push\n"))
    }
}
