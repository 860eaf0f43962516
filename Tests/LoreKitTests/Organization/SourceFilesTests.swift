import Foundation
import LoreKit
import Testing
import TestSupport

/// A git source's entry as a file on disk (`lore lsp` go-to-definition), and qualified ids judged by
/// the live check as `lore check` judges them.
@Suite struct SourceFilesTests {
    /// `payments` (one postmortem) and `central`, which names it and has synced it.
    static func organization() throws -> (payments: TemporaryRepository, central: TemporaryRepository, memory: MemoryRepository) {
        let payments = try TemporaryRepository()
        try payments.write("postmortems/2025/a.md", entryText(id: "PM-0001", title: "Card outage"))
        try payments.commitAll("Postmortem")
        let central = try TemporaryRepository()
        try central.write(".lore/config.yml", "version: 1\nsources:\n  payments: { git: \(payments.path), ref: main }\n"
                          + "rules: { missing-section: off, missing-field: off }\n")
        try central.write("lessons/a.md", entryText(id: "LL-0001", title: "Budgets", status: "active", extra: "related: [payments:PM-0001]\n"))
        try central.commitAll("Lesson")
        let memory = try MemoryRepository(discoveringFrom: central.path)
        let configuration = try memory.configuration(in: memory.snapshot(.workingTree))
        let reports = SourceSync.sync(memory, configuration: configuration)
        #expect(reports.map(\.outcome) == [.updated], "\(reports)")
        return (payments, central, memory)
    }

    @Test func aGitSourcesEntryIsCopiedReadOnlyOncePerCommit() throws {
        let (payments, central, memory) = try Self.organization()
        let configuration = try memory.configuration(in: memory.snapshot(.workingTree))
        let view = try OrganizationView.load(memory, configuration: configuration)
        let (source, entry) = try #require(view.entry(qualified: "payments:PM-0001"))
        #expect(view.entry(qualified: "payments:PM-0404") == nil && view.entry(qualified: "platform:PM-0001") == nil)
        let store = SourceStore(repository: memory.repository)
        let commit = try payments.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let file = try #require(store.entryFile(entry, of: source, limit: configuration.maxFileSize))
        #expect(file == memory.repository.commonDirectory + "lore/sources/files/payments/\(commit)/postmortems/2025/a.md")
        #expect(FileManager.default.contents(atPath: file) == FileManager.default.contents(atPath: payments.path + "/postmortems/2025/a.md"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o444)
        // Found again without the mirror; without both, nothing (no error).
        try FileManager.default.removeItem(atPath: store.mirrorPath("payments"))
        #expect(store.entryFile(entry, of: source, limit: configuration.maxFileSize) == file)
        try FileManager.default.removeItem(atPath: memory.repository.commonDirectory + "lore/sources/files")
        #expect(store.entryFile(entry, of: source, limit: configuration.maxFileSize) == nil)
        _ = central
    }

    @Test func theLiveCheckJudgesQualifiedIDsAsCheckDoes() throws {
        let (_, central, memory) = try Self.organization()
        let text = entryText(id: "LL-0001", title: "Budgets", status: "active", extra: "related: [payments:PM-0001, payments:PM-0404]\n")
        try central.write("lessons/a.md", text)
        let snapshot = try memory.snapshot(.workingTree)
        let configuration = try memory.configuration(in: snapshot)
        var live = try LiveCheck(memory, snapshot: snapshot, configuration: configuration)
        #expect(live.report(today: "2025-06-01").diagnostics.filter { $0.code == "broken-link" }.isEmpty)
        live.sourceIDs = QualifiedIDs.ids(of: ["payments"], memory: memory).ids
        let expected = try Checker.check(memory, source: .workingTree, today: "2025-06-01").diagnostics
        #expect(live.report(today: "2025-06-01").diagnostics == expected)
        #expect(expected.map { "\($0.position.line):\($0.position.column) \($0.message)" }
                == ["6:29 'related' names PM-0404, which the synced source 'payments' does not have"])
    }
}
