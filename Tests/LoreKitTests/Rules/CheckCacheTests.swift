import Foundation
import LoreKit
import Testing
import TestSupport

/// A check served from the check cache reports exactly what a check without it reports, notices
/// every change that matters (the entry, the configuration, the templates, the date), and survives
/// a missing or damaged cache.
@Suite struct CheckCacheTests {
    static func repository(commit: Bool = true) throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("src/pay/pool.go", "package pay\n")
        try repo.write("postmortems/2025/a.md", """
            ---
            id: PM-0001
            title: A
            date: 2025-03-14
            status: published
            severity: SEV9
            related: [LL-0001, LL-0404]
            affects: [src/pay/**, src/gone/**]
            commits: [deadbeef]
            action_items:
              - title: Fix
                owner: ana
                due: 2025-04-01
              - title: Unowned
            ---

            ## Summary

            See [[LL-0001]], [[LL-0405]], [b](../../lessons/l.md) and [c](../../lessons/gone.md).
            """)
        try repo.write("lessons/l.md", "---\nid: LL-0001\ntitle: L\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n")
        try repo.write("lessons/twin.md", "---\nid: LL-0001\ntitle: Twin\ndate: 2025-03-14\nstatus: active\n---\n")
        try repo.write("lessons/bad.md", "---\nid: [\n---\n")
        try repo.write("decisions/0001-a.md", "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\nsupersedes: [DR-0002]\n---\n")
        try repo.write("decisions/0002-b.md", "---\nid: DR-0002\ntitle: B\ndate: 2025-03-14\nstatus: accepted\nsupersedes: [DR-0001]\n---\n")
        if commit { try repo.commitAll("entries") }
        return repo
    }

    /// A check; the kept snapshot states (`SnapshotStateTests`) are removed first, so that the
    /// check cache is what serves it.
    static func check(_ repo: TemporaryRepository, _ source: SnapshotSource, caching: Bool = true,
                      today: String = "2025-06-01") throws -> [Diagnostic] {
        for slot in ["index", "tree"] { try? FileManager.default.removeItem(atPath: repo.path + "/.git/lore/check-state-\(slot)") }
        return try Checker.check(MemoryRepository(discoveringFrom: repo.path, caching: caching), source: source, today: today).diagnostics
    }

    @Test(arguments: ["working tree", "index", "HEAD"])
    func cachedEqualsUncached(name: String) throws {
        let source: SnapshotSource = name == "HEAD" ? .revision("HEAD") : name == "index" ? .index(file: nil) : .workingTree
        let repo = try Self.repository()
        let fresh = try Self.check(repo, source, caching: false)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/lore/check-cache"))
        let first = try Self.check(repo, source)      // writes the cache
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/lore/check-cache"))
        let second = try Self.check(repo, source)     // reads it
        #expect(first == fresh && second == fresh)
        #expect(Set(fresh.map(\.code)) == ["invalid-value", "broken-link", "unmatched-affects", "unknown-commit", "overdue-action-item",
                                           "incomplete-action-item", "duplicate-id", "invalid-yaml", "supersession-cycle",
                                           "missing-section", "supersession-mismatch"])
    }

    @Test func everyChangeThatMattersIsSeen() throws {
        let repo = try Self.repository()
        _ = try Self.check(repo, .workingTree)
        // The entry itself (a staged change read from the index).
        try repo.write("lessons/twin.md", "---\nid: LL-0002\ntitle: Twin\ndate: 2025-03-14\nstatus: active\n---\n")
        _ = try repo.git(["add", "lessons/twin.md"])
        #expect(try Self.check(repo, .index(file: nil)) == Self.check(repo, .index(file: nil), caching: false))
        #expect(try !Self.check(repo, .index(file: nil)).contains { $0.code == "duplicate-id" })
        // The date: overdue items are judged on every run.
        #expect(try !Self.check(repo, .workingTree, today: "2025-03-15").contains { $0.code == "overdue-action-item" })
        // A template of the repository's own.
        try repo.write(".lore/templates/lesson.md", "---\nid: {{id}}\n---\n\n## Context\n\nWhat happened.\n\n## Evidence\n\nLinks.\n")
        let templated = try Self.check(repo, .workingTree)
        #expect(templated == (try Self.check(repo, .workingTree, caching: false)))
        #expect(templated.contains { $0.code == "missing-section" && $0.message.contains("Evidence") })
        // The configuration.
        try repo.write(".lore/config.yml", "version: 1\nrules:\n  broken-link: off\n")
        let configured = try Self.check(repo, .workingTree)
        #expect(configured == (try Self.check(repo, .workingTree, caching: false)))
        #expect(!configured.contains { $0.code == "broken-link" })
    }

    @Test func damagedCacheIsRebuilt() throws {
        let repo = try Self.repository()
        let fresh = try Self.check(repo, .revision("HEAD"), caching: false)
        _ = try Self.check(repo, .revision("HEAD"))
        let cachePath = repo.path + "/.git/lore/check-cache"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        for damage in [{ (b: inout [UInt8]) in b.removeLast(b.count / 3) },
                       { (b: inout [UInt8]) in for index in stride(from: 60, to: b.count, by: 7) { b[index] ^= 0x5A } },
                       { (b: inout [UInt8]) in b = Array("not a cache".utf8) }] {
            var damaged = bytes
            damage(&damaged)
            try Data(damaged).write(to: URL(fileURLWithPath: cachePath))
            #expect(try Self.check(repo, .revision("HEAD")) == fresh)
        }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath))).starts(with: Array("lore check cache".utf8)))
    }
}

extension CheckCacheTests {
    @Test func changedEntriesAreAppendedNotRewritten() throws {
        // No commit yet: the working tree is judged through the check cache, not from HEAD's state.
        let repo = try Self.repository(commit: false)
        _ = try Self.check(repo, .workingTree)
        let cachePath = repo.path + "/.git/lore/check-cache"
        let before = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        try repo.write("lessons/l.md", "---\nid: LL-0001\ntitle: Changed\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n")
        let changed = try Self.check(repo, .workingTree)
        let after = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        #expect(after.count > before.count && after.starts(with: before))
        #expect(changed == (try Self.check(repo, .workingTree, caching: false)))
        #expect(try Self.check(repo, .workingTree) == changed)
    }
}
