import LoreKit
import Testing

private func message(_ text: String) -> String? {
    do {
        _ = try SearchQuery.ftsExpression(text)
        return nil
    } catch {
        return error.message
    }
}

/// Item 4 of issue 20: repeated terms are searched once and a query is bounded.
@Suite struct SearchQueryBoundsTests {
    @Test func repeatedTermsCountOnce() throws {
        let repeated = Array(repeating: "pool", count: 10_000).joined(separator: " ")
        #expect(try SearchQuery.ftsExpression(repeated) == "\"pool\"")
        let prefixes = Array(repeating: "a*", count: 10_000).joined(separator: " ")
        #expect(try SearchQuery.ftsExpression(prefixes) == "\"a\"*")
        // OR groups first, then duplicates go: the meaning is unchanged.
        #expect(try SearchQuery.ftsExpression("a b a OR c a") == "\"a\" AND \"b\" AND (\"a\" OR \"c\")")
    }

    @Test func tooManyOrTooLongIsAnError() {
        let words = (1...33).map { "w\($0)" }.joined(separator: " ")
        #expect(message(words) == "the query has 33 different terms; at most 32 are searched")
        #expect(message((1...32).map { "w\($0)" }.joined(separator: " ")) == nil)
        let long = String(repeating: "x", count: 1_100)
        #expect(message(long) == "the query's terms are 1102 characters long together; at most 1024 are searched")
        let huge = String(repeating: "a ", count: 40_000)
        #expect(message(huge) == "the query is 80000 bytes long; at most 65536 are searched")
    }
}
