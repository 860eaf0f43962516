import Foundation
import LoreKit
import Testing

private func parse(_ text: String) -> EntryParser.Result {
    EntryParser.parse(path: GitPath("postmortems/x.md"), kind: "postmortem", bytes: Array(text.utf8))
}

private func parse(bytes: [UInt8]) -> EntryParser.Result {
    EntryParser.parse(path: GitPath("postmortems/x.md"), kind: "postmortem", bytes: bytes)
}

/// The one diagnostic of a result, printed as lore prints it.
private func message(_ result: EntryParser.Result) -> String? {
    result.diagnostics.count == 1 ? result.diagnostics[0].description : result.diagnostics.map(\.description).joined(separator: " | ")
}

@Suite struct EntryParserTests {
    @Test func validEntryKeepsFieldsPositionsSectionsAndLinks() throws {
        let result = parse("---\nid: PM-0001\ntitle: Failover\ndate: 2025-03-14\nstatus: published\ntags: [db, NO]\n---\n\n# Failover\n\n## Summary\n\nSee [[LL-0002]].\n")
        let entry = try #require(result.entry)
        #expect(result.diagnostics.isEmpty)
        #expect(entry.id == "PM-0001" && entry.title == "Failover" && entry.date == "2025-03-14" && entry.status == "published")
        #expect(entry.tags == ["db", "NO"])
        #expect(entry.frontMatter.field("title")?.key.position == SourcePosition(line: 3, column: 1))
        #expect(entry.frontMatter["title"]?.position == SourcePosition(line: 3, column: 8))
        #expect(entry.bodyLine == 8)
        #expect(entry.sections.map(\.text) == ["Summary"] && entry.sections[0].line == 11)
        #expect(entry.links.map { "\($0.line):\($0.column) \($0.destination)" } == ["13:5 LL-0002"])
    }

    @Test func scalarsKeepTheTextAsWritten() throws {
        let entry = try #require(parse("---\nid: PM-1\nversion: 1.10\nflag: NO\nmode: 0o17\ncount: 01234\nat: 12:30:00\nday: 2024-01-05\n---\n").entry)
        for (key, text) in [("version", "1.10"), ("flag", "NO"), ("mode", "0o17"), ("count", "01234"), ("at", "12:30:00"), ("day", "2024-01-05")] {
            #expect(entry.frontMatter.text(key) == text)
        }
    }

    @Test func bomAndCRLFAreValid() throws {
        let text = "\u{FEFF}---\r\nid: PM-1\r\ntitle: T\r\n---\r\n\r\n## Summary\r\n\r\n[[LL-1]]\r\n"
        let result = parse(text)
        let entry = try #require(result.entry)
        #expect(result.diagnostics.isEmpty)
        #expect(entry.title == "T")
        #expect(entry.sections.first?.line == 6)
        #expect(entry.links.first.map { "\($0.line):\($0.column)" } == "8:1")
    }

    @Test func missingFrontMatter() {
        #expect(message(parse("# Just markdown\n")) == "postmortems/x.md:1:1: error: missing front-matter: an entry starts with a line '---' (or '+++' for TOML, '{' for JSON) [missing-front-matter]")
    }

    @Test func missingClosingFence() {
        let result = parse("---\nid: PM-1\ntitle: T\n\n# Body\n")
        #expect(result.entry == nil)
        #expect(message(result) == "postmortems/x.md:1:1: error: front-matter opened here is never closed with a line '---' [unclosed-front-matter]")
    }

    @Test func tabIndentation() {
        #expect(message(parse("---\nid: PM-1\naction_items:\n\t- title: x\n---\n")) == "postmortems/x.md:4:1: error: while scanning for the next token: found character that cannot start any token (tabs cannot indent YAML; use spaces) [invalid-yaml]")
        // Only a tab is blamed on tabs: an unquoted value starting with `@` says so.
        #expect(message(parse("---\nid: PM-1\nauthor: @ana\n---\n")) == "postmortems/x.md:3:9: error: while scanning for the next token: found character that cannot start any token ('@' cannot start a plain value; quote the value) [invalid-yaml]")
    }

    @Test func duplicateKeys() {
        #expect(message(parse("---\nid: PM-1\ntitle: A\ntitle: B\n---\n")) == "postmortems/x.md:4:1: error: duplicate key 'title' (first at line 3) [invalid-yaml]")
        #expect(message(parse("---\nitems:\n  - title: A\n    owner: me\n    title: B\n---\n")) == "postmortems/x.md:5:5: error: duplicate key 'title' (first at line 3) [invalid-yaml]")
    }

    @Test func complexKeyIsRefusedWithoutCrashing() {
        #expect(message(parse("---\n? [a, b]\n: v\n---\n")) == "postmortems/x.md:2:3: error: keys must be plain names, not lists or mappings [invalid-yaml]")
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let start = Date()
        let result = parse("---\n" + yaml + "---\n")
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(message(result) == "postmortems/x.md:2:4: error: anchors and aliases (&name, *name) are not allowed [invalid-yaml]")
    }

    @Test func ampersandsInTextAreFineAndLoneAliasesAreRefused() throws {
        #expect(parse("---\nid: PM-1\ntitle: \"R&D & ops\"\ntags: [a&b]\n---\n").diagnostics.isEmpty)
        #expect(message(parse("---\nid: PM-1\ntitle: *nothing\n---\n")) == "postmortems/x.md:3:8: error: found undefined alias [invalid-yaml]")
        #expect(message(parse("---\nid: &x PM-1\ntitle: T\n---\n")) == "postmortems/x.md:2:5: error: anchors and aliases (&name, *name) are not allowed [invalid-yaml]")
    }

    @Test func deepFlowNestingIsRefusedBeforeParsing() {
        let result = parse("---\nid: " + String(repeating: "[", count: 10_000) + "\n---\n")
        #expect(message(result) == "postmortems/x.md:2:68: error: nesting deeper than 64 levels [invalid-yaml]")
    }

    @Test func nulBytes() {
        #expect(message(parse(bytes: Array("---\nid: PM-1\n".utf8) + [0] + Array("\n---\n".utf8))) == "postmortems/x.md:1:1: error: binary file (NUL bytes) where a Markdown entry was expected [binary-file]")
        let late = Array("---\nid: PM-1\n---\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 9000) + Array("\nb".utf8) + [0]
        #expect(message(parse(bytes: late)) == "postmortems/x.md:5:2: error: NUL byte in text [nul-byte]")
    }

    @Test func invalidUTF8() {
        let bytes = Array("---\nid: PM-1\ntitle: caf".utf8) + [0xE9] + Array("\n---\n".utf8)
        #expect(message(parse(bytes: bytes)) == "postmortems/x.md:3:11: error: file is not valid UTF-8 [invalid-utf8]")
    }

    @Test func frontMatterMustBeAMapping() {
        #expect(message(parse("---\n- a\n- b\n---\n")) == "postmortems/x.md:2:1: error: front-matter must be a mapping of fields, not a list [invalid-yaml]")
    }

    @Test func emptyFrontMatterIsAnEntryWithoutFields() throws {
        let entry = try #require(parse("---\n---\nbody\n").entry)
        #expect(entry.frontMatter.fields.isEmpty)
    }

    @Test func tooComplexBodyIsADiagnosticButTheEntryStays() throws {
        let result = parse("---\nid: PM-1\n---\n" + String(repeating: "- ", count: 100) + "x\n")
        #expect(result.entry?.id == "PM-1")
        #expect(message(result) == "postmortems/x.md:4:1: error: body not parsed: 100 nested block quotes or list items on one line (limit 64) [markdown-too-complex]")
    }

    /// Multibyte text before a value moves its column by scalars, not bytes.
    @Test(arguments: ["", "é", "日本", "🙂"])
    func yamlColumnsCountScalars(prefix: String) {
        let result = parse("---\ntitle: \(prefix)x\nbad: [\n---\n")
        #expect(result.diagnostics.first?.position.line == 4)
    }
}
