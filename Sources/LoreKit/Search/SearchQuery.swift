/// A search query that cannot be run (usage error, exit 2).
public struct SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    public var description: String { message }
}

/// What `lore search` accepts, turned into an SQLite FTS5 expression that can never be a syntax
/// error: words (all must occur, in any field), `"quoted phrases"`, `word*` prefixes, and `OR`
/// between two terms. Every other character is text, never FTS5 syntax.
///
/// A query is bounded, since FTS5's work grows with every term (`a*` repeated 10,000 times ran
/// until killed): a term repeated counts once, and at most `maxTerms` distinct terms of at most
/// `maxTermsLength` characters in all, from a text of at most `maxTextLength` bytes, are searched;
/// more is a usage error naming the bound.
public enum SearchQuery {
    /// Distinct terms (a word, a phrase, a prefix, or terms joined by `OR`) searched at most.
    public static let maxTerms = 32
    /// Characters of all distinct terms together, at most.
    public static let maxTermsLength = 1_024
    /// Bytes of the query text, at most (before repeated terms are dropped).
    public static let maxTextLength = 65_536

    /// The FTS5 expression for `text`; throws when it holds no word to look for, or too much.
    public static func ftsExpression(_ text: String) throws(SearchQueryError) -> String {
        guard text.utf8.count <= maxTextLength else {
            throw SearchQueryError(message: "the query is \(text.utf8.count) bytes long; at most \(maxTextLength) are searched")
        }
        var terms: [String] = []
        var pendingOr = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            var word: String
            var phrase = false
            if character == "\"" {
                let start = text.index(after: index)
                let end = text[start...].firstIndex(of: "\"") ?? text.endIndex
                word = String(text[start..<end])
                index = end < text.endIndex ? text.index(after: end) : end
                phrase = true
            } else {
                let end = text[index...].firstIndex(where: \.isWhitespace) ?? text.endIndex
                word = String(text[index..<end])
                index = end
            }
            if !phrase && word == "OR" {
                if !terms.isEmpty { pendingOr = true }
                continue
            }
            var prefix = false
            if !phrase && word.hasSuffix("*") {
                word = String(word.dropLast(word.reversed().prefix { $0 == "*" }.count))
                prefix = true
            }
            guard word.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) else { continue }
            var term = "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            if prefix { term += "*" }
            if pendingOr, let last = terms.popLast() {
                term = "(\(last) OR \(term))"
            }
            pendingOr = false
            terms.append(term)
        }
        guard !terms.isEmpty else {
            throw SearchQueryError(message: "the query '\(text)' has no word to search for")
        }
        // All terms must match, so a repeated one adds nothing (after OR has grouped them).
        var seen = Set<String>()
        terms = terms.filter { seen.insert($0).inserted }
        guard terms.count <= maxTerms else {
            throw SearchQueryError(message: "the query has \(terms.count) different terms; at most \(maxTerms) are searched")
        }
        let length = terms.reduce(0) { $0 + $1.count }
        guard length <= maxTermsLength else {
            throw SearchQueryError(message: "the query's terms are \(length) characters long together; at most \(maxTermsLength) are searched")
        }
        return terms.joined(separator: " AND ")
    }
}
