import ArgumentParser
import Foundation
import LoreKit

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search titles, fields and bodies, best match first.",
        discussion: """
        Words must all occur (in any field); "a quoted phrase" must occur as
        written; word* matches any word starting so; OR between two terms
        accepts either. Matching ignores case and accents and folds English
        word endings: fail also finds failing and failed.
        Hits are ranked by BM25, a title match weighing 10 times a body match
        and other fields 4 times; each shows its best passage with the
        matched words highlighted (bold red, as grep does) when colour is on:
        on a terminal by default (--color, NO_COLOR). Piped, the text is plain,
        without markers, so it can be read by other programs as grep's is;
        --format json keeps the matched words between **. A term given twice
        is searched once; at most 32 different terms (1,024 characters in
        all) are searched.

        The same filters as `lore list` narrow the hits: --kind, --status,
        --tag, --since, --where FIELD OP VALUE.

        The index is kept in the git folder (lore/search.sqlite) and brought
        up to date by each search: only entries whose content is new are
        indexed, and after edits in the working tree only the edited files
        are read. A deleted or damaged index is rebuilt. Files that cannot
        be read as entries are left out silently: `lore check` reports them.

        --org searches this repository and every synced source (`lore sources
        sync`) as one memory, ranked together by the same rules; other
        repositories' ids and paths are qualified (payments:PM-0001), and
        --source NAME keeps one source's hits (repeatable; `.` is this
        repository). A git source is searched whole, from its mirror at the
        synced commit; an index.json source only as far as its index carries
        text: title, fields, summary and each section's opening text.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @OptionGroup var filter: EntryFilterOptions

    @Option(help: "Show at most this many hits.")
    var limit = 20

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(help: "Highlight matched words: auto (on a terminal, unless NO_COLOR is set and not empty), always or never.")
    var color: ColorChoice = .auto

    @Argument(help: "The words to look for.")
    var words: [String]

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let memory = try snapshot.open()
        let configuration: Configuration
        do {
            configuration = try memory.configuration(in: memory.snapshot(snapshot.source))
        } catch {
            throw Failure(error)
        }
        let request = SearchRequest(text: words.joined(separator: " "), filter: try filter.query(for: configuration), limit: limit)
        let view = try org.view(memory, configuration: configuration)
        let hits: [SearchHit]
        do throws(SearchError) {
            if let view {
                hits = try OrganizationSearch.search(request, memory: memory, in: snapshot.source, view: view)
            } else {
                hits = try SearchIndex(memory).search(request, in: snapshot.source)
            }
        } catch {
            switch error {
            case .lore(let error): throw Failure(error)
            case .query: throw Failure(code: 2, message: error.description)
            case .index: throw Failure(code: 3, message: error.description)
            }
        }
        switch format {
        case .json:
            Console.out(stableJSON(hits))
        case .text:
            // Nothing found is said (on standard error, so a pipe still receives no lines).
            if hits.isEmpty { Console.err("no entry matches \(Escaping.terminal(words.joined(separator: " ")))\n") }
            let colour = color.isOn(for: 1)
            Console.out(hits.map { hit in
                let line = [hit.id ?? "-", hit.kind, hit.date ?? "-", hit.title ?? hit.path].map { Escaping.terminal($0) }.joined(separator: "  ")
                let snippet = hit.snippet(text: { Escaping.terminal($0) }) { match in
                    colour ? "\u{1B}[1;31m" + Escaping.terminal(match) + "\u{1B}[0m" : Escaping.terminal(match)
                }
                return line + "\n  \(Escaping.terminal(hit.path))\n  \(snippet)\n"
            }.joined(separator: "\n"))
        }
    }
}
