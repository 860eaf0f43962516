import Foundation
import Git
import Testing
import TestSupport

private func text(_ contents: FileContents?) -> String? {
    guard case .bytes(let bytes)? = contents else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct SnapshotTests {
    /// The same file differs in HEAD, the index and the working tree; each snapshot reads its own.
    @Test func workingTreeIndexAndHeadEachReadTheirOwnVersion() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "head\n")
        try repo.commitAll("first")
        try repo.write("lessons/a.md", "staged\n")
        try repo.git(["add", "lessons/a.md"])
        try repo.write("lessons/a.md", "working\n")

        let repository = try Repository.discover(from: repo.path)
        let path = GitPath("lessons/a.md")
        #expect(text(try Snapshot(repository: repository, source: .workingTree).contents(at: path)) == "working\n")
        #expect(text(try Snapshot(repository: repository, source: .index(file: nil)).contents(at: path)) == "staged\n")
        #expect(text(try Snapshot(repository: repository, source: .revision("HEAD")).contents(at: path)) == "head\n")
        for source in [SnapshotSource.workingTree, .index(file: nil), .revision("HEAD")] {
            let files = try Snapshot(repository: repository, source: source).files(under: [GitPath("lessons")])
            #expect(files.map(\.path) == [path])
            // A prefix naming a file lists that file, in every kind of snapshot (a tree's listing skipped it).
            let named = try Snapshot(repository: repository, source: source).files(under: [path, GitPath("lessons/gone.md")])
            #expect(named.map(\.path) == [path], "\(source)")
        }
    }

    /// As in `git commit -a`: git writes the next commit's index to a separate file and names it in
    /// GIT_INDEX_FILE; the repository's own index still holds the old content.
    @Test func explicitIndexFileIsReadInsteadOfTheRepositoryIndex() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "one\n")
        try repo.commitAll("first")
        let temporaryIndex = repo.base + "/next-index.lock"
        try FileManager.default.copyItem(atPath: repo.path + "/.git/index", toPath: temporaryIndex)
        try repo.write("lessons/a.md", "two\n")
        try repo.git(["add", "lessons/a.md"], environment: ["GIT_INDEX_FILE": temporaryIndex])

        let repository = try Repository.discover(from: repo.path)
        let path = GitPath("lessons/a.md")
        #expect(text(try Snapshot(repository: repository, source: .index(file: nil)).contents(at: path)) == "one\n")
        #expect(text(try Snapshot(repository: repository, source: .index(file: temporaryIndex)).contents(at: path)) == "two\n")
    }

    @Test func discoveryFromASubfolder() throws {
        let repo = try TemporaryRepository()
        try repo.write("decisions/deep/er/0001-x.md", "x\n")
        try repo.commitAll("first")
        let repository = try Repository.discover(from: repo.path + "/decisions/deep/er")
        #expect(repository.workingDirectory == repo.path + "/")
        #expect(!repository.isBare)
    }

    @Test func notARepositoryIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-none-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try Repository.discover(from: folder)
        } throws: { error in
            let error = error as? GitError
            return error?.code == .notFound && error?.message == "not a git repository (or any of the parent folders)"
        }
    }

    @Test func bareRepositoryReadsRevisionsAndRefusesTheWorkingTree() throws {
        let source = try TemporaryRepository()
        try source.write("lessons/a.md", "bare\n")
        try source.commitAll("first")
        let barePath = source.base + "/bare.git"
        try source.git(["clone", "-q", "--bare", source.path, barePath])

        let repository = try Repository.discover(from: barePath)
        #expect(repository.isBare)
        #expect(text(try Snapshot(repository: repository, source: .revision("main")).contents(at: GitPath("lessons/a.md"))) == "bare\n")
        #expect {
            try Snapshot(repository: repository, source: .workingTree)
        } throws: { ($0 as? GitError)?.code == .bareRepository }
        #expect {
            try Snapshot(repository: repository, source: .index(file: nil))
        } throws: { ($0 as? GitError)?.code == .bareRepository }
    }

    @Test func linkedWorktreeReadsItsOwnFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "main\n")
        try repo.commitAll("first")
        let worktree = repo.base + "/linked"
        try repo.git(["worktree", "add", "-q", "-b", "other", worktree])
        try repo.write("../linked/lessons/a.md", "linked\n")
        let repository = try Repository.discover(from: worktree + "/lessons")
        #expect(repository.workingDirectory == worktree + "/")
        #expect(text(try Snapshot(repository: repository, source: .workingTree).contents(at: GitPath("lessons/a.md"))) == "linked\n")
        #expect(text(try Snapshot(repository: repository, source: .revision("HEAD")).contents(at: GitPath("lessons/a.md"))) == "main\n")
    }

    @Test func unbornBranchReadsWorkingTreeAndIndexButNoRevision() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "new\n")
        try repo.git(["add", "lessons/a.md"])
        let repository = try Repository.discover(from: repo.path)
        #expect(repository.isHeadUnborn)
        #expect(try Snapshot(repository: repository, source: .workingTree).files().map(\.path) == [GitPath("lessons/a.md")])
        #expect(try Snapshot(repository: repository, source: .index(file: nil)).files().map(\.path) == [GitPath("lessons/a.md")])
        #expect {
            try Snapshot(repository: repository, source: .revision("HEAD"))
        } throws: { error in
            let error = error as? GitError
            return error?.code == .unbornBranch && error?.message == "HEAD has no commit yet (unborn branch)"
        }
    }

    @Test func unknownAndAbbreviatedRevisions() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "x\n")
        try repo.commitAll("first")
        try repo.git(["tag", "v1"])
        let head = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let repository = try Repository.discover(from: repo.path)
        #expect(try repository.resolveCommit(String(head.prefix(7))).hex == head)
        #expect(try repository.resolveCommit("v1").hex == head)
        #expect(try repository.resolveCommit("main").hex == head)
        #expect {
            try repository.resolveCommit("no-such-branch")
        } throws: { error in
            let error = error as? GitError
            return error?.code == .notFound && error?.description == "resolving the revision 'no-such-branch': unknown revision"
        }
    }

    /// Git paths are bytes: a Latin-1 name and NFC/NFD spellings of one name are three files.
    @Test func nonUTF8AndNormalizationVariantsAreAllKept() throws {
        let repo = try TemporaryRepository()
        let latin1: [UInt8] = Array("lessons/caf".utf8) + [0xE9] + Array(".md".utf8)
        let nfc = "lessons/caf\u{E9}.md", nfd = "lessons/cafe\u{301}.md"
        try repo.write(nameBytes: latin1, bytes: Array("latin1\n".utf8))
        try repo.write(nfc, "nfc\n")
        try repo.write(nfd, "nfd\n")
        try repo.commitAll("names")
        let repository = try Repository.discover(from: repo.path)
        for source in [SnapshotSource.workingTree, .index(file: nil), .revision("HEAD")] {
            let snapshot = try Snapshot(repository: repository, source: source)
            let files = try snapshot.files(under: [GitPath("lessons")])
            #expect(Set(files.map(\.path)) == [GitPath(bytes: latin1), GitPath(bytes: Array(nfc.utf8)), GitPath(bytes: Array(nfd.utf8))],
                    "\(source)")
            let contents = try files.map { text(try snapshot.contents(of: $0)) }
            #expect(Set(contents.compactMap { $0 }) == ["latin1\n", "nfc\n", "nfd\n"], "\(source)")
        }
        #expect(GitPath(bytes: latin1).description == "lessons/caf\\xE9.md")
        #expect(GitPath(bytes: latin1).string == nil)
    }

    @Test func workingTreeSkipsIgnoredFilesAndIncludesUntrackedOnes() throws {
        let repo = try TemporaryRepository()
        try repo.write(".gitignore", "drafts/\n*.tmp.md\n")
        try repo.write("lessons/tracked.md", "t\n")
        try repo.commitAll("first")
        try repo.write("lessons/untracked.md", "u\n")
        try repo.write("lessons/scratch.tmp.md", "ignored\n")
        try repo.write("lessons/drafts/x.md", "ignored\n")
        let repository = try Repository.discover(from: repo.path)
        let files = try Snapshot(repository: repository, source: .workingTree).files(under: [GitPath("lessons")])
        #expect(files.map(\.path.description) == ["lessons/tracked.md", "lessons/untracked.md"])
    }

    @Test func oversizedBlobsAreNotRead() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/big.md", String(repeating: "x", count: 5000))
        try repo.commitAll("big")
        let repository = try Repository.discover(from: repo.path)
        for source in [SnapshotSource.workingTree, .revision("HEAD")] {
            let snapshot = try Snapshot(repository: repository, source: source)
            #expect(try snapshot.contents(at: GitPath("lessons/big.md"), limit: 4096) == .tooLarge(5000))
        }
    }

    @Test func configAndMailmap() throws {
        let repo = try TemporaryRepository()
        try repo.git(["config", "user.name", "Grace Hopper"])
        try repo.git(["config", "user.email", "grace@example.com"])
        try repo.write(".mailmap", "Grace Hopper <grace@example.com> <gh@old.example>\n")
        try repo.commitAll("mailmap")
        let repository = try Repository.discover(from: repo.path)
        #expect(try repository.configString("user.name") == "Grace Hopper")
        #expect(try repository.configString("user.email") == "grace@example.com")
        #expect(try repository.configString("lore.nothing") == nil)
        let canonical = try repository.mailmap().resolve(name: "G. H.", email: "gh@old.example")
        #expect(canonical.name == "Grace Hopper" && canonical.email == "grace@example.com")
    }
}
