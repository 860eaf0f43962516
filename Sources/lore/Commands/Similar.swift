import ArgumentParser
import Foundation
import Git
import LoreKit

struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Past entries most like an entry, a text, or a draft on standard input.",
        discussion: """
        Give an entry's id, --text "words", or - to read a file (an entry with
        its front-matter, or plain text) from standard input. Entries are
        ranked by BM25 over their titles (counted three times), summaries
        and section texts, scaled so the best textual
        match scores 1, raised by 30% for a shared service and 20% each for
        a shared tag and overlapping `affects` paths (plus 0.1, 0.05 and
        0.05 for them, so an entry sharing only a service still shows).
        Each hit says why: the shared words that weigh most, services,
        tags, paths.

        The same filters as `lore list` narrow the hits: --kind, --status,
        --tag, --since, --where FIELD OP VALUE. Exits 0 whether or not
        anything is similar; an unknown id is exit 2.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var filter: EntryFilterOptions

    @Option(help: "A text to compare with, instead of an id.")
    var text: String?

    @Option(help: "Show at most this many entries.")
    var limit = 10

    @Option(help: "Output format.")
    var format: Format = .text

    @Argument(help: "The entry's id, or - for a file on standard input.")
    var id: String?

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if (id == nil) == (text == nil) { throw ValidationError("give an id, - (standard input) or --text, and only one") }
    }

    func run() throws {
        let corpus = try snapshot.corpus()
        let query: SimilarityQuery
        if let text {
            query = SimilarityQuery(text: text)
        } else if id == "-" {
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            query = SimilarityQuery(draft: bytes)
        } else if let id, let entry = corpus.entries(withID: id).first {
            query = SimilarityQuery(entry: entry)
        } else {
            throw Failure.usage("no entry has the id '\(id ?? "")'")
        }
        let filter = try self.filter.query(for: corpus.configuration)
        let entries = corpus.entries.filter { filter.matches($0, in: corpus.configuration) }
        let hits = SimilarityIndex(entries: entries).similar(to: query, limit: limit)
        switch format {
        case .json:
            Console.out(stableJSON(hits))
        case .text:
            if hits.isEmpty { Console.err("no similar entry\n") }
            Console.out(Self.text(hits))
        }
    }

    /// Hits as text: id, kind, date, title, score, then the file and the reasons.
    static func text(_ hits: [SimilarEntry]) -> String {
        hits.map { hit in
            let line = [hit.id ?? "-", hit.kind, hit.date ?? "-", hit.title ?? hit.path].map { Escaping.terminal($0) }.joined(separator: "  ")
            return line + "  (\(String(format: "%.3f", hit.score)))\n  \(Escaping.terminal(hit.path))\n  \(Escaping.terminal(hit.reasons.joined(separator: "; ")))\n"
        }.joined(separator: "\n")
    }
}
