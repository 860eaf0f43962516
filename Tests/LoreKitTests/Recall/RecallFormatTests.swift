import Git
import Testing
@testable import LoreKit

/// The printing of `Recall` values, without a repository: ranking is tested on real ones.
@Suite struct RecallFormatTests {
    @Test func markdownEscapesTitlesAndFencesCode() {
        #expect(Recall.escape("a *b* [c](d) <img> | `e`") == "a \\*b\\* \\[c\\](d) \\<img\\> \\| \\`e\\`")
        #expect(Recall.code("src/db/**") == "`src/db/**`")
        #expect(Recall.code("a`b") == "``a`b``")
        #expect(Recall.code("`x") == "`` `x ``")
    }

    @Test func reasonsInWords() {
        let commit = String(repeating: "ab", count: 20)
        let paths = [GitPath("src/db/pool.go"), GitPath("src/db/conn.go")]
        #expect(RecallReason(kind: .affects, via: "src/db/**", paths: paths).text(id: "PM-0001") == "affects src/db/**")
        #expect(RecallReason(kind: .commit, via: commit, paths: paths).text(id: "PM-0001")
            == "fix commit abababa touched src/db/pool.go, src/db/conn.go")
        #expect(RecallReason(kind: .trailer, via: commit, paths: [paths[0]]).text(id: "PM-0042")
            == "commit abababa (Lore: PM-0042) touched src/db/pool.go")
    }

    @Test func emptyResults() {
        #expect(Recall(changedPaths: [], entries: [], notes: []).text() == "no changed paths: nothing to recall\n")
        let none = Recall(changedPaths: [GitPath("a"), GitPath("b")], entries: [], notes: [])
        #expect(none.text() == "nothing recalled for 2 changed paths\n")
        #expect(none.markdown() == "### Lore recall: nothing recalled for 2 changed paths\n")
        #expect(String(decoding: none.json(), as: UTF8.self) == "{\n  \"changed\": [\n    \"a\",\n    \"b\"\n  ],\n  \"entries\": [],\n  \"notes\": []\n}\n")
    }

    @Test func severityRanks() {
        func entry(_ severity: String?) -> RecalledEntry {
            RecalledEntry(path: GitPath("x.md"), kind: "postmortem", id: nil, title: nil, severity: severity, date: nil, status: nil, reasons: [])
        }
        #expect(entry("SEV1").severityRank < entry("sev2").severityRank)
        #expect(entry("SEV4").severityRank < entry("critical").severityRank)
        #expect(entry("critical").severityRank < entry(nil).severityRank)
    }
}
