import Foundation
import Testing
import TestSupport

/// `lore list --staged` run by git itself from a pre-commit hook reads exactly what is being
/// committed, for `git commit`, `git commit -a` and `git commit <paths>`.
@Suite struct HookTests {
    private func repositoryWithHook() throws -> (TemporaryRepository, String) {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "Committed", status: "active"))
        try repo.commitAll("first")
        let seen = repo.base + "/seen.txt"
        let hook = "#!/bin/sh\n'\(loreBinary)' list --staged --format table > '\(seen)' 2>&1\n"
        try hook.write(toFile: repo.path + "/.git/hooks/pre-commit", atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/.git/hooks/pre-commit")
        return (repo, seen)
    }

    private func titleSeen(_ seen: String) throws -> String {
        let table = try String(contentsOfFile: seen, encoding: .utf8)
        return table.split(separator: "\n").last.map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).joined(separator: " ") } ?? table
    }

    @Test func commitAllSeesTheWorkingTreeChange() throws {
        let (repo, seen) = try repositoryWithHook()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "Edited then committed with -a", status: "active"))
        try repo.git(["commit", "-q", "-a", "-m", "edit"])
        #expect(try titleSeen(seen) == "Edited then committed with -a")
    }

    @Test func commitPathsSeesOnlyThosePaths() throws {
        let (repo, seen) = try repositoryWithHook()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "Committed by path", status: "active"))
        try repo.write("lessons/b.md", entryText(id: "LL-0002", title: "Staged but not in this commit", status: "active"))
        try repo.git(["add", "lessons/b.md"])
        try repo.git(["commit", "-q", "-m", "by path", "--", "lessons/a.md"])
        let table = try String(contentsOfFile: seen, encoding: .utf8)
        #expect(table.contains("Committed by path"))
        #expect(!table.contains("LL-0002"))
    }

    @Test func plainCommitSeesTheIndexNotTheWorkingTree() throws {
        let (repo, seen) = try repositoryWithHook()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "Staged", status: "active"))
        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "Unstaged edit", status: "active"))
        try repo.git(["commit", "-q", "-m", "staged only"])
        #expect(try titleSeen(seen) == "Staged")
        // The hook changed nothing: the unstaged edit is still there, unstaged.
        #expect(try repo.git(["status", "--porcelain"]) == " M lessons/a.md\n")
    }
}
