import ArgumentParser
import Foundation
import LoreKit

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List entries, filtered by any field and sorted by any field.",
        discussion: """
        Filters combine (all must hold): --kind, --status, --tag, --since and
        any number of --where expressions, FIELD OP VALUE:
          severity=SEV1            equal (on a list: any element equal)
          status!=draft            not equal (on a list: no element equal)
          services~payments        contains, ignoring case (any element)
          'date>=2025-01-01'       <, <=, >, >= order dates, date-times and
                                   numbers by value, other text as text
          owner=                   the field is absent or empty
          action_items.owner~ana   a dotted name reaches into objects
        FIELD may be any front-matter field, declared or not, or kind or
        path. Quote expressions with < or > for the shell. A bad expression
        is a usage error (exit 2) naming its column.

        --sort FIELD orders by any field the same way (-FIELD or --reverse
        for descending); entries without the field come last.

        Files that cannot be read as entries are reported on stderr and make
        the exit code 1.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, jsonl, paths
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @OptionGroup var filter: EntryFilterOptions

    @Option(help: ArgumentHelp("Order by this field (any front-matter field, kind or path); -FIELD for descending.", valueName: "FIELD"))
    var sort: String?

    @Flag(help: "Reverse the order given by --sort.")
    var reverse = false

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let corpus = try snapshot.corpus(org: org)
        var order: FieldSort?
        if let sort {
            do { order = try FieldSort(sort, reverse: reverse) } catch { throw Failure.usage(error.description) }
        } else if reverse {
            throw Failure.usage("--reverse needs --sort FIELD")
        }
        let query = try filter.query(for: corpus.configuration, sort: order)
        let rank = Dictionary(uniqueKeysWithValues: corpus.configuration.kinds.enumerated().map { ($1.name, $0) })
        // By kind in configuration order, then by path; --sort reorders stably from there.
        let entries = query.select(corpus.entries.enumerated()
            .sorted { (rank[$0.element.kind] ?? 0, $0.offset) < (rank[$1.element.kind] ?? 0, $1.offset) }
            .map(\.element), in: corpus.configuration)
        switch format {
        case .table: Console.out(table(entries))
        case .paths: Console.out(entries.map { Escaping.terminal($0.path.description) + "\n" }.joined())
        case .json, .jsonl:
            // Rendered on every core a slice at a time and written as it goes, so a 100,000-entry
            // index never sits in memory whole.
            let lines = format == .jsonl
            Console.out(lines || entries.isEmpty ? (lines ? "" : "[]\n") : "[\n  ")
            var start = 0
            while start < entries.count {
                let slice = Array(entries[start..<min(start + 2000, entries.count)])
                var out: [UInt8] = []
                for (offset, record) in EntryRecord.renderJSON(slice, pretty: !lines, depth: lines ? 0 : 1).enumerated() {
                    if start + offset > 0 && !lines { out += [44, 10, 32, 32] }
                    out += record
                    if lines { out.append(10) }
                }
                Console.out(out)
                start += slice.count
            }
            if !lines && !entries.isEmpty { Console.out("\n]\n") }
        }
        if Console.report(corpus.diagnostics) { throw ExitCode(1) }
    }

    private func table(_ entries: [Entry]) -> String {
        let header = ["ID", "KIND", "DATE", "STATUS", "TITLE"]
        let rows = entries.map { [$0.id ?? "-", $0.kind, $0.date ?? "-", $0.status ?? "-", $0.title ?? $0.path.description] }
        return TextTable.render(header: header, rows: rows)
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows.map { $0.map { Escaping.terminal($0) } }
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var out = ""
        for row in all {
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    out += cell
                } else {
                    out += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            out += "\n"
        }
        return out
    }
}
