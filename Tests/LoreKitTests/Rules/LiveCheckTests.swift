import Foundation
import LoreKit
import Testing
import TestSupport

/// `LiveCheck` (what `lore lsp` judges buffers with) reports exactly what `lore check` reports for
/// the same texts, after any sequence of replaced, added and removed files.
@Suite struct LiveCheckTests {
    static let today = "2025-06-01"

    static func live(_ repo: TemporaryRepository) throws -> LiveCheck {
        let memory = try MemoryRepository(discoveringFrom: repo.path)
        let snapshot = try memory.snapshot(.workingTree)
        return try LiveCheck(memory, snapshot: snapshot, configuration: memory.configuration(in: snapshot))
    }

    @Test func sameFindingsAsCheckAfterEachChange() throws {
        let repo = try CheckCacheTests.repository()
        var live = try Self.live(repo)
        #expect(live.report(today: Self.today).diagnostics == (try CheckCacheTests.check(repo, .workingTree)))

        let pm = try String(contentsOfFile: repo.path + "/postmortems/2025/a.md", encoding: .utf8)
        let edits: [(path: String, text: String?)] = [
            // Lines added above the links: the same summary, moved (the snapshot-wide findings move too).
            ("postmortems/2025/a.md", pm.replacingOccurrences(of: "## Summary", with: "Intro.\n\n## Summary")),
            ("postmortems/2025/a.md", pm.replacingOccurrences(of: "title: A\n", with: "title: A\ntags: [x]\n")),
            // Links change, the id does not: the file is judged again by itself.
            ("postmortems/2025/a.md", pm.replacingOccurrences(of: "LL-0404", with: "DR-0002").replacingOccurrences(of: "[[LL-0405]]", with: "[[LL-0406]]")),
            ("decisions/0001-a.md", "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\nsupersedes: [DR-0002]\nrelated: [PM-0404]\naffects: [nowhere/**]\n---\n"),
            // The id others link to changes: their links break.
            ("lessons/l.md", "---\nid: LL-0009\ntitle: L\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n"),
            // A duplicate disappears; a relative link to it breaks.
            ("lessons/twin.md", nil),
            ("lessons/link.md", "---\nid: LL-0002\ntitle: Link\ndate: 2025-03-14\nstatus: active\n---\n\nSee [t](twin.md) and [l](l.md).\n"),
            // A new entry takes the id back; its own findings come with it.
            ("lessons/new.md", "---\nid: LL-0001\ntitle: New\ndate: 2025-13-01\nstatus: active\nrelated: [DR-0404]\n---\n"),
            // A file that no longer parses.
            ("decisions/0002-b.md", "---\nid: [\n---\n"),
        ]
        for edit in edits {
            let full = repo.path + "/" + edit.path
            if let text = edit.text {
                try repo.write(edit.path, text)
                let kind = edit.path.hasPrefix("lessons") ? "lesson" : edit.path.hasPrefix("decisions") ? "decision" : "postmortem"
                live.update(path: GitPath(edit.path), kind: kind,
                            bytes: Array(text.utf8), commitExists: { _ in false })
            } else {
                try FileManager.default.removeItem(atPath: full)
                live.remove(path: GitPath(edit.path))
            }
            let expected = try CheckCacheTests.check(repo, .workingTree, caching: false)
            #expect(live.report(today: Self.today).diagnostics == expected, "after \(edit.path)")
        }
        #expect(live.summary(at: GitPath("lessons/new.md"))?.id?.text == "LL-0001")
        #expect(live.summaries.map(\.path.description).contains("lessons/twin.md") == false)
    }
}
