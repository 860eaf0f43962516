import Foundation
import LoreKit
import Testing
import TestSupport

/// The parse cache gives exactly what parsing gives, and survives being missing or corrupt.
@Suite struct ParseCacheTests {
    static func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025/a.md", """
            ---
            id: PM-0001
            title: "Quotes \\" é 日本"
            date: 2025-03-14
            status: published
            severity: SEV2
            tags: [a, 'b', NO]
            action_items:
              - title: Fix
                due: 2025-04-01
            notes: |
              literal
            nested: { a: [x, ~], b: {} }
            ---

            ## Summary

            See [[LL-0001|the lesson]], [x](../../lessons/l.md), <https://example.com>.
            """)
        try repo.write("lessons/l.md", "---\nid: LL-0001\ntitle: L\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n")
        try repo.write("lessons/bad.md", "---\nid: [\n---\n")
        try repo.write("lessons/deep.md", "---\nid: LL-0002\n---\n" + String(repeating: "> ", count: 80) + "x\n")
        try repo.commitAll("entries")
        return repo
    }

    static func corpus(_ repo: TemporaryRepository, _ source: SnapshotSource) throws -> Corpus {
        try MemoryRepository(discoveringFrom: repo.path).corpus(source)
    }

    @Test(arguments: ["working tree", "index", "HEAD"])
    func cachedEqualsParsed(name: String) throws {
        let source: SnapshotSource = name == "HEAD" ? .revision("HEAD") : name == "index" ? .index(file: nil) : .workingTree
        let repo = try Self.repository()
        let memory = try MemoryRepository(discoveringFrom: repo.path)
        let snapshot = try memory.snapshot(source)
        let fresh = try CorpusLoader.load(from: snapshot, configuration: memory.configuration(in: snapshot))
        let first = try Self.corpus(repo, source)      // writes the cache
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/lore/parse-cache"))
        let second = try Self.corpus(repo, source)     // reads it
        #expect(first.entries == fresh.entries && second.entries == fresh.entries)
        #expect(first.diagnostics == fresh.diagnostics && second.diagnostics == fresh.diagnostics)
        #expect(fresh.entries.count == 3 && fresh.diagnostics.count == 2)
    }

    @Test func corruptOrForeignCacheIsRebuilt() throws {
        let repo = try Self.repository()
        let fresh = try Self.corpus(repo, .revision("HEAD"))
        let cachePath = repo.path + "/.git/lore/parse-cache"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        for damage in [{ (b: inout [UInt8]) in b.removeLast(b.count / 3) },
                       { (b: inout [UInt8]) in for index in stride(from: 60, to: b.count, by: 7) { b[index] ^= 0x5A } },
                       { (b: inout [UInt8]) in b = Array("not a cache".utf8) }] {
            var damaged = bytes
            damage(&damaged)
            try Data(damaged).write(to: URL(fileURLWithPath: cachePath))
            let again = try Self.corpus(repo, .revision("HEAD"))
            #expect(again.entries == fresh.entries)
            #expect(again.diagnostics == fresh.diagnostics)
        }
        bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cachePath)))
        #expect(bytes.starts(with: Array("lore parse cache".utf8)))
    }

    @Test func aChangedFileIsParsedAgain() throws {
        let repo = try Self.repository()
        _ = try Self.corpus(repo, .workingTree)
        try repo.write("lessons/l.md", "---\nid: LL-0001\ntitle: Changed\ndate: 2025-03-14\nstatus: active\n---\n")
        #expect(try Self.corpus(repo, .workingTree).entries.first { $0.id == "LL-0001" }?.title == "Changed")
    }
}
