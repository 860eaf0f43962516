import ArgumentParser
import Foundation
import Git
import LoreKit

struct Links: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Show an entry's outgoing links and backlinks, typed, with their lines.",
        discussion: """
        Outgoing: front-matter relations, [[ID]] and relative links to entry files,
        affects globs and commits. Incoming: links from other entries and
        `Lore: ID` trailers in commit messages. Unresolved links are marked.
        Links to and from synced sources (`lore sources sync`) are shown with
        qualified ids (payments:PM-0001); --org also finds the sources' entries.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @Option(help: "Output format.")
    var format: Format = .text

    @Argument(help: "The entry's id, or its file (as `lore show` takes it).", completion: Completions.ids)
    var id: String

    func run() throws {
        let index = try snapshot.index(org: org, backlinks: true)
        var found = index.graph.entry(id: id)
        if found == nil {
            // A path, as `lore show` reads it: relative to where the command runs, else to the top.
            let path = RepositoryPaths(repo: snapshot.repo, repository: try snapshot.open().repository).relative(id)
            for candidate in [path, id].compactMap({ $0 }) where found == nil { found = index.graph.entry(at: GitPath(candidate)) }
        }
        guard let entry = found else { throw Failure.usage("no entry has the id '\(id)'") }
        let outgoing = index.graph.outgoing(entry.path), incoming = index.graph.incoming(entry.path)
        switch format {
        case .json:
            var writer = JSONWriter(pretty: true)
            writer.write(MemoryIndexRecord.links(of: entry, index: index))
            writer.append("\n")
            Console.out(writer.bytes)
        case .text:
            var out = [entry.id ?? "-", entry.path.description, entry.title ?? ""].map { Escaping.terminal($0) }.joined(separator: "  ") + "\n"
            out += "outgoing (\(outgoing.count)):\n"
            let rows = outgoing.map { link -> [String] in
                [link.field ?? link.kind.rawValue, describe(link.target, index: index, written: link.written),
                 "\(entry.path):\(link.position.line):\(link.position.column)"]
            }
            out += rows.isEmpty ? "" : indent(TextTable.render(header: ["TYPE", "TARGET", "WRITTEN AT"], rows: rows))
            out += "incoming (\(incoming.count)):\n"
            let back = incoming.map { link -> [String] in
                if let commit = link.commit {
                    return ["trailer", "commit \(commit.prefix(12))", "message line \(link.position.line)"]
                }
                let source = link.source.flatMap { index.graph.entry(at: $0) }
                return [link.field ?? link.kind.rawValue, source?.id ?? link.source?.description ?? "-",
                        "\(link.source?.description ?? "-"):\(link.position.line):\(link.position.column)"]
            }
            out += back.isEmpty ? "" : indent(TextTable.render(header: ["TYPE", "FROM", "WRITTEN AT"], rows: back))
            Console.out(out)
        }
    }

    private func describe(_ target: LinkTarget, index: MemoryIndex, written: String) -> String {
        switch target {
        case .entry(let path): return index.graph.entry(at: path)?.id.map { "\($0) (\(path))" } ?? path.description
        case .file(let path): return "\(path) (not a readable entry)"
        case .code: return "\(written) (code)"
        case .commit(let id): return "commit \(id.prefix(12))"
        case .unresolved: return "\(written) (unresolved)"
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }
}

/// The `links` part of an index record, for `lore links --format json`.
enum MemoryIndexRecord {
    static func links(of entry: Entry, index: MemoryIndex) -> JSONValue {
        guard case .object(let record) = MemoryIndex.record(entry, graph: index.graph, history: index.history),
              case .object(let links)? = record["links"] else { return .null }
        return .object(["id": record["id"] ?? .null, "path": record["path"] ?? .null, "out": links["out"] ?? .array([]),
                        "in": links["in"] ?? .array([])])
    }
}
