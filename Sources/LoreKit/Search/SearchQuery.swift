/// A search query that cannot be run (usage error, exit 2).
public struct SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    public var description: String { message }
}

/// What `lore search` accepts, turned into an SQLite FTS5 expression that can never be a syntax
/// error: words (all must occur, in any field), `"quoted phrases"`, `word*` prefixes, and `OR`
/// between two terms. Every other character is text, never FTS5 syntax.
public enum SearchQuery {
    /// The FTS5 expression for `text`; throws when it holds no word to look for.
    public static func ftsExpression(_ text: String) throws(SearchQueryError) -> String {
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
        return terms.joined(separator: " AND ")
    }
}
