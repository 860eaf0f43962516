import Foundation
import Markdown
import Testing

/// The shapes of issue 20 that made cmark-gfm 0.29 stall or take memory without bound: refused
/// with a position, quickly, while ordinary Markdown of the same kind still parses.
@Suite struct ComplexityGuardTests {
    private func refusal(_ text: String) -> MarkdownTooComplex? {
        do {
            _ = try MarkdownDocument.parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// Item 2: body rows count their own cells (cmark reads every one; 65,000 took 12 s).
    @Test func wideTableBodyRowIsRefused() {
        let text = "a|b\n-|-\n" + String(repeating: "|", count: 65_000) + "\n"
        #expect(refusal(text) == MarkdownTooComplex(line: 3, column: 1, reason: "a table row of more than 1000 cells"))
        // Many rows each under the row limit still add up.
        let rows = "a|b\n-|-\n" + String(repeating: String(repeating: "|", count: 900) + "\n", count: 250)
        #expect(refusal(rows) == MarkdownTooComplex(line: 224, column: 1, reason: "tables of more than 200000 cells"))
        // A wide table a person would write parses.
        let wide = "|" + String(repeating: " h |", count: 40) + "\n|" + String(repeating: "---|", count: 40) + "\n"
            + String(repeating: "|" + String(repeating: " v |", count: 40) + "\n", count: 500)
        #expect(refusal(wide) == nil)
    }

    /// Item 3: cmark's quadratic emphasis case (`*a ` × N then `_a*_ ` × N; N = 130,000 took 39 s).
    @Test func emphasisDelimiterStackIsBounded() throws {
        let text = String(repeating: "*a ", count: 30_000) + String(repeating: "_a*_ ", count: 30_000) + "\n"
        let error = try #require(refusal(text))
        #expect(error.line == 1)
        #expect(error.reason == "more than 5000 emphasis delimiters ('*', '_', '~') in one paragraph")
        // Runs count once each, intraword underscores not at all, and fenced code is not inline
        // Markdown: none of these is refused.
        #expect(refusal(String(repeating: "**bold** ", count: 2_000) + "\n") == nil)
        #expect(refusal(String(repeating: "snake_case_name ", count: 20_000) + "\n") == nil)
        let code = "```c\n" + String(repeating: "*p = *q * 2; /* ~x_ */\n", count: 20_000) + "```\n\n## After\n"
        #expect(try MarkdownDocument.parse(code).headings.map(\.text) == ["After"])
        // A backtick in the info string means no fence: the lines after it are scanned.
        #expect(refusal("```a`\n" + text) != nil)
        // A fence inside a list item ends with the item: what follows is scanned.
        #expect(refusal("- x\n\n  ```\nend of the item\n\n" + text) != nil)
    }

    /// Item 5: memory follows the number of nodes cmark makes, so a body made of tiny blocks is
    /// refused by a budget of 200,000 plus one per 16 bytes, whatever `max_file_size` allows.
    @Test func nodeBudgetBoundsMemory() {
        let paragraphs = String(repeating: "a\n\n", count: 150_000)
        #expect(refusal(paragraphs) == MarkdownTooComplex(line: 228_125, column: 1,
            reason: "more than 228125 Markdown elements in 450000 bytes (200,000 and one per 16 bytes): too many to parse in bounded memory"))
        // Prose of ordinary lines, and one big code block, parse at sizes far above the default cap.
        let prose = String(repeating: "The quick brown fox jumps over the lazy dog again and again.\n", count: 60_000)
        #expect(refusal(prose) == nil)
        let log = "```\n" + String(repeating: "x\n", count: 1_000_000) + "```\n"
        #expect(refusal(log) == nil)
    }

    /// Refused or parsed, never a stall.
    @Test func pathologicalInputsFinishQuickly() {
        let inputs = [
            "a|b\n-|-\n" + String(repeating: String(repeating: "|", count: 65_000) + "\n", count: 15),
            String(repeating: "*a ", count: 130_000) + String(repeating: "_a*_ ", count: 130_000),
            String(repeating: "- a\n", count: 250_000),
        ]
        for text in inputs {
            let start = Date()
            _ = try? MarkdownDocument.parse(text)
            _ = try? renderHTML(text)
            #expect(Date().timeIntervalSince(start) < 10)
        }
    }
}
