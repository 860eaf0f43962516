import ArgumentParser
import Foundation
import LoreKit

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List entries, filtered by kind, status and tag.",
        discussion: "Files that cannot be read as entries are reported on stderr and make the exit code 1.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, jsonl, paths
    }

    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: "Only entries of this kind.")
    var kind: String?

    @Option(help: "Only entries with this status.")
    var status: String?

    @Option(help: "Only entries with this tag (repeat for entries having all of them).")
    var tag: [String] = []

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let corpus = try snapshot.corpus()
        if let kind, corpus.configuration.kind(named: kind) == nil {
            let known = corpus.configuration.kinds.map(\.name).joined(separator: ", ")
            throw Failure.usage("unknown kind '\(kind)'; this repository has \(known)")
        }
        let order = Dictionary(uniqueKeysWithValues: corpus.configuration.kinds.enumerated().map { ($1.name, $0) })
        let entries = corpus.entries
            .filter { entry in
                (kind == nil || entry.kind == kind) && (status == nil || entry.status == status)
                    && tag.allSatisfy { entry.tags.contains($0) }
            }
            .enumerated()
            .sorted { (order[$0.element.kind] ?? 0, $0.offset) < (order[$1.element.kind] ?? 0, $1.offset) }
            .map(\.element)
        switch format {
        case .table: Console.out(table(entries))
        case .paths: Console.out(entries.map { $0.path.description + "\n" }.joined())
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
        let all = [header] + rows
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
