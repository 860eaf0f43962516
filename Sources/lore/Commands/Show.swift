import ArgumentParser
import Foundation
import LoreKit

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one entry: path, front-matter, sections and links.",
        discussion: "ID is an entry id (PM-0042) or the path of an entry file from the repository root.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @Argument(help: "The entry's id, or its path.", completion: Completions.ids)
    var id: String

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        let memory = try snapshot.open()
        let corpus: Corpus
        corpus = try snapshot.corpus(org: org)
        var matches = corpus.entries(withID: id)
        // A path: relative to where the command runs (-C or here), else from the repository root.
        let path = RepositoryPaths(repo: snapshot.repo, repository: memory.repository).relative(id)
        for candidate in [path, id].compactMap({ $0 }) where matches.isEmpty {
            matches = corpus.entries.filter { $0.path.description == candidate }
        }
        let paths = Set(matches.map(\.path))
        let ownDiagnostics = corpus.diagnostics.filter { paths.contains($0.path) || $0.path.description == id || $0.path.description == path }
        guard !matches.isEmpty else {
            Console.report(ownDiagnostics)
            throw Failure.usage("no entry with id '\(id)' in the \(corpus.source)")
        }
        switch format {
        case .json:
            var writer = JSONWriter(pretty: true)
            if matches.count == 1 {
                EntryRecord.write(matches[0], to: &writer, depth: 0)
            } else {
                writer.writeArray(matches, depth: 0) { writer, entry in EntryRecord.write(entry, to: &writer, depth: 1) }
            }
            writer.append("\n")
            Console.out(writer.bytes)
        case .text:
            Console.out(matches.map(text).joined(separator: "\n"))
        }
        if matches.count > 1 {
            Console.err("warning: \(matches.count) entries have the id '\(id)': \(Escaping.terminal(matches.map(\.path.description).joined(separator: ", ")))\n")
        }
        if Console.report(ownDiagnostics) { throw ExitCode(1) }
    }

    private func text(_ entry: Entry) -> String {
        let e: (String) -> String = Escaping.terminal.callAsFunction
        var out = "\(e(entry.id ?? "(no id)"))  \(e(entry.title ?? "(no title)"))\n"
        out += "path:    \(e(entry.path.description))\n"
        out += "kind:    \(entry.kind)\n"
        out += "front-matter:\n"
        for pair in entry.frontMatter.fields { out += block(key: pair.key.text, pair.value, indent: "  ") }
        out += "sections:\n"
        let lineWidth = String(entry.sections.map(\.line).max() ?? 0).count
        for heading in entry.sections { out += "  \(pad(String(heading.line), lineWidth))  \(e(heading.text))\n" }
        out += "links:\n"
        let positions = entry.links.map { "\($0.line):\($0.column)" }
        let positionWidth = positions.map(\.count).max() ?? 0
        let kindWidth = entry.links.map(\.kind.rawValue.count).max() ?? 0
        for (link, position) in zip(entry.links, positions) {
            out += "  \(pad(position, positionWidth))  \(pad(link.kind.rawValue, kindWidth))  \(e(link.destination))\n"
        }
        return out
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// A field as readable text: single values and lists of single values on one line, lists of
    /// objects and mappings one field per line below their key.
    private func block(key: String, _ value: YAMLValue, indent: String) -> String {
        switch value {
        case .mapping(let pairs, _):
            return "\(indent)\(Escaping.terminal(key)):\n" + pairs.map { block(key: $0.key.text, $0.value, indent: indent + "  ") }.joined()
        case .sequence(let items, _) where items.contains(where: { $0.scalar == nil }):
            var out = "\(indent)\(Escaping.terminal(key)):\n"
            for item in items {
                let lines = block(key: "", item, indent: indent + "    ")
                if case .mapping(let pairs, _) = item {
                    let fields = pairs.map { block(key: $0.key.text, $0.value, indent: indent + "    ") }.joined()
                    out += indent + "  - " + fields.dropFirst(indent.count + 4)
                } else {
                    out += indent + "  - " + lines.dropFirst(indent.count + 4 + 2)
                }
            }
            return out
        default:
            return "\(indent)\(Escaping.terminal(key)): \(inline(value))\n"
        }
    }

    /// A value on one line: lists in brackets, objects in braces.
    private func inline(_ value: YAMLValue) -> String {
        switch value {
        case .scalar(let scalar): return Escaping.terminal(scalar.text)
        case .sequence(let items, _): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .mapping(let pairs, _): return "{" + pairs.map { "\(Escaping.terminal($0.key.text)): \(inline($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
