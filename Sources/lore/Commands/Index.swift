import ArgumentParser
import Foundation
import LoreKit

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Write every entry with its sections, links both ways and git history as JSON.",
        discussion: """
        The index is the file CI publishes and other tools read: every entry with
        its fields, sections, summary (first paragraph), action items, outgoing
        and incoming links (typed, with lines) and history (created, updated,
        authors with .mailmap applied, commit count, previous paths). Format
        `lore-index` version 1, described by docs/index.schema.json; the same
        snapshot gives the same bytes on any machine, time zone or locale.

        History comes from one walk of the commits, cached in the git folder
        (lore/history-cache, and where the walk stood in lore/history-state),
        so a later run reads and replays only the new commits. With --output,
        the next run copies from FILE the records of entries whose content,
        links and history did not change, and renders only the others (what
        FILE holds is checked against a digest kept in lore/index-output-*;
        an edited or foreign FILE is rewritten whole); the bytes are the same
        as a full run's. In a shallow
        clone the walk stops at the boundary: values are marked "partial" and a
        note on stderr says how to fetch more. Progress is shown on stderr only
        when it is a terminal.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, jsonl
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @Option(help: "Output format: one JSON document, or JSON Lines (a header line, then one entry per line).")
    var format: Format = .json

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE (atomically: a temporary file renamed into place) instead of standard output.", valueName: "FILE"))
    var output: String?

    func run() throws {
        let memory = try snapshot.open()
        let index = try snapshot.index(org: org, memory: memory)
        if let output {
            do {
                _ = try IndexOutput.write(index, lines: format == .jsonl, to: output, memory: memory)
            } catch {
                throw Failure(code: 1, message: "error: \(error)")
            }
        } else {
            Console.out(index.render(lines: format == .jsonl))
        }
        if Console.report(index.corpus.diagnostics) { throw ExitCode(1) }
    }
}

/// Progress lines on stderr, only when stderr is a terminal.
enum Progress {
    nonisolated(unsafe) private static var shown = false

    /// A progress callback printing `what: N commits`, or `nil` when stderr is not a terminal.
    static func reporter(_ what: String) -> ((Int) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        return { count in
            shown = true
            Console.err("\r\(what): \(count) commits")
        }
    }

    /// Ends a progress line, if one was shown.
    static func finish() {
        if shown { Console.err("\n") }
        shown = false
    }
}
