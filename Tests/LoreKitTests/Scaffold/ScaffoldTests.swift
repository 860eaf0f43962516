import Foundation
@testable import LoreKit
import Testing
import TestSupport

@Suite struct SlugTests {
    @Test func slugs() {
        #expect(Slug.make("Database failover took 40 minutes") == "database-failover-took-40-minutes")
        #expect(Slug.make("Café crème: ÅNGSTRÖM!") == "cafe-creme-angstrom")
        #expect(Slug.make("../../etc/passwd") == "etc-passwd")
        #expect(Slug.make("/abs") == "abs")
        #expect(Slug.make("..") == "untitled")
        #expect(Slug.make(".hidden") == "hidden")
        #expect(Slug.make("🔥🔥") == "untitled")
        #expect(Slug.make("a\u{0}b\nc\u{1B}d") == "a-b-c-d")
        let long = Slug.make(String(repeating: "word ", count: 100))
        #expect(long.count <= Slug.maxLength && !long.hasSuffix("-") && long.hasPrefix("word-word"))
    }

    /// Whatever the title, a slug is safe as one path component.
    @Test func arbitraryTitlesGiveSafeSlugs() {
        var generator = SeededGenerator(state: 42)
        for _ in 0..<2000 {
            let slug = Slug.make(randomAwkwardText(&generator) + "../" + randomAwkwardText(&generator))
            #expect(!slug.isEmpty && slug.count <= Slug.maxLength && !slug.hasPrefix(".") && !slug.hasPrefix("-"))
            #expect(slug.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }, "\(slug)")
        }
    }
}

@Suite struct IDAllocatorTests {
    private let kinds = Configuration.initial

    @Test func schemes() throws {
        let postmortem = try #require(kinds.kind(named: "postmortem"))
        #expect(IDAllocator.first(for: postmortem, date: "2025-03-14", taken: []) == "PM-0001")
        #expect(IDAllocator.first(for: postmortem, date: "2025-03-14", taken: ["PM-0009", "PM-12a", "LL-0100", "PM-0003"]) == "PM-0010")
        #expect(IDAllocator.first(for: postmortem, date: "2025-03-14", taken: ["PM-12345"]) == "PM-12346")
        #expect(IDAllocator.next(after: "PM-0010", for: postmortem, taken: ["PM-0011"]) == "PM-0012")
        let retrospective = try #require(kinds.kind(named: "retrospective"))
        #expect(IDAllocator.first(for: retrospective, date: "2025-03-14", taken: []) == "RT-20250314-1")
        #expect(IDAllocator.first(for: retrospective, date: "2025-03-14", taken: ["RT-20250314-1", "RT-20250314-7", "RT-20250315-9"]) == "RT-20250314-8")
        var random = postmortem
        random.ids = .random
        for _ in 0..<100 {
            let id = IDAllocator.first(for: random, date: "2025-03-14", taken: ["PM-aaaaa"])
            #expect(random.accepts(id: id) && id.count == 8 && id != "PM-aaaaa", "\(id)")
        }
    }
}

@Suite struct EntryScaffoldTests {
    /// Arbitrary Unicode titles and `--set` values round-trip exactly through the front-matter
    /// `lore new` writes (the scaffold itself also verifies this before writing).
    @Test func arbitraryTitlesAndValuesRoundTrip() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/config.yml", """
            kinds:
              postmortem:
                dir: postmortems
                prefix: PM
                path: "{yyyy}/{date}-{slug}.md"
                statuses: [draft, published]
                severities: [SEV1, SEV2]
                fields:
                  notes: { type: text }
            """)
        let scaffold = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path))
        var generator = SeededGenerator(state: 7)
        for index in 0..<300 {
            let title = "x" + randomAwkwardText(&generator).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
                + (index % 2 == 0 ? " \"#: {{x}}\u{1}" : "")
            let owner = "o" + randomAwkwardText(&generator).replacingOccurrences(of: "\n", with: " ")
            let notes = "n" + randomAwkwardText(&generator) + "\n" + randomAwkwardText(&generator)
            let request = NewEntryRequest(kind: "postmortem", title: title, values: [("severity", "SEV2"), ("owner_note", owner), ("notes", notes)],
                                          date: "2025-03-14", author: randomAwkwardText(&generator).replacingOccurrences(of: "\n", with: ""))
            let entry = try scaffold.preview(request)
            let parsed = try #require(EntryParser.parse(path: entry.path, kind: "postmortem", bytes: Array(entry.text.utf8)).entry,
                                      "\(title.debugDescription)")
            #expect(parsed.title == title, "\(title.debugDescription)")
            #expect(parsed.frontMatter.text("owner_note") == owner, "\(owner.debugDescription)")
            #expect(parsed.frontMatter.text("notes") == notes, "\(notes.debugDescription)")
            #expect(parsed.frontMatter.text("severity") == "SEV2" && parsed.id == "PM-0001")
            #expect(entry.path.description.hasPrefix("postmortems/2025/2025-03-14-"))
        }
    }

    /// A list value given with `--set`, a link and a supersession land in the front-matter.
    @Test func listsLinksAndOverrides() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\n---\n")
        let scaffold = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path))
        let entry = try scaffold.preview(NewEntryRequest(kind: "lesson", title: "B", values: [("tags", "db, \"quoted\", x: y"), ("status", "archived")],
                                                         links: ["PM-0001", "LL-0001"], supersedes: ["LL-0001"], date: "2025-03-14"))
        #expect(entry.text == """
            ---
            id: LL-0002
            title: B
            date: 2025-03-14
            status: archived
            authors: []
            tags: [db, "\\"quoted\\"", "x: y"]
            related: [PM-0001, LL-0001]
            supersedes: [LL-0001]
            ---

            # B

            ## Context

            The situation in which this was learned, with links to the incidents or decisions behind it.

            ## Lesson

            The lesson itself, stated so that someone who was not there can act on it.

            ## Evidence

            What shows the lesson is true: incidents, measurements, experiments.

            ## How to apply

            Where and how to use it: the code, runbooks or reviews it should change.

            """)
    }

    @Test func badValuesAreUsageErrors() throws {
        let repo = try TemporaryRepository()
        let scaffold = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path))
        func message(_ request: NewEntryRequest) -> String? {
            do { _ = try scaffold.preview(request); return nil } catch { return "\(error)" }
        }
        #expect(message(NewEntryRequest(kind: "retro", title: "x")) == "error: unknown kind 'retro'; this repository has postmortem, lesson, decision")
        #expect(message(NewEntryRequest(kind: "postmortem", title: "x", values: [("severity", "SEV9")]))
                == "error: --set severity=SEV9: 'severity' must be one of SEV1, SEV2, SEV3, SEV4, not 'SEV9'")
        #expect(message(NewEntryRequest(kind: "lesson", title: "x", date: "2025-02-30")) == "error: --date 2025-02-30 is not a date YYYY-MM-DD")
        #expect(message(NewEntryRequest(kind: "lesson", title: "x", id: "PM-0001"))
                == "error: --id PM-0001 is not an id of kind 'lesson' (ids are LL- then its sequence scheme)")
        #expect(message(NewEntryRequest(kind: "lesson", title: "x", values: [("id", "LL-1")])) == "error: --set id=… is not allowed; use --id")
        #expect(message(NewEntryRequest(kind: "lesson", title: "two\nlines")) == "error: the title must be one line")
        #expect(message(NewEntryRequest(kind: "lesson", title: "\u{FEFF}x")) == "error: the title starts with U+FEFF (an invisible byte-order mark), which YAML readers drop")
        #expect(message(NewEntryRequest(kind: "lesson", title: "x", values: [("team", "\u{FEFF}x")]))
                == "error: --set team=…: the value starts with U+FEFF (an invisible byte-order mark), which YAML readers drop")
        #expect(message(NewEntryRequest(kind: "lesson", title: "x", supersedes: ["LL-0404"]))
                == "error: --supersedes LL-0404: no entry has this id in the working tree")
    }

    /// A repository's own template in .lore/templates/ is used; one that HTML-escapes values is refused.
    @Test func repositoryTemplates() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/templates/lesson.md", "---\nid: {{id}}\ntitle: {{{title}}}\ndate: {{date}}\nstatus: active\nteam: core\n---\n\n{{title}} by {{author}}\n")
        let scaffold = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path))
        let entry = try scaffold.preview(NewEntryRequest(kind: "lesson", title: "a <b> & \"c\"", date: "2025-03-14", author: "Ada"))
        #expect(entry.text == "---\nid: LL-0001\ntitle: \"a <b> & \\\"c\\\"\"\ndate: 2025-03-14\nstatus: active\nteam: core\n---\n\na <b> & \"c\" by Ada\n")
        try repo.write(".lore/templates/lesson.md", "---\n{{% CONTENT_TYPE: HTML }}\nid: {{id}}\ntitle: \"{{title}}\"\ndate: {{date}}\nstatus: active\n---\n")
        let html = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path))
        #expect(throws: EditError.self) { try html.preview(NewEntryRequest(kind: "lesson", title: "a \"b\"", date: "2025-03-14")) }
    }
}
