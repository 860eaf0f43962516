import Foundation
import Git
import Testing
import TestSupport

@Suite struct HistoryTests {
    @Test func walkReportsChangesWithRenamesNewestFirst() throws {
        let repo = try TemporaryRepository()
        let body = (1...40).map { "line \($0) of a lesson that is long enough to be similar\n" }.joined()
        try repo.write("lessons/old-name.md", body)
        try repo.write("src/main.c", "int main;\n")
        try repo.commitAll("add lesson")
        try repo.git(["mv", "lessons/old-name.md", "lessons/new-name.md"])
        try repo.git(["commit", "-q", "-m", "rename\n\nLore: LL-0001"])
        try repo.write("lessons/new-name.md", body + "one more line\n")
        try repo.git(["commit", "-q", "-am", "edit"], environment: ["GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com"])

        let repository = try Repository.discover(from: repo.path)
        var records: [CommitRecord] = []
        try repository.walkHistory(under: [GitPath("lessons")]) { records.append($0); return true }
        #expect(records.map { $0.message.split(separator: "\n").first.map(String.init) ?? "" } == ["edit", "rename", "add lesson"])
        #expect(records[0].author.name == "Bob")
        #expect(records[0].changes == [FileChange(status: .modified, oldPath: GitPath("lessons/new-name.md"), newPath: GitPath("lessons/new-name.md"))])
        #expect(records[1].changes == [FileChange(status: .renamed, oldPath: GitPath("lessons/old-name.md"), newPath: GitPath("lessons/new-name.md"))])
        #expect(records[1].message.contains("Lore: LL-0001"))
        // The pathspec keeps src/ out of the root commit's changes.
        #expect(records[2].changes == [FileChange(status: .added, oldPath: GitPath("lessons/old-name.md"), newPath: GitPath("lessons/old-name.md"))])
        #expect(records[2].parents.isEmpty && records[1].parents == [records[2].id])
        #expect(records[2].author.time == 1735787045 && records[2].author.offsetMinutes == 0)
    }

    @Test func shallowCloneHistoryStopsAtTheBoundary() throws {
        let repo = try TemporaryRepository()
        for index in 1...3 {
            try repo.write("lessons/a.md", "version \(index)\n")
            try repo.commitAll("commit \(index)")
        }
        let shallow = repo.base + "/shallow"
        try repo.git(["clone", "-q", "--depth", "2", "file://" + repo.path, shallow])
        let repository = try Repository.discover(from: shallow)
        #expect(repository.isShallow)
        #expect(repository.shallowBoundary().count == 1)
        var records: [CommitRecord] = []
        let complete = try repository.walkHistory { records.append($0); return true }
        #expect(!complete)
        #expect(records.map { $0.message } == ["commit 3\n", "commit 2\n"])
        #expect(records[1].isShallowBoundary && records[1].parents.isEmpty && !records[0].isShallowBoundary)
    }

    @Test func splitIndexIsReportedNotMisread() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "x\n")
        try repo.commitAll("first")
        try repo.git(["update-index", "--split-index"])
        let repository = try Repository.discover(from: repo.path)
        #expect {
            try Snapshot(repository: repository, source: .index(file: nil))
        } throws: { error in
            let error = error as? GitError
            return error?.code == .unsupported && error?.message.contains("git update-index --no-split-index") == true
        }
    }

    @Test func sha256RepositoryIsReportedClearly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-sha256-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try runProcess("/usr/bin/git", ["init", "-q", "--object-format=sha256", folder], environment: gitEnvironment())
        try #require(result.status == 0)
        #expect {
            try Repository.discover(from: folder)
        } throws: { error in
            let error = error as? GitError
            return error?.code == .unsupported && error?.message.contains("SHA-256") == true
        }
    }
}

@Suite struct OwnershipTests {
    /// Only root can hand a folder to another user; CI runs as root.
    @Test(.enabled(if: getuid() == 0, "making a repository owned by another user needs root"))
    func repositoryOwnedByAnotherUserGetsAdviceNotNotFound() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "x\n")
        let chown = try runProcess("/bin/chown", ["-R", "65534", repo.path])
        try #require(chown.status == 0)
        #expect {
            try Repository.discover(from: repo.path)
        } throws: { error in
            let error = error as? GitError
            return error?.code == .notOwner && error?.message.contains("safe.directory") == true
        }
    }
}

@Suite struct SparseIndexTests {
    @Test func sparseIndexIsReportedNotMisread() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "x\n")
        try repo.write("src/deep/b.c", "y\n")
        try repo.commitAll("first")
        try repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"])
        try repo.git(["sparse-checkout", "set", "lessons"])
        let repository = try Repository.discover(from: repo.path)
        #expect {
            try Snapshot(repository: repository, source: .index(file: nil))
        } throws: { error in
            let error = error as? GitError
            return error?.code == .unsupported && error?.message.contains("sparse") == true
        }
        // Revisions do not depend on the index and still read every file.
        #expect(try Snapshot(repository: repository, source: .revision("HEAD")).files().map(\.path.description) == ["lessons/a.md", "src/deep/b.c"])
    }
}

extension HistoryTests {
    /// Commits that only add, change or remove files take a quick path (a walk of the changed
    /// subtrees); what it reports must be what git reports, for every shape a tree can change in.
    @Test func quickTreeWalkAgreesWithGit() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "a\n")
        try repo.write("lessons/a.md.bak", "x\n")
        try repo.write("lessons/deep/b.md", "b\n")
        try repo.write("lessons-other/z.md", "z\n")
        try repo.write("src/x.c", "x\n")
        try repo.commitAll("root")
        var steps: [() throws -> Void] = []
        steps.append { try repo.write("lessons/a.md", "a2\n"); try repo.write("lessons/deep/c/d.md", "d\n") }
        steps.append { try repo.git(["rm", "-rq", "lessons/deep"]); try repo.write("src/x.c", "y\n") }
        steps.append { try repo.write("lessons/deep", "now a file\n") }                  // folder gone, file with its name
        steps.append { try repo.git(["rm", "-q", "lessons/deep"]); try repo.write("lessons/deep/e.md", "e\n") }   // and back
        steps.append { try repo.git(["update-index", "--chmod=+x", "lessons/a.md"]) }   // a mode change only
        steps.append { try repo.write("lessons-other/z.md", "z2\n") }                   // a sibling folder sharing the prefix
        steps.append { _ = try runProcess("/bin/ln", ["-sf", "a.md", repo.path + "/lessons/link.md"]) }
        steps.append { try repo.git(["rm", "-q", "lessons/link.md"]); try repo.write("lessons/link.md", "a regular file now\n") }
        steps.append { try repo.git(["rm", "-rq", "lessons"]) }
        for (index, step) in steps.enumerated() {
            try step()
            _ = try repo.git(["add", "-A"])
            try repo.git(["commit", "-q", "--allow-empty", "-m", "step \(index)"])
        }
        let repository = try Repository.discover(from: repo.path)
        var records: [CommitRecord] = []
        try repository.walkHistory(under: [GitPath("lessons")]) { records.append($0); return true }
        #expect(records.count == steps.count + 1)
        for record in records {
            let parent = record.parents.first?.hex ?? "4b825dc642cb6eb9a060e54bf8d69288fbee4904"   // the empty tree
            let expected = try repo.git(["diff-tree", "-r", "--no-renames", "--name-status", parent, record.id.hex, "--", "lessons"])
                .split(separator: "\n").flatMap { line -> [String] in
                    let parts = line.split(separator: "\t")
                    switch parts[0] {
                    case "A": return ["added \(parts[1])"]
                    case "D": return ["deleted \(parts[1])"]
                    case "T": return ["deleted \(parts[1])", "added \(parts[1])"]   // as libgit2 reports a type change
                    default: return ["modified \(parts[1])"]
                    }
                }
            let found = record.changes.map { "\($0.status.rawValue) \($0.newPath)" }
            #expect(found == expected, "\(record.message)")
        }
    }
}
