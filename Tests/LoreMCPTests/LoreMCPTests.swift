@testable import LoreMCP
import MCP
import Testing

/// The server's own logic: argument checks, cursors, caps, the words `similar` searches. (The
/// protocol end to end is Tests/MCP/mcp_test.py, with the official Python SDK.)
@Suite struct LoreMCPTests {
    @Test func cursorsRoundTripOnlyInTheirScope() {
        let cursor = Cursor.encode(40, scope: "search")
        #expect(Cursor.decode(cursor, scope: "search") == 40)
        #expect(Cursor.decode(cursor, scope: "list_entries") == nil)
        #expect(Cursor.decode("not base64 !", scope: "search") == nil)
        #expect(Cursor.decode(Cursor.encode(-1, scope: "search"), scope: "search") == nil)
        #expect(Cursor.decode(String(repeating: "A", count: 100_000), scope: "search") == nil)
    }

    @Test func pagesEndWithoutACursor() {
        let items = Array(0..<5)
        let first = page(items, offset: 0, limit: 2, scope: "t")
        #expect(first.items == [0, 1])
        let second = page(items, offset: Cursor.decode(first.next!, scope: "t")!, limit: 2, scope: "t")
        #expect(second.items == [2, 3])
        let last = page(items, offset: 4, limit: 2, scope: "t")
        #expect(last.items == [4] && last.next == nil)
        #expect(page(items, offset: 99, limit: 2, scope: "t").items.isEmpty)
    }

    @Test func cappedTextKeepsWholeCharactersAndSaysSo() {
        let text = String(repeating: "é", count: 100)   // 2 bytes each
        let cut = capped(text, limit: 51)
        #expect(cut.hasPrefix(String(repeating: "é", count: 25) + "\n… [cut at 51 bytes"))
        #expect(capped("short", limit: 51) == "short")
    }

    @Test func argumentsAreCheckedWithClearMessages() throws {
        let arguments = try Arguments(tool: "search", ["query": .string("pool"), "limit": .int(5), "tags": .array([.string("a")])],
                                      allowed: ["query", "limit", "tags", "cursor"])
        #expect(try arguments.requiredString("query") == "pool")
        #expect(try arguments.int("limit", default: 10, range: 1...100) == 5)
        #expect(try arguments.strings("tags") == ["a"])
        #expect(throws: ToolFailure.self) { try Arguments(tool: "search", ["colour": .string("red")], allowed: ["query"]) }
        do {
            _ = try Arguments(tool: "search", ["limit": .int(0)], allowed: ["limit"]).int("limit", default: 1, range: 1...100)
            Issue.record("limit 0 accepted")
        } catch {
            #expect(error.message == "search: 'limit' must be between 1 and 100, not 0")
        }
        #expect(throws: ToolFailure.self) { try Arguments(tool: "t", ["q": .string("a\u{0}b")], allowed: ["q"]).string("q") }
        #expect(throws: ToolFailure.self) { try Arguments(tool: "t", ["q": .int(1)], allowed: ["q"]).string("q") }
        #expect(throws: ToolFailure.self) { try Arguments(tool: "t", ["cursor": .string("junk")], allowed: ["cursor"]).offset() }
    }

    @Test func significantTermsAreFrequentUncommonWords() {
        let terms = SignificantTerms.extract("The pool was exhausted. The pool of connections to the database: pool, connections, and a DB.")
        #expect(terms.prefix(2) == ["pool", "connections"])
        #expect(!terms.contains("the") && !terms.contains("and") && !terms.contains("db"))
        #expect(SignificantTerms.extract("a an to of").isEmpty)
    }

    @Test func entryPathsCannotLeaveTheRepository() {
        #expect(MemoryService.normalisedEntryPath("postmortems/./2024//x.md") == "postmortems/2024/x.md")
        #expect(MemoryService.normalisedEntryPath("../x.md") == nil)
        #expect(MemoryService.normalisedEntryPath("/etc/passwd") == nil)
        #expect(MemoryService.normalisedEntryPath("lessons/../../x.md") == nil)
    }
}
