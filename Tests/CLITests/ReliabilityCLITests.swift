import Foundation
import Testing
import TestSupport

// The failures of an adversarial run (issue 20), each with the test that would have caught it.

private func lore(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(loreBinary, arguments, in: directory, environment: gitEnvironment(environment))
}

private let lessonBody = "\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"

private func lesson(_ id: String, _ extra: String = "", body: String = lessonBody) -> String {
    "---\nid: \(id)\ntitle: Lesson \(id)\ndate: 2025-03-14\nstatus: active\n\(extra)---\n\(body)"
}

/// One committed lesson.
private func repositoryWithALesson() throws -> TemporaryRepository {
    let repo = try TemporaryRepository()
    try repo.write("lessons/a.md", lesson("LL-0001"))
    try repo.commitAll("a lesson")
    return repo
}

/// Runs `lore` with standard output going to `path` (such as /dev/full); returns status and stderr.
private func loreWritingTo(_ path: String, _ arguments: [String], in directory: String) throws -> (status: Int32, stderr: String) {
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("lore-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: loreBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = gitEnvironment()
    let out = try #require(FileHandle(forWritingAtPath: path))
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close(); try err.close()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

@Suite struct ReliabilityCLITests {
    /// Item 1: a size that overflows is a positioned configuration error (exit 2) for every
    /// command, the hook's `check --staged` included, never a trap.
    @Test func overflowingMaxFileSizeIsAConfigurationError() throws {
        let repo = try repositoryWithALesson()
        try repo.write(".lore/config.yml", "max_file_size: 9999999999GiB\n")
        try repo.git(["add", "-A"])
        let message = ".lore/config.yml:1:16: error: 'max_file_size' 9999999999GiB is too large; it must be at most 9223372036854775807 bytes\n"
        for arguments in [["check"], ["check", "--staged"], ["list"], ["index"], ["search", "x"]] {
            let result = try lore(arguments, in: repo.path)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr + result.stdout == message, "\(arguments)")
        }
    }

    /// Item 7: output that cannot be written fails the command (exit 3) with a message; nothing
    /// is silently truncated.
    @Test func unwritableStandardOutputFails() throws {
        let repo = try repositoryWithALesson()
        for arguments in [["index"], ["list"], ["list", "--format", "json"], ["check"], ["show", "LL-0001"], ["rules"], ["--help"]] {
            let result = try loreWritingTo("/dev/full", arguments, in: repo.path)
            #expect(result.status == 3, "\(arguments)")
            #expect(result.stderr == "error: cannot write to standard output: No space left on device\n", "\(arguments)")
        }
    }

    /// Item 1 (audit): commit times come from history a pull request writes; the largest one git
    /// can store is read, cached and read back from the cache without a trap.
    @Test func largestCommitTimeDoesNotTrap() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", lesson("LL-0001"))
        try repo.git(["add", "-A"])
        let tree = try repo.git(["write-tree"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = "tree \(tree)\nauthor A <a@x> 9223372036854775807 +0000\ncommitter A <a@x> 9223372036854775807 +0000\n\nm\n"
        let inURL = URL(fileURLWithPath: repo.base + "/commit.txt")
        try Data(commit.utf8).write(to: inURL)
        let id = try repo.git(["hash-object", "-w", "-t", "commit", "--literally", inURL.path]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "HEAD", id])
        for _ in 0..<2 {  // the second run reads the history cache
            let result = try lore(["index"], in: repo.path)
            #expect(result.status == 0)
            #expect(result.stdout.contains("\"time\": \"292277026596-12-04T15:30:07+00:00\""))
        }
        #expect(try lore(["graph", "--depth", "999999999999999"], in: repo.path).status == 0)
    }
}

@Suite struct PublishOutTests {
    /// Item 6: `--out` inside the git folder, or holding (or inside) a tracked file, a kind's
    /// folder or `.lore/`, is refused with or without `--force`, and nothing is touched.
    @Test func outNeverReplacesWhatTheRepositoryKeeps() throws {
        let repo = try repositoryWithALesson()
        try repo.write("src/a.c", "int a;\n")
        try repo.commitAll("code")
        try repo.write("lessons/b.md", lesson("LL-0002"))  // not committed: only on disk
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/to-git", withDestinationPath: ".git/objects")
        let cases: [(String, String)] = [
            (".git/objects", "error: --out .git/objects is inside the git folder (\(repo.path)/.git); choose a folder of its own outside it"),
            (".git/lore", "error: --out .git/lore is inside the git folder (\(repo.path)/.git); choose a folder of its own outside it"),
            ("to-git/new", "error: --out to-git/new is inside the git folder (\(repo.path)/.git); choose a folder of its own outside it"),
            (".git", "error: --out .git holds the repository (\(repo.path)/.git); choose a folder of its own, such as site"),
            ("lessons", "error: --out lessons would replace lessons, which the repository keeps (a tracked file or a kind's folder); choose a folder of its own"),
            ("lessons/site", "error: --out lessons/site would replace lessons, which the repository keeps (a tracked file or a kind's folder); choose a folder of its own"),
            ("decisions", "error: --out decisions would replace decisions, which the repository keeps (a tracked file or a kind's folder); choose a folder of its own"),
            ("src", "error: --out src would replace src/a.c, which the repository keeps (a tracked file or a kind's folder); choose a folder of its own"),
            (".lore/site", "error: --out .lore/site would replace .lore, which the repository keeps (a tracked file or a kind's folder); choose a folder of its own"),
        ]
        for (out, message) in cases {
            for force in [false, true] {
                let result = try lore(["publish", "--out", out] + (force ? ["--force"] : []), in: repo.path)
                #expect(result == ProcessResult(stdout: "", stderr: message + "\n", status: 1), "\(out) force: \(force)")
            }
        }
        #expect(try repo.git(["status", "--porcelain"]) == "?? lessons/b.md\n?? to-git\n")
        #expect(try repo.git(["fsck", "--no-progress"]) == "")
        // A folder of its own in the working tree (GitLab's public/) is fine.
        #expect(try lore(["publish", "--out", "public"], in: repo.path).status == 0)
        #expect(try lore(["publish", "-C", "lessons/..", "--out", "public"], in: repo.path).status == 0)
    }
}

/// What git sees in the working tree is what Lore reads: never a file outside the repository,
/// never inside a nested repository, always a sparse checkout's files.
@Suite struct WorkingTreeShapeTests {
    /// Item 8 (and 12 at run time): a kind's folder that is a symlink out of the repository is a
    /// file to git: nothing behind it is read, listed or published, and `lore new` does not
    /// write through it.
    @Test func symlinkedKindFolderIsNotFollowed() throws {
        let repo = try repositoryWithALesson()
        let elsewhere = repo.base + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try Data("---\nid: DR-0001\ntitle: Outside\ndate: 2025-03-14\nstatus: accepted\n---\n\n## Context\n\nc\n".utf8)
            .write(to: URL(fileURLWithPath: elsewhere + "/0001-outside.md"))
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/decisions", withDestinationPath: "../elsewhere")
        for snapshot in [[], ["--staged"]] {
            if snapshot == ["--staged"] { try repo.git(["add", "-A"]) }
            #expect(try lore(["list", "--format", "paths"] + snapshot, in: repo.path) == ProcessResult(stdout: "lessons/a.md\n", stderr: "", status: 0))
            #expect(try lore(["check"] + snapshot, in: repo.path) == ProcessResult(stdout: "0 errors, 0 warnings in 1 entry\n", stderr: "", status: 0))
        }
        #expect(try lore(["publish", "--out", repo.base + "/site"], in: repo.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: repo.base + "/site/entries/dr-0001.html"))
        let created = try lore(["new", "decision", "Through a link"], in: repo.path)
        #expect(created == ProcessResult(stdout: "", stderr: "error: cannot write \(repo.path)/decisions/0001-through-a-link.md: \(repo.path)/decisions is a symbolic link; Lore writes only through real folders of the repository\n", status: 3))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere) == ["0001-outside.md"])
    }

    /// Item 11: a symlinked entry file is the same finding in the working tree, the index and a
    /// commit; its target is never read.
    @Test func symlinkedEntryFileIsOneFindingInEverySnapshot() throws {
        let repo = try repositoryWithALesson()
        try repo.write("outside.md", lesson("LL-0009"))
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/lessons/link.md", withDestinationPath: "../outside.md")
        try repo.git(["add", "-A"])
        let expected = ProcessResult(stdout: """
            lessons/link.md:1:1: error: the entry file is a symbolic link; git stores the link, not an entry: commit the file itself [symlink-entry]
            1 error, 0 warnings in 1 entry

            """, stderr: "", status: 1)
        #expect(try lore(["check"], in: repo.path) == expected)
        #expect(try lore(["check", "--staged"], in: repo.path) == expected)
        try repo.git(["commit", "-q", "-m", "link"])
        #expect(try lore(["check", "--rev", "HEAD"], in: repo.path) == expected)
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\n")
    }

    /// Item 9: a nested repository (untracked, or added as a submodule's gitlink) inside a kind's
    /// folder is not read in the working tree, as git does not list it.
    @Test func nestedRepositoriesAreNotRead() throws {
        let repo = try repositoryWithALesson()
        try repo.write("lessons/vendor/a.md", lesson("LL-0001"))
        try repo.git(["init", "-q", "-b", "main"], in: repo.path + "/lessons/vendor")
        try repo.write("lessons/nested/a.md", lesson("LL-0001"))
        try repo.git(["init", "-q", "-b", "main"], in: repo.path + "/lessons/vendor")
        try repo.git(["add", "-A"], in: repo.path + "/lessons/vendor")
        try repo.git(["commit", "-q", "-m", "vendor"], in: repo.path + "/lessons/vendor")
        try repo.git(["add", "lessons/vendor"])  // a gitlink, as a submodule is
        try repo.git(["init", "-q", "-b", "main"], in: repo.path + "/lessons/nested")
        let clean = ProcessResult(stdout: "0 errors, 0 warnings in 1 entry\n", stderr: "", status: 0)
        #expect(try lore(["check"], in: repo.path) == clean)
        #expect(try lore(["check", "--staged"], in: repo.path) == clean)
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\n")
        // A kind's folder that is itself a repository of its own is not read either.
        try repo.write("decisions/0001-x.md", lesson("DR-0001"))
        try repo.git(["init", "-q", "-b", "main"], in: repo.path + "/decisions")
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\n")
    }

    /// Item 10: in a sparse checkout, files outside the patterns are not on disk but not missing
    /// either (`git status` is clean): they are read from the index and links to them resolve.
    @Test func sparseCheckoutFilesAreNotMissing() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", lesson("LL-0001", "related: [LL-0005]\n", body: lessonBody + "\n[Z](deep/z.md)\n"))
        try repo.write("lessons/deep/z.md", lesson("LL-0005"))
        try repo.commitAll("lessons")
        try repo.git(["sparse-checkout", "set", "--no-cone", "/lessons/*.md"])
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/lessons/deep/z.md"))
        #expect(try repo.git(["status", "--porcelain"]) == "")
        #expect(try lore(["check"], in: repo.path) == ProcessResult(stdout: "0 errors, 0 warnings in 2 entries\n", stderr: "", status: 0))
        #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\nlessons/deep/z.md\n")
        #expect(try lore(["search", "Lesson", "--format", "json"], in: repo.path).stdout.contains("lessons/deep/z.md"))
    }

    /// Item 16: a file that cannot be read is a finding for that file (exit 1), and the others
    /// are still read and judged.
    @Test func unreadableFileIsAFinding() throws {
        let repo = try repositoryWithALesson()
        try repo.write("lessons/b.md", lesson("LL-0002", "related: [LL-0404]\n"))
        try repo.git(["add", "-A"])
        try repo.git(["update-index", "--add", "--cacheinfo", "100644,1234567890123456789012345678901234567890,lessons/c.md"])
        #expect(try lore(["check", "--staged"], in: repo.path) == ProcessResult(stdout: """
            lessons/b.md:6:11: error: 'related' names LL-0404, which no entry has [broken-link]
            lessons/c.md:1:1: error: cannot read the file: object not found - cannot read header for (1234567890123456789012345678901234567890) [unreadable-file]
            2 errors, 0 warnings in 2 entries

            """, stderr: "", status: 1))
        if getuid() != 0 {  // root reads any file
            try repo.write("lessons/d.md", lesson("LL-0003"))
            chmod(repo.path + "/lessons/d.md", 0)
            defer { chmod(repo.path + "/lessons/d.md", 0o644) }
            let result = try lore(["check"], in: repo.path)
            #expect(result.status == 1)
            #expect(result.stdout.contains("lessons/d.md:1:1: error: cannot read the file: Permission denied [unreadable-file]\n"))
            #expect(result.stdout.contains("[broken-link]"))
        }
    }
}

@Suite struct SearchBoundsCLITests {
    /// Item 4: a term repeated thousands of times is one term; too many terms is a usage error.
    @Test func repeatedAndTooManyTerms() throws {
        let repo = try repositoryWithALesson()
        let repeated = try lore(["search", Array(repeating: "Lesson*", count: 8_000).joined(separator: " ")], in: repo.path)
        #expect(repeated.status == 0)
        #expect(repeated.stdout.hasPrefix("LL-0001  lesson  2025-03-14  Lesson LL-0001\n"))
        #expect(try lore(["search"] + Array(repeating: "Lesson*", count: 900), in: repo.path).stdout == repeated.stdout)
        // Argument parsing is quadratic in the number of arguments: they are bounded first.
        #expect(try lore(["search"] + Array(repeating: "Lesson*", count: 5_000), in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: 5001 arguments; lore takes at most 1000 (check fewer paths at once, or use --changed-since)\n", status: 2))
        let many = try lore(["search"] + (1...40).map { "w\($0)" }, in: repo.path)
        #expect(many == ProcessResult(stdout: "", stderr: "error: the query has 40 different terms; at most 32 are searched\n", status: 2))
    }
}

/// Items 17 and 12 (the path resolver): every command reads a path relative to where it runs as
/// if started (`-C` or the current folder), and a path naming nothing is a usage error.
@Suite struct PathArgumentTests {
    private func brokenRepository() throws -> TemporaryRepository {
        let repo = try repositoryWithALesson()
        try repo.write("lessons/b.md", lesson("LL-0002", "related: [LL-0404]\n"))
        return repo
    }

    @Test func checkReadsPathsFromWhereItRuns() throws {
        let repo = try brokenRepository()
        let expected = ProcessResult(stdout: """
            lessons/b.md:6:11: error: 'related' names LL-0404, which no entry has [broken-link]
            1 error, 0 warnings in 2 entries

            """, stderr: "", status: 1)
        #expect(try lore(["check", "lessons/b.md"], in: repo.path) == expected)
        #expect(try lore(["check", "b.md"], in: repo.path + "/lessons") == expected)
        #expect(try lore(["check", "-C", "repo/lessons", "b.md"], in: repo.base) == expected)
        #expect(try lore(["check", "-C", "lessons", "../lessons/./b.md"], in: repo.path) == expected)
        #expect(try lore(["check", "-C", repo.path, repo.path + "/lessons/b.md"], in: repo.base) == expected)
        #expect(try lore(["check", "-C", "lessons", "."], in: repo.path) == expected)
        #expect(try lore(["check", "-C", "lessons", "a.md"], in: repo.path).status == 0)
    }

    /// Item 17: a mistyped path fails (exit 2, naming it) instead of passing with nothing checked.
    @Test func pathNamingNothingIsAUsageError() throws {
        let repo = try brokenRepository()
        #expect(try lore(["check", "lessons/does-not-exist.md"], in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: lessons/does-not-exist.md: no such file or folder in the working tree\n", status: 2))
        #expect(try lore(["check", "--staged", "lessons/b.md"], in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: lessons/b.md: no such file or folder in the staged index\n", status: 2))
        #expect(try lore(["check", "../elsewhere.md"], in: repo.path) == ProcessResult(
            stdout: "", stderr: "error: ../elsewhere.md is outside the repository (\(repo.path))\n", status: 2))
    }

    @Test func showAndRenumberReadPathsFromWhereTheyRun() throws {
        let repo = try brokenRepository()
        let shown = try lore(["show", "lessons/b.md"], in: repo.path)
        #expect(shown.status == 0)
        #expect(try lore(["show", "b.md"], in: repo.path + "/lessons") == shown)
        #expect(try lore(["show", "-C", "lessons", "b.md"], in: repo.path) == shown)
        try repo.commitAll("b")
        let planned = try lore(["renumber", "lessons/b.md", "LL-0100", "--dry-run"], in: repo.path)
        #expect(planned.status == 0)
        #expect(try lore(["renumber", "-C", "lessons", "b.md", "LL-0100", "--dry-run"], in: repo.path) == planned)
    }
}

@Suite struct ControlCharacterTests {
    /// Item 13: control characters in file names and titles are escaped in text output: a
    /// newline in a file name cannot forge a `::warning` workflow command, ESC and BEL never reach
    /// the terminal.
    @Test func textOutputEscapesControlCharacters() throws {
        let repo = try repositoryWithALesson()
        try repo.write("lessons/x\n::warning file=evil.md::owned.md", "no front-matter\n")
        try repo.write("lessons/b.md", lesson("LL-0002").replacingOccurrences(of: "title: Lesson LL-0002", with: "title: \"Bell\\a and \\e[31mred\""))
        let check = try lore(["check"], in: repo.path)
        #expect(check == ProcessResult(stdout: """
            lessons/x\\n::warning file=evil.md::owned.md:1:1: error: missing front-matter: an entry starts with a line '---' (or '+++' for TOML, '{' for JSON) [missing-front-matter]
            1 error, 0 warnings in 2 entries

            """, stderr: "", status: 1))
        let list = try lore(["list"], in: repo.path)
        #expect(list.stdout == """
            ID       KIND    DATE        STATUS  TITLE
            LL-0001  lesson  2025-03-14  active  Lesson LL-0001
            LL-0002  lesson  2025-03-14  active  Bell\\x07 and \\x1B[31mred

            """)
        #expect(list.stderr == "lessons/x\\n::warning file=evil.md::owned.md:1:1: error: missing front-matter: an entry starts with a line '---' (or '+++' for TOML, '{' for JSON) [missing-front-matter]\n")
        for output in [check.stdout, list.stdout, list.stderr, try lore(["show", "LL-0002"], in: repo.path).stdout,
                       try lore(["search", "Bell"], in: repo.path).stdout, try lore(["list", "--format", "paths"], in: repo.path).stdout] {
            #expect(!output.split(separator: "\n").contains { $0.hasPrefix("::") })
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
        }
    }
}

@Suite struct CreationLockTests {
    /// Item 18: a held `new.lock` is named while waited for, and the wait ends after a bound
    /// with a clear message (exit 3); once it is free, `lore new` proceeds.
    @Test func heldLockIsNamedAndBounded() throws {
        let repo = try repositoryWithALesson()
        let lock = repo.path + "/.git/lore/new.lock"
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/lore", withIntermediateDirectories: true)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-o", lock, "sleep", "5"]  // -o: the lock goes with flock itself
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        // Wait until the holder has the lock.
        let probe = open(lock, O_RDWR | O_CREAT, 0o644)
        defer { close(probe) }
        var tries = 0
        while flock(probe, LOCK_EX | LOCK_NB) == 0 && tries < 200 { flock(probe, LOCK_UN); usleep(10_000); tries += 1 }
        let result = try lore(["new", "lesson", "Waits"], in: repo.path, environment: ["LORE_LOCK_TIMEOUT": "1"])
        #expect(result == ProcessResult(stdout: "", stderr: """
            note: waiting for another lore new to finish (it holds \(lock)); giving up after 1 s
            error: gave up after 1 s waiting for \(lock), held by another process (a lore new still running, or stuck: `fuser \(lock)` names it); try again when it ends

            """, status: 3))
        holder.terminate()
        holder.waitUntilExit()
        #expect(try lore(["new", "lesson", "Proceeds"], in: repo.path).stdout == "created lessons/proceeds.md (LL-0002)\n")
    }
}

@Suite struct RenumberResumeTests {
    /// Two lessons linking to the lesson to renumber, whose file sorts first (so it would have
    /// been written first).
    private func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", lesson("LL-0001"))
        try repo.write("lessons/b.md", lesson("LL-0002", "related: [LL-0001]\n"))
        try repo.write("lessons/c.md", lesson("LL-0003", body: lessonBody + "\nSee [[LL-0001]].\n"))
        try repo.commitAll("lessons")
        return repo
    }

    /// Item 14: after a kill at any point, the same command finishes the renumbering (the entry's
    /// own file is written last, a journal names the renumbering); another one is refused until then.
    @Test func killedRenumberIsFinishedByRunningItAgain() throws {
        for crashAfter in 0..<3 {
            let repo = try repository()
            let killed = try lore(["renumber", "LL-0001", "LL-0100"], in: repo.path, environment: ["LORE_TEST_CRASH_AFTER_FILES": String(crashAfter)])
            #expect(killed.status == 97)
            #expect(try lore(["list", "--format", "paths"], in: repo.path).stdout == "lessons/a.md\nlessons/b.md\nlessons/c.md\n")
            #expect(try lore(["renumber", "LL-0002", "LL-0200"], in: repo.path) == ProcessResult(stdout: "", stderr: """
                error: an interrupted renumbering of LL-0001 to LL-0100 is not finished: run `lore renumber LL-0001 LL-0100` to finish it first

                """, status: 1))
            let again = try lore(["renumber", "LL-0001", "LL-0100"], in: repo.path)
            #expect(again.status == 0, "\(crashAfter): \(again.stderr)")
            #expect(again.stderr == "note: finishing the interrupted renumbering of LL-0001 to LL-0100\n")
            #expect(try lore(["check"], in: repo.path).stdout == "0 errors, 0 warnings in 3 entries\n")
            #expect(try lore(["show", "LL-0100"], in: repo.path).status == 0)
            #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/lore/renumber-journal"))
            #expect(try lore(["renumber", "LL-0002", "LL-0200", "--force"], in: repo.path).status == 0)
        }
        // Killed after its last file, before the journal went: running again only tidies up.
        let repo = try repository()
        #expect(try lore(["renumber", "LL-0001", "LL-0100"], in: repo.path).status == 0)
        try Data("LL-0001 LL-0100\n".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git/lore/renumber-journal"))
        #expect(try lore(["renumber", "LL-0001", "LL-0100"], in: repo.path) == ProcessResult(
            stdout: "renumbered LL-0001 to LL-0100: 0 files changed\n",
            stderr: "note: finishing the interrupted renumbering of LL-0001 to LL-0100\n", status: 0))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/lore/renumber-journal"))
    }
}

@Suite struct SafeDirectoryTests {
    /// Item 15: a repository owned by another user opens exactly when git opens it: with
    /// `safe.directory = *` or its path in the file GIT_CONFIG_GLOBAL names, not after an empty
    /// value resets the list, and never from the repository's own configuration.
    @Test(.enabled(if: getuid() == 0, "making a repository owned by another user needs root"))
    func safeDirectoryIsReadAsGitReadsIt() throws {
        let repo = try repositoryWithALesson()
        try repo.git(["config", "safe.directory", "*"])  // the repository's own: ignored, by git too
        #expect(try runProcess("/bin/chown", ["-R", "65534", repo.path]).status == 0)
        let cases: [(String, Bool)] = [
            ("", false), ("[safe]\n\tdirectory = *\n", true), ("[safe]\n\tdirectory = \(repo.path)\n", true),
            ("[safe]\n\tdirectory = \(repo.path)/\n", false),
            ("[safe]\n\tdirectory = *\n\tdirectory =\n", false), ("[safe]\n\tdirectory = /elsewhere\n", false),
        ]
        for (index, (text, trusted)) in cases.enumerated() {
            let file = repo.base + "/global-\(index)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let environment = ["GIT_CONFIG_GLOBAL": file]
            let git = try runProcess("/usr/bin/git", ["status", "--short"], in: repo.path, environment: gitEnvironment(environment))
            #expect((git.status == 0) == trusted, "git: \(text)")
            for directory in [repo.path, repo.path + "/lessons"] {
                let result = try lore(["list", "--format", "paths"], in: directory, environment: environment)
                if trusted {
                    #expect(result == ProcessResult(stdout: "lessons/a.md\n", stderr: "", status: 0), "\(text)")
                } else {
                    #expect(result.status == 3, "\(text)")
                    #expect(result.stderr.contains("owned by another user"), "\(text)")
                }
            }
        }
    }
}

extension PathArgumentTests {
    /// `lore trailers FILE` reads FILE from where it runs as if started, like every path.
    @Test func trailersFileFollowsDashC() throws {
        let repo = try brokenRepository()
        try repo.write("msg.txt", "Fix\n\nLore: LL-0404\n")
        let here = try lore(["trailers", "msg.txt"], in: repo.path)
        #expect(here.status == 1)
        #expect(try lore(["trailers", "-C", "repo", "msg.txt"], in: repo.base) == here)
    }
}

extension PathArgumentTests {
    /// `unknown-trailer` is a rule like the others: `lore rules` lists it and the configuration
    /// sets its severity (issue 19).
    @Test func unknownTrailerIsAConfigurableRule() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active"))
        try repo.write("msg.txt", "Fix\n\nLore: LL-0404\n")
        #expect(try lore(["rules"], in: repo).stdout.contains("unknown-trailer              error    a commit message's `Lore: ID` trailer"))
        #expect(try lore(["trailers", "msg.txt"], in: repo) == ProcessResult(
            stdout: "", stderr: "msg.txt:3:7: error: trailer 'Lore: LL-0404' names an entry that is not in the working tree [unknown-trailer]\n", status: 1))
        try repo.write(".lore/config.yml", "rules:\n  unknown-trailer: warning\n")
        #expect(try lore(["trailers", "msg.txt"], in: repo).status == 0)
        try repo.write(".lore/config.yml", "rules:\n  unknown-trailer: off\n")
        #expect(try lore(["trailers", "msg.txt"], in: repo) == ProcessResult(stdout: "", stderr: "", status: 0))
    }
}
