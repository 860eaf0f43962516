import Foundation
import Markdown
import Testing

@Suite struct MarkdownDocumentTests {
    @Test func headingsWithLevelsTextAndLines() throws {
        let document = try MarkdownDocument.parse("# Title\n\n## Action *items*\n\ntext\n\nSetext\n------\n", lineOffset: 10)
        #expect(document.headings == [
            Heading(level: 1, text: "Title", line: 11),
            Heading(level: 2, text: "Action items", line: 13),
            Heading(level: 2, text: "Setext", line: 17),
        ])
    }

    @Test func everyLinkKindWithPositions() throws {
        let text = """
        See [[PM-0042]] and [[LL-0001|the pool lesson]].
        Read [failover](../postmortems/2025/x.md) and [the ADR][adr], or <https://example.com/a>.
        Also www.example.org today.

        [adr]: ../decisions/0001-a.md
        """
        let links = try MarkdownDocument.parse(text).links
        #expect(links == [
            Link(kind: .wiki, destination: "PM-0042", text: "", line: 1, column: 5),
            Link(kind: .wiki, destination: "LL-0001", text: "the pool lesson", line: 1, column: 21),
            Link(kind: .inline, destination: "../postmortems/2025/x.md", text: "failover", line: 2, column: 6),
            Link(kind: .reference, destination: "../decisions/0001-a.md", text: "the ADR", line: 2, column: 47),
            Link(kind: .autolink, destination: "https://example.com/a", text: "https://example.com/a", line: 2, column: 66),
            Link(kind: .autolink, destination: "http://www.example.org", text: "www.example.org", line: 3, column: 6),
        ])
    }

    @Test func nothingInCodeSpansOrCodeBlocksCounts() throws {
        let text = """
        Use `[[NOT-1]]` and `[x](y.md)` in code.

        ```
        [[NOT-2]] [a](b.md) <https://no.example>
        ```

            [[NOT-3]] indented code

        Real: [[PM-1]]
        """
        let links = try MarkdownDocument.parse(text).links
        #expect(links.map(\.destination) == ["PM-1"])
        #expect(links.first?.line == 9)
    }

    /// Columns count Unicode scalars, whatever the bytes before the link; lines survive CRLF-free
    /// multibyte prefixes (emoji, CJK).
    @Test(arguments: ["", "é", "日本語 ", "🙂🙂 "])
    func columnsCountScalarsAfterMultibytePrefixes(prefix: String) throws {
        let links = try MarkdownDocument.parse("\(prefix)[[PM-1]] [a](b.md)").links
        let width = prefix.unicodeScalars.count
        #expect(links.map(\.column) == [1 + width, 10 + width])
    }

    @Test func htmlIsRenderedSafely() throws {
        let html = try renderHTML("# T\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) ~~old~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n")
        #expect(!html.contains("<script>"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
        #expect(html.contains("<a href=\"\">x</a>"))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains("<table>"))
        #expect(html.contains("checkbox"))
    }

    /// The super-linear inputs of FACTS.md, at 100 KB (built inside the test, so the log shows
    /// names, not 100 KB arguments).
    static let pathological: [String: @Sendable () -> String] = [
        "list markers": { String(repeating: "- ", count: 50_000) + "x" },
        "quotes and emphasis": { String(repeating: ">", count: 50_000) + String(repeating: "a*", count: 25_000) },
        "wide table": {
            "|" + String(repeating: "a|", count: 10_000) + "\n|" + String(repeating: "-|", count: 10_000) + "\n"
                + String(repeating: "|x|\n", count: 100)
        },
        "image brackets": { String(repeating: "![[]()", count: 16_666) },
        "many links": { String(repeating: "[]()", count: 25_000) },
        "emphasis runs": { String(repeating: "*a **b* ", count: 12_500) },
        "open brackets": { String(repeating: "[", count: 100_000) },
        "deep indentation": { (0..<300).map { String(repeating: "  ", count: $0) + "- item\n" }.joined() },
    ]

    /// Refused or parsed, never a stall.
    @Test(arguments: pathological.keys.sorted())
    func pathologicalInputsFinishQuickly(name: String) throws {
        let text = Self.pathological[name]!()
        let start = Date()
        do {
            _ = try MarkdownDocument.parse(text)
            _ = try renderHTML(text)
        } catch {
            #expect(error.line >= 1 && !error.reason.isEmpty)
        }
        // A generous bound that catches hangs (minutes), not a benchmark.
        #expect(Date().timeIntervalSince(start) < 10, "\(name)")
    }

    @Test func complexityRefusalNamesTheLine() throws {
        #expect(throws: MarkdownTooComplex(line: 7, column: 1, reason: "70 nested block quotes or list items on one line (limit 64)")) {
            try MarkdownDocument.parse("a\n\nb\n\n" + String(repeating: "> ", count: 70) + "x\n", lineOffset: 2)
        }
    }
}
