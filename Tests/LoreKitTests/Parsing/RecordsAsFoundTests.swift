import Foundation
@testable import LoreCore
@testable import LoreKit
import Testing

private func parse(_ text: String, path: String = "docs/adr/0001-x.md") -> EntryParser.Result {
    EntryParser.parse(path: GitPath(path), kind: "decision", bytes: Array(text.utf8), readsFilesWithoutFrontMatter: true)
}

private func kind(_ yaml: String) throws -> Kind {
    try #require(Configuration.parse(Array(yaml.utf8)).kinds.first)
}

/// What a kind makes of a file: the entry's fields by name, as text.
private func derive(_ text: String, path: String = "docs/adr/0001-x.md", kind: Kind) -> [String: String] {
    let result = FieldDerivation.apply(parse(text, path: path), kind: kind)
    var fields: [String: String] = [:]
    for pair in result.entry?.frontMatter.fields ?? [] {
        switch pair.value {
        case .scalar(let scalar): fields[pair.key.text] = scalar.text
        case .sequence(let items, _): fields[pair.key.text] = items.compactMap(\.scalar?.text).joined(separator: ",")
        case .mapping: fields[pair.key.text] = "{…}"
        }
    }
    return fields
}

private let adrKind = """
    kinds:
      decision:
        dir: docs/adr
        fields:
          id: { from: [file-name] }
          title: { from: [heading, file-name] }
          status: { from: [section, line] }
          date: { from: [line, git], format: DD/MM/YYYY }
    """

@Suite struct RecordsAsFoundTests {
    /// The leading-id pattern is a constant: it compiles (an optional, so no input path can trap).
    @Test func leadingIDPatternCompiles() {
        #expect(EntryName.leadingID != nil)
    }

    @Test func tomlFrontMatterKeepsTextAndPositions() throws {
        let result = parse("+++\ntitle = \"Hello\"\ndate = 2021-03-04T10:00:00+01:00\ntags = [\"a\", 'b']\n[params]\nauthor.name = \"Ann\"\n+++\n\nBody\n")
        let entry = try #require(result.entry)
        #expect(entry.frontMatter.syntax == .toml)
        #expect(entry.frontMatter.text("title") == "Hello")
        #expect(entry.frontMatter["title"]?.position == SourcePosition(line: 2, column: 9))
        #expect(entry.frontMatter.text("date") == "2021-03-04T10:00:00+01:00")
        #expect(entry.frontMatter.list("tags") == ["a", "b"])
        #expect(entry.frontMatter["params"]?["author"]?["name"]?.scalar?.text == "Ann")
        #expect(entry.bodyLine == 8)
    }

    @Test func jsonFrontMatterKeepsTextAndPositions() throws {
        let result = parse("{\n  \"title\": \"Caf\\u00e9 \\ud83d\\ude00\",\n  \"weight\": 1.10,\n  \"draft\": false\n}\n\n# Body\n")
        let entry = try #require(result.entry)
        #expect(entry.frontMatter.syntax == .json)
        #expect(entry.frontMatter.text("title") == "Café 😀")
        #expect(entry.frontMatter.text("weight") == "1.10")
        #expect(entry.frontMatter["draft"]?.position == SourcePosition(line: 4, column: 12))
        #expect(entry.headings.first?.line == 7)
    }

    @Test(arguments: [
        ("+++\ntitle = \"open\n+++\n", "docs/adr/0001-x.md:2:9: error: TOML front-matter (between '+++' lines): string opened here is never closed on its line [invalid-front-matter]"),
        ("+++\na = 1\na = 2\n+++\n", "docs/adr/0001-x.md:3:1: error: TOML front-matter (between '+++' lines): duplicate key 'a' (first at 2:1) [invalid-front-matter]"),
        ("+++\ntitle = bare\n+++\n", "docs/adr/0001-x.md:2:9: error: TOML front-matter (between '+++' lines): 'bare' is not a TOML value (strings are quoted) [invalid-front-matter]"),
        ("+++\ntitle = \"x\"\n", "docs/adr/0001-x.md:1:1: error: TOML front-matter opened here with '+++' is never closed with a line '+++' [unclosed-front-matter]"),
        ("{\n  \"a\": [1, 2\n}\n", "docs/adr/0001-x.md:3:1: error: JSON front-matter (an object at the top of the file): expected ',' or ']' in the array opened at 2:8 [invalid-front-matter]"),
        ("{\"a\": 1, \"a\": 2}\n", "docs/adr/0001-x.md:1:10: error: JSON front-matter (an object at the top of the file): duplicate key 'a' (first at 1:2) [invalid-front-matter]"),
    ])
    func unreadableFrontMatterNamesItsSyntax(text: String, expected: String) {
        let result = parse(text)
        #expect(result.entry == nil)
        #expect(result.diagnostics.map(\.description) == [expected])
    }

    @Test func aColonInAPlainValueIsReadOnlyForKindsReadingRecordsAsFound() throws {
        let text = "---\ntitle: ADR002: Pick a queue\nlabel: x\n---\n# Body\n"
        let result = parse(text, path: "docs/adr/0002-pick-a-queue.md")
        #expect(result.entry?.frontMatter.text("title") == "ADR002: Pick a queue")
        #expect(result.diagnostics.map(\.code) == ["invalid-yaml"])
        // A kind that reads records as found keeps the entry, with a warning.
        let applied = FieldDerivation.apply(result, kind: try kind(adrKind))
        #expect(applied.entry?.frontMatter.text("title") == "Pick a queue")
        #expect(applied.diagnostics.map(\.severity) == [.warning])
        // A FORMAT.md v1 kind, and the editors (strict parsing): the error alone, as before.
        let v1 = FieldDerivation.apply(result, kind: try kind("kinds:\n  decision:\n    dir: docs/adr\n"))
        #expect(v1.entry == nil)
        #expect(v1.diagnostics.map(\.severity) == [.error])
        #expect(EntryParser.parse(path: GitPath("docs/adr/0001-x.md"), kind: "decision", bytes: Array(text.utf8)).entry == nil)
        // Still unreadable when quoting does not help.
        #expect(parse("---\ntitle: [a: b\n---\n").entry == nil)
    }

    @Test func hostileNestingIsRefusedNotRecursedInto() {
        let deepJSON = String(repeating: "[", count: 100_000)
        #expect(parse("{\"a\": \(deepJSON)").diagnostics.first?.message.contains("nesting deeper than 64 levels") == true)
        let deepTOML = "+++\na = " + String(repeating: "[", count: 100_000) + "\n+++\n"
        #expect(parse(deepTOML).diagnostics.first?.message.contains("nesting deeper than 64 levels") == true)
        let headers = "+++\n[" + Array(repeating: "a", count: 200).joined(separator: ".") + "]\n+++\n"
        #expect(parse(headers).diagnostics.first?.message.contains("nesting deeper than 64 levels") == true)
    }

    @Test func withoutFrontMatterOnlyKindsReadingRecordsAsFoundSeeAnEntry() throws {
        let text = "# 1. Use X\n\n## Status\n\nAccepted\n"
        let plain = try #require(Configuration.builtIn.kind(named: "decision"))
        let refused = FieldDerivation.apply(parse(text, path: "decisions/0001-x.md"), kind: plain)
        #expect(refused.entry == nil)
        #expect(refused.diagnostics.map(\.code) == ["missing-front-matter"])
        let adopted = FieldDerivation.apply(parse(text), kind: try kind(adrKind))
        #expect(adopted.diagnostics.isEmpty)
        #expect(adopted.entry?.id == "0001")
    }

    @Test func nygardRecord() throws {
        let fields = derive("""
            # 12. Use PostgreSQL

            Date: 21/02/2017

            ## Status

            Superceded by [14. Use CockroachDB](0014-use-cockroachdb.md)

            ## Context
            """, path: "docs/adr/0012-use-postgresql.md", kind: try kind(adrKind))
        #expect(fields["id"] == "0012")
        #expect(fields["title"] == "Use PostgreSQL")
        #expect(fields["date"] == "2017-02-21")
        #expect(fields["status"] == "superseded")
        #expect(fields["superseded_by"] == "0014")
    }

    @Test func templatePlaceholdersAreNoStatus() throws {
        // A record that kept its template's status line: no status, and no relation from its example link.
        let bullets = derive("""
            # Pick a queue

            - Status: [ proposed | accepted | superseded by [x](yyyymmdd-x.md)] <!-- optional -->
            - Date: [YYYY-MM-DD when decided] <!-- optional -->
            """, path: "docs/adr/20230301-pick-a-queue.md", kind: try kind(adrKind))
        #expect(bullets["status"] == nil)
        #expect(bullets["superseded_by"] == nil)
        #expect(bullets["date"] == nil)
        let section = derive("# 9. Cache pages\n\nDate: 2024-02-01\n\n## Status\n\n[fill in once decided]\n\n## Context\n",
                             path: "docs/adr/0009-cache-pages.md", kind: try kind(adrKind))
        #expect(section["status"] == nil)
        // The section is a placeholder; a `Status:` line further on still gives one.
        let both = derive("# 9. Cache pages\n\n## Status\n\n{proposed | accepted | rejected}\n\nStatus: accepted\n",
                          path: "docs/adr/0009-cache-pages.md", kind: try kind(adrKind))
        #expect(both["status"] == "accepted")
        let frontMatter = derive("---\nstatus: \"{proposed | rejected | accepted | deprecated}\"\n---\n# Cache pages\n",
                                 path: "docs/adr/0009-cache-pages.md", kind: try kind(adrKind))
        #expect(frontMatter["status"] == nil)
        #expect(FieldDerivation.isPlaceholder("Accepted") == false)
        #expect(FieldDerivation.isPlaceholder("Superseded by [ADR-0007](0007-x.md)") == false)
    }

    @Test func aDateInThePathASiteGivesThePage() throws {
        let post = try kind("kinds:\n  post:\n    dir: content/blog\n    prefix: POST\n    statuses: [draft, published]\n    fields:\n      date: { from: [file-name, git] }\n")
        func date(_ frontMatter: String) -> String? {
            derive("+++\n\(frontMatter)\ntitle = \"X\"\n+++\nText\n", path: "content/blog/welcome.md", kind: post)["date"]
        }
        #expect(date("path = \"2019/09/25/Welcome.html\"") == "2019-09-25")
        #expect(date("url = \"/blog/2024/03/17/release/\"") == "2024-03-17")
        // A draft's far date, or no date in the path: the next source.
        #expect(date("path = \"blog/9999/12/31/draft\"") == nil)
        #expect(date("path = \"blog/welcome\"") == nil)
    }

    @Test func aSitesPageIDIsNotTheRecordsID() throws {
        let adr = try kind(adrKind)
        let page = derive("---\nid: docs-adr007\ntitle: Pick a queue\n---\n", path: "docs/adr/adr007-pick-a-queue.md", kind: adr)
        #expect(page["id"] == "adr007")
        // An id of the team's own, or one that merely ends with the same digits: as written.
        #expect(derive("---\nid: DEC-12\n---\n", path: "docs/adr/adr007-pick-a-queue.md", kind: adr)["id"] == "DEC-12")
        #expect(derive("---\nid: xadr007\n---\n", path: "docs/adr/adr007-pick-a-queue.md", kind: adr)["id"] == "xadr007")
        #expect(FieldDerivation.isPageID("decisions/0007", of: "0007"))
        #expect(!FieldDerivation.isPageID("DR-0007", of: "0007"))
    }

    @Test func titlesWithoutTheRecordsOwnNumber() throws {
        let adr = try kind(adrKind)
        #expect(derive("# ADR007: Pick a queue\n", path: "docs/adr/adr007-pick-a-queue.md", kind: adr)["title"] == "Pick a queue")
        #expect(derive("# ADR-0007 - Pick a queue\n", path: "docs/adr/0007-pick-a-queue.md", kind: adr)["title"] == "Pick a queue")
        #expect(derive("---\ntitle: 'RFC 7: Pick a queue'\n---\n", path: "docs/adr/0007-pick-a-queue.md", kind: adr)["title"] == "Pick a queue")
        // Another number, or no separator after it: the title as written.
        #expect(derive("# ADR008: Pick a queue\n", path: "docs/adr/adr007-pick-a-queue.md", kind: adr)["title"] == "ADR008: Pick a queue")
        #expect(derive("# 7 queues compared\n", path: "docs/adr/0007-queues.md", kind: adr)["title"] == "7 queues compared")
        #expect(FieldDerivation.cleanTitle("1.77.0 pre-release testing", id: "1.77.0-prerelease") == "1.77.0 pre-release testing")
        // The record's type before the title.
        #expect(derive("# Architecture Decision Record: Pick a queue\n", path: "adr-007-pick-a-queue.md", kind: adr)["title"] == "Pick a queue")
        #expect(derive("# ADR: Pick a queue\n", path: "docs/adr/0007-pick-a-queue.md", kind: adr)["title"] == "Pick a queue")
        #expect(derive("# Queues: a comparison\n", path: "docs/adr/0007-queues.md", kind: adr)["title"] == "Queues: a comparison")
    }

    @Test func derivedFieldsPointAtTheirText() throws {
        let result = FieldDerivation.apply(parse("# 3. Title\n\n* Status: ✅ Accepted.\n* Date: 2020-01-31\n"), kind: try kind(adrKind))
        let entry = try #require(result.entry)
        #expect(entry.frontMatter["title"]?.position == SourcePosition(line: 1, column: 1))
        #expect(entry.frontMatter["status"]?.position == SourcePosition(line: 3, column: 11))
        #expect(entry.frontMatter["date"]?.position == SourcePosition(line: 4, column: 9))
        #expect(entry.status == "accepted")
        #expect(entry.frontMatter.derived["status"] == "line")
        #expect(entry.frontMatter.derived["id"] == "file-name")
    }

    @Test func factsWrittenAsHeadings() throws {
        let fields = derive("# 7. Use gRPC\n\n## Status: Accepted\n\n## Date: 2021-04-05\n\n## Context\n", path: "docs/adr/0007-use-grpc.md",
                            kind: try kind(adrKind))
        #expect(fields["status"] == "accepted")
        #expect(fields["date"] == "2021-04-05")
        #expect(fields["title"] == "Use gRPC")
    }

    @Test func aliasesFormatsAndDefaults() throws {
        let incident = try kind("""
            kinds:
              incident:
                dir: incidents
                prefix: INC
                statuses: [open, resolved]
                fields:
                  id: { from: [{file-name: '^(INC-[0-9]+)'}] }
                  date: { from: [file-name, git] }
                  status: { default: resolved }
                  started: { type: datetime, aliases: [start_time] }
            """)
        let fields = derive("---\ntitle: Outage\nstart_time: 2024-05-01T10:00:00Z\n---\n", path: "incidents/INC-42 2024-05-01 outage.md", kind: incident)
        #expect(fields["id"] == "INC-42")
        #expect(fields["date"] == "2024-05-01")
        #expect(fields["status"] == "resolved")
        #expect(fields["started"] == "2024-05-01T10:00:00Z")
        #expect(fields["start_time"] == nil)
    }

    @Test(arguments: [
        ("2019-02-05", nil, "2019-02-05"), ("2019-02-05T23:30:00-07:00", nil, "2019-02-05"), ("2019/2/5", nil, "2019-02-05"),
        ("20190205", nil, "2019-02-05"), ("21/02/2017", nil, "2017-02-21"), ("02/21/2017", nil, "2017-02-21"),
        ("05/02/2019", "DD/MM/YYYY", "2019-02-05"), ("05/02/2019", "MM/DD/YYYY", "2019-05-02"), ("05.02.2019", nil, "2019-02-05"),
        ("February 5th, 2019", nil, "2019-02-05"), ("5 Feb 2019", nil, "2019-02-05"), ("**2019-02-05**", nil, "2019-02-05"),
        ("2024-14-02", nil, "2024-02-14"), ("[2022-10-05]", nil, "2022-10-05"),
    ] as [(String, String?, String)])
    func datesAsTeamsWriteThem(text: String, format: String?, expected: String) {
        #expect(DateText.normalize(text, format: format) == expected)
    }

    @Test func notDates() {
        for text in ["TBD", "2019-02-30", "05/02/2019", "Q3 2019", ""] { #expect(DateText.normalize(text) == nil, "\(text)") }
    }

    @Test(arguments: [
        ("0001-record-decisions", "0001"), ("ADR035-rds-broker", "ADR035"), ("PM2019-009 - Database failover", "PM2019-009"),
        ("RFC-0042-config", "RFC-0042"), ("adr001-add-adr-log", "adr001"), ("2019-02-05", "2019-02-05"),
        ("0005-2fa-everywhere", "0005"), ("3fa85f64-5717-4562-b3fc-2c963f66afa6", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ("use-kafka", "use-kafka"), ("SEC-INC-042-token-leak", "SEC-INC-042"), ("ADR-FE-003-router", "ADR-FE-003"),
        ("add-http-2-support", "add-http-2-support"), ("API-V2-migration", "API-V2-migration"),
    ])
    func idsFromFileNames(stem: String, expected: String) {
        #expect(EntryName(GitPath("x/\(stem).md"), bundles: false).id(pattern: nil) == expected)
    }

    @Test(arguments: [
        ("Accepted", "accepted"), ("Accepted.", "accepted"), ("✅ Accepted", "accepted"), ("**Proposed**", "proposed"),
        ("Superceded by [ADR-0007](0007-x.md)", "superseded"), ("superseded by ADR-0007", "superseded"),
        ("Accepted on 2020-01-01", "accepted"), ("In Review", "in-review"), ("Draft", "draft"), ("Rejected in favour of X", "rejected"),
        ("Approved", "accepted"),
    ])
    func statusesAsTeamsWriteThem(text: String, expected: String) throws {
        let spec = FieldSpec("status", .enumeration(["proposed", "accepted", "rejected", "deprecated", "superseded"]))
        #expect(FieldDerivation.normalizeStatus(text, spec: spec, statuses: ["proposed", "accepted", "rejected", "deprecated", "superseded"]) == expected)
    }

    @Test func bodyFactsFromBulletsBoldLinesTablesAndSections() throws {
        let entry = try #require(parse("""
            # Title

            * **Status:** accepted
            - Deciders: Ann, Bob
            **Date**: 2020-01-02

            | Created    | Status |
            | ---------- | ------ |
            | 2020-05-17 | Open   |

            ## Status

            Accepted

            Amended by [5](0005-x.md)

            ```
            Status: not this
            ```
            """).entry)
        let facts = entry.bodyFields.map { "\($0.origin == .line ? "line" : "section") \($0.key)=\($0.value.replacingOccurrences(of: "\n", with: "/")) @\($0.position)" }
        #expect(facts == [
            "line Status=accepted @3:15", "line Deciders=Ann, Bob @4:13", "line Date=2020-01-02 @5:11",
            "line Created=2020-05-17 @9:3", "line Status=Open @9:16",
            "section Title=* **Status:** accepted/- Deciders: Ann, Bob/**Date**: 2020-01-02//| Created    | Status |/| ---------- | ------ |/| 2020-05-17 | Open   | @3:1",
            "section Status=Accepted//Amended by [5](0005-x.md) @13:1",
        ])
    }

    @Test func configurationRefusesUnknownSourcesAndBadPatterns() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse(Array("kinds:\n  decision:\n    fields:\n      id: { from: [guess] }\n".utf8)) }
        #expect(throws: ConfigurationError.self) { try Configuration.parse(Array("kinds:\n  decision:\n    fields:\n      id: { from: [{file-name: '(unclosed'}] }\n".utf8)) }
        #expect(throws: ConfigurationError.self) { try Configuration.parse(Array("kinds:\n  decision:\n    fields:\n      date: { format: YYYY/DD/MM }\n".utf8)) }
        #expect(throws: ConfigurationError.self) { try Configuration.parse(Array("kinds:\n  decision:\n    fields:\n      custom: { from: [line] }\n".utf8)) }
    }

    @Test func entryFilesOfAKindReadingRecordsAsFound() throws {
        let kind = try kind("kinds:\n  decision:\n    dir: .\n    include: [\"ADR*.md\", \"adr/**/*.md\"]\n    exclude: [\"ADR000*\"]\n")
        #expect(kind.folder.bytes.isEmpty)
        for (path, expected) in [("ADR035-x.md", true), ("ADR0001-template.md", false), ("README.md", false), ("src/ADR1.md", true),
                                 ("adr/2019/x.md", true), ("docs/x.md", false), ("template.md", false), ("EMPTY-ADR.md", false)] {
            #expect(EntryFileFilter.isEntry(GitPath(path), of: kind) == expected, "\(path)")
        }
    }

    /// Random mutations of TOML and JSON front-matter never crash or hang the readers: each gives
    /// an entry or a diagnostic with a position inside the file.
    @Test func mutatedFrontMatterNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let seeds = ["+++\ntitle = \"a\"\ntags = [\"x\", 'y']\n[p]\nq.r = { s = 1, t = [1, 2] }\n[[u]]\nv = \"\"\"\nw\"\"\"\n+++\nbody\n",
                     "{\n  \"a\": [1, {\"b\": \"\\u00e9\\n\"}],\n  \"c\": null, \"d\": -1.5e3\n}\nbody\n"]
        let alphabet = Array("{}[]\"'=,.:\\\n #+u0a-".utf8)
        for seed in seeds {
            for _ in 0..<1500 {
                var bytes = Array(seed.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                    case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                    default: if bytes.count > 1 { bytes.remove(at: index) }
                    }
                }
                let result = EntryParser.parse(path: GitPath("x.md"), kind: "decision", bytes: bytes, readsFilesWithoutFrontMatter: true)
                let lines = bytes.filter { $0 == 10 }.count + 1
                #expect(result.entry != nil || result.diagnostics.allSatisfy { $0.position.line >= 1 && $0.position.line <= lines })
            }
        }
    }
}
