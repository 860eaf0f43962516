import Markdown
import Testing

@Suite struct PlainTextTests {
    /// Summaries on the site and in the feed are what a reader sees, not the Markdown (issue 19).
    @Test func markupIsLeftOut() throws {
        let text = "The `pool` hit its **limit**; see [[PM-0002]], [[LL-0001|the lesson]] and\n[the runbook](../x.md). <b>raw</b>"
        #expect(try renderPlainText(text) == "The pool hit its limit; see PM-0002, the lesson and the runbook. raw")
    }

    @Test func blocksAreSeparatedBySpaces() throws {
        #expect(try renderPlainText("# Title\n\n- one\n- two\n\nA ~~b~~ c  \nd") == "Title one two A b c d")
        #expect(try renderPlainText("") == "")
        #expect(try renderPlainText("`[[PM-1]]` stays as written") == "[[PM-1]] stays as written")
    }
}
