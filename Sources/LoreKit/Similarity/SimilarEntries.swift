import Foundation
import Git

/// One entry found similar to another (`lore similar`, `lore new`, the site's "Similar entries").
public struct SimilarEntry: Sendable, Hashable, Codable {
    /// The entry's file.
    public let path: String
    /// Its kind.
    public let kind: String
    /// `id`, `title`, `date`, `status` as written.
    public let id: String?, title: String?, date: String?, status: String?
    /// How similar (higher is more), rounded to 3 decimals so output is stable: the BM25 score of
    /// the shared words, scaled so the best textual match of the query scores 1 (for an entry's
    /// query, the entry itself, so 1 is "says what it says"), raised by 30% for
    /// a shared service and 20% each for a shared tag and overlapping `affects` paths; plus 0.1,
    /// 0.05 and 0.05 for them, so an entry sharing only a service still shows.
    public let score: Double
    /// Why: `words: failover, replica`, `service: payments`, `tag: database`, `affects: src/db/**`.
    public let reasons: [String]
}

/// What similar entries are looked for: the text, services, tags and `affects` globs of an
/// entry, or of text that is not one.
public struct SimilarityQuery: Sendable {
    /// The words (title, summary, sections, or any text).
    public var text: String
    /// Services, tags and `affects` globs shared with a candidate add to its score.
    public var services: [String], tags: [String], affects: [String]
    /// Entries never returned (the entry itself): paths.
    public var excluding: Set<GitPath>

    /// A query from plain text (with no services, tags or paths unless set).
    public init(text: String, services: [String] = [], tags: [String] = [], affects: [String] = [], excluding: Set<GitPath> = []) {
        self.text = text
        self.services = services
        self.tags = tags
        self.affects = affects
        self.excluding = excluding
    }

    /// The query a file makes (`lore similar -`): an entry with front-matter is read as one (its
    /// services, tags and `affects` count); anything else is plain text.
    public init(draft bytes: [UInt8]) {
        if let entry = EntryParser.parse(path: GitPath("-"), kind: "", bytes: bytes).entry {
            self.init(entry: entry)
            excluding = []
        } else {
            self.init(text: String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The query an entry makes: its own words, services, tags and `affects`; itself excluded.
    public init(entry: Entry) {
        self.init(text: SimilarityIndex.text(of: entry), services: entry.frontMatter.list("services"), tags: entry.tags,
                  affects: entry.frontMatter.list("affects"), excluding: [entry.path])
    }
}

/// Ranks a corpus's entries by likeness to a query: BM25 (k1 1.2, b 0.75) over each entry's title
/// (counted three times), summary and section texts, raised by shared services, tags and `affects`
/// paths. Built once in memory from the entries (no file is read or written), so the site
/// can ask it for every entry: a query looks only at the entries sharing one of its most telling
/// words (at most `SimilarityIndex.queryTerms`) or one of its services or tags.
public struct SimilarityIndex: Sendable {
    /// Distinct words of a query that are looked up, the rarest (highest weight) first.
    public static let queryTerms = 24

    private struct Document: Sendable {
        let path: GitPath
        let kind: String, id: String?, title: String?, date: String?, status: String?
        let services: Set<String>, tags: Set<String>, affects: [String]
        let terms: [String: Int]
        let length: Int
    }

    private let documents: [Document]
    private let postings: [String: [Int32]]
    private let byService: [String: [Int32]]
    private let byTag: [String: [Int32]]
    private let averageLength: Double

    /// The index of `entries` (usually a corpus's).
    public init(entries: [Entry]) {
        var documents: [Document] = []
        documents.reserveCapacity(entries.count)
        var postings: [String: [Int32]] = [:]
        var byService: [String: [Int32]] = [:]
        var byTag: [String: [Int32]] = [:]
        var total = 0
        for (index, entry) in entries.enumerated() {
            let words = SimilarityIndex.words(SimilarityIndex.text(of: entry))
            var terms: [String: Int] = [:]
            for word in words { terms[word, default: 0] += 1 }
            let services = Set(entry.frontMatter.list("services").map { $0.lowercased() })
            let tags = Set(entry.tags.map { $0.lowercased() })
            documents.append(Document(path: entry.path, kind: entry.kind, id: entry.id, title: entry.title, date: entry.date,
                                      status: entry.status, services: services, tags: tags,
                                      affects: entry.frontMatter.list("affects"), terms: terms, length: words.count))
            total += words.count
            for term in terms.keys { postings[term, default: []].append(Int32(index)) }
            for service in services { byService[service, default: []].append(Int32(index)) }
            for tag in tags { byTag[tag, default: []].append(Int32(index)) }
        }
        self.documents = documents
        self.postings = postings
        self.byService = byService
        self.byTag = byTag
        averageLength = documents.isEmpty ? 1 : max(1, Double(total) / Double(documents.count))
    }

    /// The entries most like `query`, best first (ties by path), at most `limit`; only entries
    /// sharing a word, a service, a tag or an `affects` path appear.
    public func similar(to query: SimilarityQuery, limit: Int) -> [SimilarEntry] {
        guard limit > 0, !documents.isEmpty else { return [] }
        let count = Double(documents.count)
        var queryCounts: [String: Int] = [:]
        for word in SimilarityIndex.words(query.text) { queryCounts[word, default: 0] += 1 }
        func idf(_ term: String) -> Double {
            let frequency = Double(postings[term]?.count ?? 0)
            return log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        }
        // The most telling words: weight by rarity, then by how often the query says them.
        let weighted = queryCounts.compactMap { term, times -> (String, Double)? in
            guard postings[term] != nil else { return nil }
            return (term, idf(term) * (1 + log(Double(times))))
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(SimilarityIndex.queryTerms)
        var text: [Int32: Double] = [:]
        var contributions: [Int32: [(String, Double)]] = [:]
        let k1 = 1.2, b = 0.75
        for (term, _) in weighted {
            let weight = idf(term)
            for index in postings[term] ?? [] {
                let document = documents[Int(index)]
                let tf = Double(document.terms[term] ?? 0)
                let part = weight * tf * (k1 + 1) / (tf + k1 * (1 - b + b * Double(document.length) / averageLength))
                text[index, default: 0] += part
                contributions[index, default: []].append((term, part))
            }
        }
        let services = Set(query.services.map { $0.lowercased() })
        let tags = Set(query.tags.map { $0.lowercased() })
        var candidates = Set(text.keys)
        for service in services { candidates.formUnion(byService[service] ?? []) }
        for tag in tags { candidates.formUnion(byTag[tag] ?? []) }
        if !query.affects.isEmpty {
            for (index, document) in documents.enumerated() where !document.affects.isEmpty { candidates.insert(Int32(index)) }
        }
        let best = text.values.max() ?? 0
        var hits: [(score: Double, document: Document, reasons: [String])] = []
        for index in candidates {
            let document = documents[Int(index)]
            guard !query.excluding.contains(document.path) else { continue }
            let textual = best > 0 ? (text[index] ?? 0) / best : 0
            var boost = 1.0, extra = 0.0
            var reasons: [String] = []
            if let parts = contributions[index] {
                let words = parts.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0)
                reasons.append("words: " + words.joined(separator: ", "))
            }
            let sharedServices = services.intersection(document.services).sorted()
            if !sharedServices.isEmpty {
                boost += 0.3
                extra += 0.1
                reasons.append("service: " + sharedServices.joined(separator: ", "))
            }
            let sharedTags = tags.intersection(document.tags).sorted()
            if !sharedTags.isEmpty {
                boost += 0.2
                extra += 0.05
                reasons.append("tag: " + sharedTags.joined(separator: ", "))
            }
            let sharedPaths = Glob.overlapping(query.affects, document.affects)
            if !sharedPaths.isEmpty {
                boost += 0.2
                extra += 0.05
                reasons.append("affects: " + sharedPaths.joined(separator: ", "))
            }
            guard !reasons.isEmpty else { continue }
            let score = textual * boost + extra
            hits.append(((score * 1000).rounded() / 1000, document, reasons))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.document.path < $1.document.path }
        return hits.prefix(limit).map { hit in
            let document = hit.document
            return SimilarEntry(path: document.path.description, kind: document.kind, id: document.id, title: document.title,
                                date: document.date, status: document.status, score: hit.score, reasons: hit.reasons)
        }
    }

    /// The entries most like `entry` (itself excluded).
    public func similar(to entry: Entry, limit: Int) -> [SimilarEntry] {
        similar(to: SimilarityQuery(entry: entry), limit: limit)
    }

    /// What an entry says, as similarity reads it: the title three times, the summary and every
    /// section's text (services and tags count apart, as shared values).
    public static func text(of entry: Entry) -> String {
        var parts: [String] = []
        if let title = entry.title { parts += [title, title, title] }
        parts.append(entry.summary)
        parts += entry.sectionTexts.map(\.text)
        return parts.joined(separator: "\n")
    }

    /// Words that carry no meaning of their own.
    static let stopWords: Set<String> = [
        "the", "and", "for", "with", "that", "this", "was", "were", "are", "from", "but", "not", "have", "has", "had", "into",
        "our", "its", "their", "they", "them", "then", "than", "when", "what", "which", "who", "will", "would", "could",
        "should", "been", "being", "all", "any", "each", "one", "two", "out", "about", "after", "before", "over", "under",
        "more", "less", "also", "only", "just", "can", "did", "does", "because", "there", "here", "how", "why", "you", "your",
        "she", "her", "his", "him", "per", "via", "use", "used", "using", "see", "get", "got", "may", "might", "must", "now",
        "new", "off", "too", "very", "some", "such", "other", "same", "where", "while", "these", "those", "most", "many",
        "much", "again", "still", "yet", "onto", "upon", "within", "without",
    ]

    /// The text's words: lower-cased letters and digits, at least 3 characters, stop words
    /// dropped, a plural or `-ing`/`-ed` ending folded (failing, failed, fails → fail).
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func finish() {
            defer { current = "" }
            guard current.count >= 3, !stopWords.contains(current) else { return }
            words.append(fold(current))
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber { current.append(character) } else { finish() }
        }
        finish()
        return words
    }

    private static func fold(_ word: String) -> String {
        for suffix in ["ing", "ed", "s"] where word.hasSuffix(suffix) && word.count - suffix.count >= 4 {
            if suffix == "s" && word.hasSuffix("ss") { return word }
            return String(word.dropLast(suffix.count))
        }
        return word
    }
}
