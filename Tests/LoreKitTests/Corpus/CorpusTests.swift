import Foundation
import LoreKit
import Testing
import TestSupport

@Suite struct CorpusTests {
    @Test func readsEveryKindSkipsNonEntriesAndOrdersByPath() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025/b.md", entryText(id: "PM-0002", title: "B"))
        try repo.write("postmortems/2024/a.md", entryText(id: "PM-0001", title: "A"))
        try repo.write("lessons/x.md", entryText(id: "LL-0001", title: "X", status: "active"))
        try repo.write("decisions/0001-y.md", entryText(id: "DR-0001", title: "Y", status: "accepted"))
        for skipped in ["lessons/README.md", "lessons/index.md", "lessons/_draft.md", "lessons/.hidden.md",
                        "lessons/.obsidian/note.md", "lessons/notes.txt", "src/lessons/x.md", "README.md"] {
            try repo.write(skipped, "not an entry\n")
        }
        try repo.commitAll("entries")
        let memory = try MemoryRepository(discoveringFrom: repo.path)
        for source in [SnapshotSource.workingTree, .index(file: nil), .revision("HEAD")] {
            let corpus = try memory.corpus(source)
            #expect(corpus.entries.map(\.path.description) == ["decisions/0001-y.md", "lessons/x.md", "postmortems/2024/a.md", "postmortems/2025/b.md"])
            #expect(corpus.entries.map(\.kind) == ["decision", "lesson", "postmortem", "postmortem"])
            #expect(corpus.diagnostics.isEmpty)
        }
    }

    @Test func strangeFileNamesAreKeptAndReported() throws {
        let repo = try TemporaryRepository()
        try repo.write(nameBytes: Array("lessons/caf".utf8) + [0xE9] + Array(".md".utf8),
                       bytes: Array(entryText(id: "LL-0001", title: "Latin-1", status: "active").utf8))
        try repo.write("lessons/caf\u{E9}-x.md", entryText(id: "LL-0002", title: "NFC", status: "active"))
        try repo.write("lessons/cafe\u{301}-x.md", entryText(id: "LL-0003", title: "NFD", status: "active"))
        try repo.commitAll("names")
        let corpus = try MemoryRepository(discoveringFrom: repo.path).corpus(.revision("HEAD"))
        #expect(Set(corpus.entries.compactMap(\.id)) == ["LL-0001", "LL-0002", "LL-0003"])
        #expect(corpus.diagnostics.map(\.code) == ["unicode-normalization-clash", "unicode-normalization-clash", "non-utf8-path"])
        #expect(corpus.diagnostics.last?.description == "lessons/caf\\xE9.md:1:1: warning: file name is not valid UTF-8 (invalid bytes shown as \\xNN) [non-utf8-path]")
        #expect(corpus.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func configurationComesFromTheSnapshotRead() throws {
        let repo = try TemporaryRepository()
        try repo.write("notes/a.md", entryText(id: "NT-0001", title: "A", status: "open"))
        try repo.commitAll("no config")
        try repo.write(".lore/config.yml", "kinds:\n  note:\n    dir: notes\n    prefix: NT\n    statuses: [open]\n")
        let memory = try MemoryRepository(discoveringFrom: repo.path)
        #expect(try memory.corpus(.workingTree).entries.map(\.id) == ["NT-0001"])
        #expect(try memory.corpus(.revision("HEAD")).entries.isEmpty)
    }

    @Test func largeCorpusKeepsEveryEntryInOrder() throws {
        let repo = try TemporaryRepository()
        for index in 0..<600 {
            let id = String(format: "LL-%04d", index)
            try repo.write("lessons/\(id).md", entryText(id: id, title: "Lesson \(index)", status: "active",
                                                         body: "## Lesson\n\nSee [[LL-0000]].\n"))
        }
        try repo.write("lessons/bad.md", "---\nid: [\n---\n")
        try repo.commitAll("many")
        let corpus = try MemoryRepository(discoveringFrom: repo.path).corpus(.revision("HEAD"))
        #expect(corpus.entries.count == 600)
        #expect(corpus.entries.map(\.id) == (0..<600).map { String(format: "LL-%04d", $0) })
        #expect(corpus.entries.allSatisfy { $0.links.count == 1 && $0.sections.map(\.text) == ["Lesson"] })
        #expect(corpus.diagnostics.map(\.description) == ["lessons/bad.md:3:1: error: while parsing a flow node: did not find expected node content [invalid-yaml]"])
    }
}
