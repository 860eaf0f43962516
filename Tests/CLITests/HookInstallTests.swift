import Foundation
import Testing
import TestSupport

/// Real `git commit` runs with Lore's hooks installed by `lore hooks install`.
@Suite struct HookInstallTests {
    /// git runs hooks with this PATH, so the hook finds the `lore` under test.
    static var environment: [String: String] {
        let folder = URL(fileURLWithPath: loreBinary).deletingLastPathComponent().path
        return ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    static let body = "\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"

    static func lesson(_ id: String, _ extra: String = "") -> String {
        "---\nid: \(id)\ntitle: Lesson \(id)\ndate: 2025-03-14\nstatus: active\n\(extra)---\n\(body)"
    }

    /// Lore run with the folder of the `lore` the hooks find on `PATH`.
    static func lore(_ arguments: [String], in directory: String) throws -> ProcessResult {
        try TestSupport.lore(arguments, in: directory, environment: environment)
    }

    /// A committed lesson and Lore's hooks installed.
    static func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", lesson("LL-0001"))
        try repo.commitAll("first")
        let installed = try lore(["hooks", "install"], in: repo.path)
        try #require(installed.status == 0, "\(installed.stderr)")
        return repo
    }

    /// Runs git; returns its exit status and what it printed.
    static func git(_ repo: TemporaryRepository, _ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        try runProcess("/usr/bin/git", arguments, in: directory ?? repo.path, environment: gitEnvironment(environment))
    }

    @Test func installStatusUninstall() throws {
        let repo = try Self.repository()
        let status = try Self.lore(["hooks", "status"], in: repo.path)
        #expect(status.stdout == "pre-commit: Lore's (\(repo.path)/.git/hooks/pre-commit)\ncommit-msg: Lore's (\(repo.path)/.git/hooks/commit-msg)\npre-push: not installed (\(repo.path)/.git/hooks/pre-push)\n")
        #expect(try Self.lore(["hooks", "uninstall"], in: repo.path).stdout == "removed pre-commit\nremoved commit-msg\n")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    }

    @Test func everyCommitFormIsCheckedOnWhatItCommits() throws {
        let repo = try Self.repository()
        // git commit (index), invalid then valid.
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "related: [LL-0404]\n"))
        try repo.git(["add", "lessons/b.md"])
        let refused = try Self.git(repo, ["commit", "-q", "-m", "b"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lessons/b.md:6:11: error: 'related' names LL-0404, which no entry has [broken-link]"))
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "related: [LL-0001]\n"))
        try repo.git(["add", "lessons/b.md"])
        #expect(try Self.git(repo, ["commit", "-q", "-m", "b"]).status == 0)

        // git commit -a: the temporary index holds the working tree's change.
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "related: [LL-0405]\n"))
        #expect(try Self.git(repo, ["commit", "-q", "-a", "-m", "a"]).status != 0)
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "tags: [fine]\n"))
        #expect(try Self.git(repo, ["commit", "-q", "-a", "-m", "a"]).status == 0)

        // git commit <paths>, from a subfolder.
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "related: [LL-0406]\n"))
        #expect(try Self.git(repo, ["commit", "-q", "-m", "b", "--", "b.md"], in: repo.path + "/lessons").status != 0)
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "tags: [fine]\n"))
        #expect(try Self.git(repo, ["commit", "-q", "-m", "b", "--", "b.md"], in: repo.path + "/lessons").status == 0)

        // git commit --amend.
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "related: [LL-0407]\n"))
        try repo.git(["add", "lessons/a.md"])
        #expect(try Self.git(repo, ["commit", "-q", "--amend", "--no-edit"]).status != 0)
    }

    @Test func partialStagingFollowsTheStagedBytesAndNothingIsTouched() throws {
        let repo = try Self.repository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "tags: [staged]\n"))
        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "related: [LL-0404]\n"))   // broken, unstaged
        func fingerprint() throws -> [Data] {
            [try Data(contentsOf: URL(fileURLWithPath: repo.path + "/lessons/a.md")),
             try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")),
             Data(try repo.git(["status", "--porcelain=v2"]).utf8)]
        }
        // The hook itself, run as git runs it, changes nothing.
        let before = try fingerprint()
        let hook = try runProcess(repo.path + "/.git/hooks/pre-commit", [], in: repo.path, environment: gitEnvironment(Self.environment))
        #expect(hook.status == 0)
        #expect(try fingerprint() == before)
        #expect(try Self.git(repo, ["commit", "-q", "-m", "staged is fine"]).status == 0)
        #expect(try repo.git(["status", "--porcelain"]) == " M lessons/a.md\n")
    }

    /// The other way round: broken in the index, fixed only in the working tree: refused.
    @Test func brokenStagedBytesAreRefusedWhateverTheWorkingTreeHolds() throws {
        let repo = try Self.repository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001", "related: [LL-0404]\n"))
        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", Self.lesson("LL-0001"))
        #expect(try Self.git(repo, ["commit", "-q", "-m", "broken staged"]).status != 0)
    }

    /// A repository Lore cannot read refuses the commit, unless the team allows it.
    @Test func unreadableRepositoryRefusesUnlessAllowed() throws {
        let repo = try Self.repository()
        try repo.write("lessons/b.md", Self.lesson("LL-0002"))
        try repo.git(["add", "-A"])
        try repo.git(["update-index", "--split-index"])
        let refused = try Self.git(repo, ["commit", "-q", "-m", "b"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("split or sparse index"))
        try repo.git(["config", "lore.allowUnreadable", "true"])
        let allowed = try Self.git(repo, ["commit", "-q", "-m", "b"])
        #expect(allowed.status == 0)
        #expect(allowed.stderr.contains("lore: warning: entries were not checked"))
    }

    @Test func deletingALinkedEntryIsRefusedRenamingItPasses() throws {
        let repo = try Self.repository()
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "related: [LL-0001]\n"))
        try repo.git(["add", "-A"])
        #expect(try Self.git(repo, ["commit", "-q", "-m", "b"]).status == 0)
        try repo.git(["mv", "lessons/a.md", "lessons/renamed.md"])
        #expect(try Self.git(repo, ["commit", "-q", "-m", "rename"]).status == 0)
        try repo.git(["rm", "-q", "lessons/renamed.md"])
        #expect(try Self.git(repo, ["commit", "-q", "-m", "delete"]).status != 0)
    }

    @Test func foreignHookIsChainedAndRestoredByteForByte() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001"))
        try repo.commitAll("first")
        let foreign = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/foreign-ran\"\nexit 0\n"
        let hookPath = repo.path + "/.git/hooks/pre-commit"
        try foreign.write(toFile: hookPath, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hookPath)
        let install = try Self.lore(["hooks", "install", "--hook", "pre-commit"], in: repo.path)
        #expect(install.stdout == "installed pre-commit in \(repo.path)/.git/hooks; the previous hook runs first, kept as \(hookPath).lore-chained\n")
        try repo.write("lessons/b.md", Self.lesson("LL-0002"))
        try repo.git(["add", "-A"])
        #expect(try Self.git(repo, ["commit", "-q", "-m", "b"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/foreign-ran"))
        _ = try Self.lore(["hooks", "uninstall"], in: repo.path)
        #expect(try String(contentsOfFile: hookPath, encoding: .utf8) == foreign)
        let mode = try FileManager.default.attributesOfItem(atPath: hookPath)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        #expect(!FileManager.default.fileExists(atPath: hookPath + ".lore-chained"))
    }

    @Test func coreHooksPathAndLinkedWorktrees() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001"))
        try repo.commitAll("first")
        try repo.git(["config", "core.hooksPath", "team-hooks"])
        _ = try Self.lore(["hooks", "install"], in: repo.path)
        #expect(FileManager.default.fileExists(atPath: repo.path + "/team-hooks/pre-commit"))

        let plain = try TemporaryRepository()
        try plain.write("lessons/a.md", Self.lesson("LL-0001"))
        try plain.commitAll("first")
        let worktree = plain.base + "/linked"
        try plain.git(["worktree", "add", "-q", "-b", "other", worktree])
        _ = try Self.lore(["hooks", "install"], in: worktree)
        #expect(FileManager.default.fileExists(atPath: plain.path + "/.git/hooks/pre-commit"))
        try plain.write("../linked/lessons/b.md", Self.lesson("LL-0002", "related: [LL-0404]\n"))
        try plain.git(["add", "-A"], in: worktree)
        #expect(try Self.git(plain, ["commit", "-q", "-m", "b"], in: worktree).status != 0)
    }

    @Test func commitMessageTrailersMustNameEntries() throws {
        let repo = try Self.repository()
        try repo.write("lessons/b.md", Self.lesson("LL-0002"))
        try repo.git(["add", "-A"])
        let refused = try Self.git(repo, ["commit", "-q", "-m", "fix\n\nLore: LL-0001, LL-0999"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("error: trailer 'Lore: LL-0999' names an entry that is not in the staged index [unknown-trailer]"))
        #expect(try Self.git(repo, ["commit", "-q", "-m", "fix\n\nLore: LL-0001, LL-0002"]).status == 0)
    }

    /// In a repository with old imperfect entries the pre-commit hook judges the change: a
    /// code-only commit passes, a commit touching a bad entry fails on it, and a commit that breaks
    /// another entry (deleting what it links to) fails on the link it broke.
    @Test func preCommitJudgesTheChangeNotThePast() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", Self.lesson("LL-0001"))
        try repo.write("lessons/b.md", Self.lesson("LL-0002", "related: [LL-0001]\n"))
        try repo.write("lessons/old.md", "---\nid: LL-0003\ntitle: Old and incomplete\ndate: 2025-03-14\nstatus: active\n---\n")
        try repo.commitAll("memory with an old imperfect entry")
        #expect(try Self.lore(["hooks", "install"], in: repo.path).status == 0)
        // Code only: the old entry's missing sections are not this commit's business.
        try repo.write("src/main.c", "int main() { return 0; }\n")
        try repo.git(["add", "src/main.c"])
        let codeOnly = try Self.git(repo, ["commit", "-q", "-m", "code only"])
        #expect(codeOnly.status == 0, "\(codeOnly.stdout)\(codeOnly.stderr)")
        // Touching the old entry: its findings are the commit's now.
        try repo.write("lessons/old.md", "---\nid: LL-0003\ntitle: Old, touched\ndate: 2025-03-14\nstatus: active\n---\n")
        let touched = try Self.git(repo, ["commit", "-q", "-a", "-m", "touch"])
        #expect(touched.status != 0)
        let touchedOutput = touched.stdout + touched.stderr
        #expect(touchedOutput.contains("lessons/old.md") && touchedOutput.contains("missing-section"), "\(touchedOutput)")
        try repo.git(["checkout", "--", "lessons/old.md"])
        // Deleting an entry another links to: the broken link elsewhere is reported.
        try repo.git(["rm", "-q", "lessons/a.md"])
        let deleted = try Self.git(repo, ["commit", "-q", "-m", "delete"])
        #expect(deleted.status != 0)
        let deletedOutput = deleted.stdout + deleted.stderr
        #expect(deletedOutput.contains("lessons/b.md") && deletedOutput.contains("broken-link"), "\(deletedOutput)")
        #expect(!deletedOutput.contains("lessons/old.md"))
        // `lore check` without options still judges everything.
        #expect(try Self.lore(["check"], in: repo.path).stdout.contains("lessons/old.md"))
    }
}
