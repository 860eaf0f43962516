import Foundation
import LoreKit
import Testing
import TestSupport

/// `IndexOutput.write` renders only the records whose inputs changed and copies the others from
/// the previous output, giving the bytes a full rendering gives.
@Suite struct IndexOutputTests {
    /// Writes the index of `repo`'s working tree to `path`; the outcome and the bytes a full
    /// rendering (caches off) gives.
    static func write(_ repo: TemporaryRepository, to path: String, lines: Bool) throws -> (IndexOutput.Outcome, [UInt8]) {
        let memory = try MemoryRepository(discoveringFrom: repo.path, caching: true)
        let index = try MemoryIndex.load(memory, source: .workingTree)
        let outcome = try IndexOutput.write(index, lines: lines, to: path, memory: memory)
        let cold = try MemoryIndex.load(MemoryRepository(discoveringFrom: repo.path, caching: false), source: .workingTree)
        return (outcome, cold.render(lines: lines))
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test(arguments: [false, true])
    func onlyChangedRecordsAreRendered(lines: Bool) throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A"))
        try repo.write("lessons/b.md", entryText(id: "LL-0002", title: "B"))
        try repo.write("lessons/c.md", entryText(id: "LL-0003", title: "C"))
        try repo.write("postmortems/p.md", entryText(id: "PM-0001", title: "P", extra: "related: [LL-0001]\n"))
        try repo.commitAll("Start")
        let path = repo.base + "/index.out"

        var (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 4, records: 4))
        #expect(try Self.bytes(path) == cold)

        // Nothing changed: nothing rendered.
        (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 0, records: 4))
        #expect(try Self.bytes(path) == cold)

        // An edit of B alone (uncommitted: its content, not its history): B only.
        try repo.write("lessons/b.md", entryText(id: "LL-0002", title: "B edited"))
        (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 1, records: 4))
        #expect(try Self.bytes(path) == cold)

        // C starts linking to A: C (its links) and A (a new backlink, its file unchanged).
        try repo.write("lessons/c.md", entryText(id: "LL-0003", title: "C", extra: "related: [LL-0001]\n"))
        (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 2, records: 4))
        #expect(try Self.bytes(path) == cold)

        // Committing B and C changes their history only: B and C.
        try repo.git(["add", "lessons/b.md", "lessons/c.md"])
        try repo.git(["commit", "-q", "-m", "Edit B and C"])
        (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 2, records: 4))
        #expect(try Self.bytes(path) == cold)

        // The output changed behind Lore's back (one byte, same size): everything is rendered.
        var edited = try Self.bytes(path)
        let at = try #require(edited.firstIndex(of: UInt8(ascii: "P")))
        edited[at] = UInt8(ascii: "Q")
        try Data(edited).write(to: URL(fileURLWithPath: path))
        (outcome, cold) = try Self.write(repo, to: path, lines: lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 4, records: 4))
        #expect(try Self.bytes(path) == cold)

        // The other form written to the same file: everything is rendered, in that form.
        (outcome, cold) = try Self.write(repo, to: path, lines: !lines)
        #expect(outcome == IndexOutput.Outcome(rendered: 4, records: 4))
        #expect(try Self.bytes(path) == cold)
    }
}
