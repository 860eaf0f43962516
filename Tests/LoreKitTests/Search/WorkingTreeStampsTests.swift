import Foundation
@testable import LoreKit
import Testing

/// The working-tree record says which entry files to read again, or that the corpus must be.
@Suite struct WorkingTreeStampsTests {
    /// A folder with two entry files and a configuration file, none younger than two seconds.
    final class Tree {
        let top: String

        init() throws {
            top = FileManager.default.temporaryDirectory.appendingPathComponent("stamps-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: top + "/lessons", withIntermediateDirectories: true)
            try write("lessons/a.md", "---\nid: LL-0001\n---\nA.\n")
            try write("lessons/b.md", "---\nid: LL-0002\n---\nB.\n")
            try write("config.yml", "kinds: []\n")
            // Older than two seconds (a change time cannot be set back): recorded with their stats.
            Thread.sleep(forTimeInterval: 3)
        }

        deinit { try? FileManager.default.removeItem(atPath: top) }

        func write(_ path: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: top + "/" + path))
        }

        func record() -> [UInt8]? {
            WorkingTreeStamps.record(top: top, roots: ["lessons"], extra: [top + "/config.yml"])
        }
    }

    @Test func nothingChangedIsCurrent() throws {
        let tree = try Tree()
        let record = try #require(tree.record())
        #expect(WorkingTreeStamps.isCurrent(record, top: tree.top))
        #expect(WorkingTreeStamps.changedFiles(from: record, to: try #require(tree.record())) == [])
    }

    @Test func anEditedFileIsNamed() throws {
        let tree = try Tree()
        let before = try #require(tree.record())
        try tree.write("lessons/b.md", "---\nid: LL-0002\n---\nB, edited.\n")
        let after = try #require(tree.record())
        #expect(!WorkingTreeStamps.isCurrent(before, top: tree.top))
        #expect(WorkingTreeStamps.changedFiles(from: before, to: after) == ["lessons/b.md"])
        // Younger than two seconds: recorded with zeros, so the next search reads it again.
        #expect(!WorkingTreeStamps.isCurrent(after, top: tree.top))
        #expect(WorkingTreeStamps.changedFiles(from: after, to: try #require(tree.record())) == ["lessons/b.md"])
    }

    @Test func addedRemovedFilesAndTheConfigurationNeedTheCorpus() throws {
        let tree = try Tree()
        let before = try #require(tree.record())
        try tree.write("lessons/c.md", "---\nid: LL-0003\n---\nC.\n")
        #expect(WorkingTreeStamps.changedFiles(from: before, to: try #require(tree.record())) == nil)
        try FileManager.default.removeItem(atPath: tree.top + "/lessons/c.md")
        try FileManager.default.removeItem(atPath: tree.top + "/lessons/a.md")
        #expect(WorkingTreeStamps.changedFiles(from: before, to: try #require(tree.record())) == nil)
        let other = try Tree()
        let kept = try #require(other.record())
        try other.write("config.yml", "kinds: [x]\n")
        #expect(WorkingTreeStamps.changedFiles(from: kept, to: try #require(other.record())) == nil)
        #expect(WorkingTreeStamps.changedFiles(from: kept, to: Array(kept.dropLast(3))) == nil)
    }

    @Test func aFileSavedByRenameIsNamed() throws {
        let tree = try Tree()
        let before = try #require(tree.record())
        try tree.write("lessons/.a.md.swp", "---\nid: LL-0001\n---\nA, saved.\n")
        #expect(rename(tree.top + "/lessons/.a.md.swp", tree.top + "/lessons/a.md") == 0)
        #expect(WorkingTreeStamps.changedFiles(from: before, to: try #require(tree.record())) == ["lessons/a.md"])
    }
}
