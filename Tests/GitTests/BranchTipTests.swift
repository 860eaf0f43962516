import Foundation
import Git
import Testing
import TestSupport

@Suite struct BranchTipTests {
    /// Local and remote-tracking branches are listed with their tips; origin/HEAD (symbolic) is not.
    @Test func localAndRemoteTrackingBranches() throws {
        let origin = try TemporaryRepository()
        try origin.write("a.md", "a\n")
        try origin.commitAll("first")
        try origin.git(["branch", "feature"])
        let clone = origin.base + "/clone"
        try origin.git(["clone", "-q", origin.path, clone], in: origin.base)
        try origin.git(["checkout", "-q", "-b", "topic"], in: clone)
        let repository = try Repository.discover(from: clone)
        let tips = try repository.branchTips()
        #expect(tips.map(\.name) == ["refs/heads/main", "refs/heads/topic", "refs/remotes/origin/feature", "refs/remotes/origin/main"])
        #expect(tips.map(\.isRemote) == [false, false, true, true])
        #expect(Set(tips.map(\.commit)).count == 1)
        #expect(tips[0].commit == (try repository.resolveCommit("HEAD")))
    }

    @Test func unbornRepositoryHasNoBranches() throws {
        let repo = try TemporaryRepository()
        #expect(try Repository.discover(from: repo.path).branchTips().isEmpty)
    }
}
