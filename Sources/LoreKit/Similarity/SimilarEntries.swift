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
    /// Postings a query scores at most (beyond its four most telling words).
    public static let postingsBudget = 20_000

    private struct Document: Sendable {
        let path: GitPath
        let kind: String, id: String?, title: String?, date: String?, status: String?
        let services: Set<String>, tags: Set<String>, affects: Glob.Prefixed
        /// Its terms' numbers, ascending, and how often each occurs.
        let terms: [Int32], counts: [Float]
        /// BM25's length term: k1 × (1 − b + b × length / average length).
        var norm: Double

        /// How often the term numbered `term` occurs (binary search), `nil` when never.
        func count(of term: Int32) -> Double? {
            var low = 0, high = terms.count
            while low < high {
                let middle = (low + high) / 2
                if terms[middle] < term { low = middle + 1 } else { high = middle }
            }
            return low < terms.count && terms[low] == term ? Double(counts[low]) : nil
        }
    }

    /// One document holding a term, with how often.
    private struct Posting: Sendable {
        let document: Int32
        let count: Float
    }

    private static let k1 = 1.2, b = 0.75

    private let documents: [Document]
    /// Term → its number; postings and document frequencies by number.
    private let termNumbers: [String: Int32]
    private let termNames: [String]
    private let postings: [[Posting]]
    private let byService: [String: [Int32]]
    private let byTag: [String: [Int32]]
    /// `affects` globs by their first literal folder (`src` for `src/db/**`), or `=GLOB` for a glob
    /// without one, which only an equal glob overlaps.
    private let byAffectsRoot: [String: [Int32]]

    /// The index of `entries` (usually a corpus's).
    public init(entries: [Entry]) {
        var documents: [Document] = []
        documents.reserveCapacity(entries.count)
        var termNumbers: [String: Int32] = [:]
        var termNames: [String] = []
        var postings: [[Posting]] = []
        var byService: [String: [Int32]] = [:]
        var byTag: [String: [Int32]] = [:]
        var byAffectsRoot: [String: [Int32]] = [:]
        var lengths: [Int] = []
        lengths.reserveCapacity(entries.count)
        // Words are read on every core; term numbers are then given in entry order, so they do
        // not depend on scheduling.
        let tokenized: [(words: [String], counts: [Int], length: Int)] = entries.parallelMap { entry in
            var order: [String] = []
            var counts: [String: Int] = [:]
            let words = SimilarityIndex.words(SimilarityIndex.text(of: entry))
            for word in words {
                let before = counts.count
                counts[word, default: 0] += 1
                if counts.count > before { order.append(word) }
            }
            return (order, order.map { counts[$0] ?? 0 }, words.count)
        }
        for (index, entry) in entries.enumerated() {
            let number = Int32(index)
            let (order, wordCounts, length) = tokenized[index]
            var own: [(Int32, Float)] = []
            own.reserveCapacity(order.count)
            for (word, count) in zip(order, wordCounts) {
                let id: Int32
                if let known = termNumbers[word] {
                    id = known
                } else {
                    id = Int32(postings.count)
                    termNumbers[word] = id
                    termNames.append(word)
                    postings.append([])
                }
                postings[Int(id)].append(Posting(document: number, count: Float(count)))
                own.append((id, Float(count)))
            }
            own.sort { $0.0 < $1.0 }
            let services = Set(entry.frontMatter.list("services").map { $0.lowercased() })
            let tags = Set(entry.tags.map { $0.lowercased() })
            let affects = entry.frontMatter.list("affects")
            documents.append(Document(path: entry.path, kind: entry.kind, id: entry.id, title: entry.title, date: entry.date,
                                      status: entry.status, services: services, tags: tags, affects: Glob.Prefixed(affects),
                                      terms: own.map(\.0), counts: own.map(\.1), norm: 0))
            lengths.append(length)
            for service in services { byService[service, default: []].append(number) }
            for tag in tags { byTag[tag, default: []].append(number) }
            for root in Set(affects.map(SimilarityIndex.affectsRoot)) { byAffectsRoot[root, default: []].append(number) }
        }
        let average = lengths.isEmpty ? 1 : max(1, Double(lengths.reduce(0, +)) / Double(lengths.count))
        for index in documents.indices {
            documents[index].norm = Self.k1 * (1 - Self.b + Self.b * Double(lengths[index]) / average)
        }
        self.documents = documents
        self.termNumbers = termNumbers
        self.termNames = termNames
        self.postings = postings
        self.byService = byService
        self.byTag = byTag
        self.byAffectsRoot = byAffectsRoot
    }

    /// What an `affects` glob is filed under: its first literal folder, or the whole glob.
    private static func affectsRoot(_ glob: String) -> String {
        var text = Substring(glob)
        while text.hasPrefix("./") || text.hasPrefix("/") { text = text.drop { $0 == "." || $0 == "/" } }
        let first = text.prefix { $0 != "/" }
        return first.isEmpty || first.contains(where: { "*?[{".contains($0) }) ? "=" + glob : String(first)
    }

    /// The entries most like `query`, best first (ties by path), at most `limit`; only entries
    /// sharing a word, a service, a tag or an `affects` path appear.
    public func similar(to query: SimilarityQuery, limit: Int) -> [SimilarEntry] {
        guard limit > 0, !documents.isEmpty else { return [] }
        let count = Double(documents.count)
        var queryCounts: [Int32: Int] = [:]
        for word in SimilarityIndex.words(query.text) {
            if let id = termNumbers[word] { queryCounts[id, default: 0] += 1 }
        }
        func idf(_ term: Int32) -> Double {
            let frequency = Double(postings[Int(term)].count)
            return log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        }
        // The most telling words: weight by rarity, then by how often the query says them.
        // Words in more than half the entries of a large corpus say nothing; the rest are taken most telling first
        // until `postingsBudget` entries have been scored (always the first four words), so a
        // query costs about the same whatever the corpus's vocabulary.
        var weighted: [(Int32, Double)] = []
        var scored = 0
        let ordered = queryCounts.filter { documents.count < 100 || postings[Int($0.key)].count * 2 <= documents.count }
            .map { term, times in (term, idf(term) * (1 + log(Double(times)))) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for (term, _) in ordered.prefix(SimilarityIndex.queryTerms) {
            let size = postings[Int(term)].count
            if weighted.count >= 4 && scored + size > SimilarityIndex.postingsBudget { break }
            weighted.append((term, idf(term)))
            scored += size
        }
        var text = [Double](repeating: 0, count: documents.count)
        var touched: [Int32] = []
        for (term, weight) in weighted {
            for posting in postings[Int(term)] {
                let index = Int(posting.document)
                let tf = Double(posting.count)
                if text[index] == 0 { touched.append(posting.document) }
                text[index] += weight * tf * (Self.k1 + 1) / (tf + documents[index].norm)
            }
        }
        let services = Set(query.services.map { $0.lowercased() })
        let tags = Set(query.tags.map { $0.lowercased() })
        let best = touched.reduce(0.0) { max($0, text[Int($1)]) }
        // Scores first; reasons only for the hits kept.
        var ranked: [(score: Double, index: Int, shared: (services: [String], tags: [String], paths: [String]))] = []
        let queryAffects = Glob.Prefixed(query.affects)
        var top: [Double] = []   // the best `limit` scores so far, highest first
        // Scores a candidate whose textual score is `textual`; false once no candidate with a
        // textual score as low can reach the `limit`-th score found (it can at most gain the
        // largest boost), so the shared values (glob overlaps above all) are not worked out for it.
        func consider(_ index: Int, _ textual: Double) -> Bool {
            if top.count == limit, ((textual * 1.7 + 0.2) * 1000).rounded(.up) / 1000 < top[limit - 1] { return false }
            let document = documents[index]
            guard !query.excluding.contains(document.path) else { return true }
            let sharedServices = services.isEmpty ? [] : services.intersection(document.services).sorted()
            let sharedTags = tags.isEmpty ? [] : tags.intersection(document.tags).sorted()
            let sharedPaths = Glob.overlapping(queryAffects, document.affects)
            guard textual > 0 || !sharedServices.isEmpty || !sharedTags.isEmpty || !sharedPaths.isEmpty else { return true }
            var boost = 1.0, extra = 0.0
            if !sharedServices.isEmpty { boost += 0.3; extra += 0.1 }
            if !sharedTags.isEmpty { boost += 0.2; extra += 0.05 }
            if !sharedPaths.isEmpty { boost += 0.2; extra += 0.05 }
            let score = ((textual * boost + extra) * 1000).rounded() / 1000
            ranked.append((score, index, (sharedServices, sharedTags, sharedPaths)))
            top.insert(score, at: top.firstIndex { $0 < score } ?? top.count)
            if top.count > limit { top.removeLast() }
            return true
        }
        // The entries sharing a word, highest textual score first, taken from a heap: most
        // queries stop after a few, and sorting thousands of candidates per query dominated a
        // site's similar entries at 100,000 entries.
        var heap = TextualHeap(touched.map { (Int($0), best > 0 ? text[Int($0)] / best : 0) })
        while let (index, textual) = heap.pop() {
            guard consider(index, textual) else { break }
        }
        // Entries sharing only a service, a tag or a path score at most 0.2: looked at only
        // when that could still reach the `limit` best (thousands share a busy service).
        if top.count < limit || top[limit - 1] <= 0.2 {
            var others = Set<Int32>()
            for service in services { others.formUnion(byService[service] ?? []) }
            for tag in tags { others.formUnion(byTag[tag] ?? []) }
            for root in Set(query.affects.map(SimilarityIndex.affectsRoot)) { others.formUnion(byAffectsRoot[root] ?? []) }
            for index in others where text[Int(index)] == 0 {
                guard consider(Int(index), 0) else { break }
            }
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : documents[$0.index].path < documents[$1.index].path }
        return ranked.prefix(limit).map { hit in
            let document = documents[hit.index]
            var reasons: [String] = []
            var parts: [(String, Double)] = []
            for (term, weight) in weighted {
                guard let tf = document.count(of: term) else { continue }
                parts.append((termNames[Int(term)], weight * tf * (Self.k1 + 1) / (tf + document.norm)))
            }
            if !parts.isEmpty {
                reasons.append("words: " + parts.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0).joined(separator: ", "))
            }
            if !hit.shared.services.isEmpty { reasons.append("service: " + hit.shared.services.joined(separator: ", ")) }
            if !hit.shared.tags.isEmpty { reasons.append("tag: " + hit.shared.tags.joined(separator: ", ")) }
            if !hit.shared.paths.isEmpty { reasons.append("affects: " + hit.shared.paths.joined(separator: ", ")) }
            return SimilarEntry(path: document.path.description, kind: document.kind, id: document.id, title: document.title,
                                date: document.date, status: document.status, score: hit.score, reasons: reasons)
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
        // Byte by byte: ASCII letters and digits are folded here; a word holding other UTF-8
        // letters is lower-cased as a string (a character walk over every text costs far more).
        var words: [String] = []
        var current: [UInt8] = []
        var ascii = true
        func finish() {
            defer { current.removeAll(keepingCapacity: true); ascii = true }
            guard current.count >= 3 else { return }
            if ascii {
                // Stop words are at most 7 letters: only short words are looked up.
                if current.count <= 7, stopWords.contains(String(decoding: current, as: UTF8.self)) { return }
                words.append(String(decoding: current[..<foldedLength(current)], as: UTF8.self))
                return
            }
            let word = String(decoding: current, as: UTF8.self).lowercased()
            guard word.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil }) else {
                // Punctuation outside ASCII (dashes, quotes) separates words.
                for part in word.unicodeScalars.split(whereSeparator: { !($0.properties.isAlphabetic || $0.properties.numericType != nil) }) {
                    let piece = String(String.UnicodeScalarView(part))
                    if piece.utf8.count >= 3, !stopWords.contains(piece) { words.append(fold(piece)) }
                }
                return
            }
            guard !stopWords.contains(word) else { return }
            words.append(fold(word))
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(byte + 32)
            case 0x80...: current.append(byte); ascii = false
            default: finish()
            }
        }
        finish()
        return words
    }

    private static func fold(_ word: String) -> String {
        let bytes = Array(word.utf8)
        return String(decoding: bytes[..<foldedLength(bytes)], as: UTF8.self)
    }

    /// How many bytes of a word are kept once a plural or `-ing`/`-ed` ending is dropped: at least
    /// four remain, and `-ss` is no plural.
    private static func foldedLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        let (s, e, d, i, ng) = (UInt8(ascii: "s"), UInt8(ascii: "e"), UInt8(ascii: "d"), UInt8(ascii: "i"), UInt8(ascii: "n"))
        if n >= 7, bytes[n - 3] == i, bytes[n - 2] == ng, bytes[n - 1] == UInt8(ascii: "g") { return n - 3 }
        if n >= 6, bytes[n - 2] == e, bytes[n - 1] == d { return n - 2 }
        if n >= 5, bytes[n - 1] == s, bytes[n - 2] != s { return n - 1 }
        return n
    }
}

/// A max-heap of candidates by textual score: the best first, without sorting them all.
private struct TextualHeap {
    private var items: [(index: Int, textual: Double)]

    init(_ items: [(Int, Double)]) {
        self.items = items.map { (index: $0.0, textual: $0.1) }
        var node = self.items.count / 2 - 1
        while node >= 0 {
            sink(node)
            node -= 1
        }
    }

    mutating func pop() -> (Int, Double)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            sink(0)
        }
        return (first.index, first.textual)
    }

    private mutating func sink(_ start: Int) {
        var node = start
        while true {
            let left = 2 * node + 1, right = left + 1
            var largest = node
            if left < items.count, items[left].textual > items[largest].textual { largest = left }
            if right < items.count, items[right].textual > items[largest].textual { largest = right }
            guard largest != node else { return }
            items.swapAt(node, largest)
            node = largest
        }
    }
}
