import ArgumentParser
import Foundation
import Git
import LoreKit

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the links between entries as Graphviz dot, Mermaid or JSON.",
        discussion: """
        Nodes are entries; edges are resolved links between them (front-matter
        relations, [[ID]] and relative links), labelled with the relation. With
        --from ID, only the entries within --depth links of ID (either direction).
        Examples:
          lore graph | dot -Tsvg > lessons.svg
          lore graph --from PM-0042 --depth 2 --format mermaid
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: "Output format.")
    var format: Format = .dot

    @Option(help: "Only entries of this kind.")
    var kind: String?

    @Option(help: ArgumentHelp("Only entries linked to this one, directly or within --depth links.", valueName: "ID"))
    var from: String?

    @Option(help: "With --from: how many links away to go.")
    var depth: Int = 1

    func validate() throws {
        if depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    struct Edge: Hashable {
        let from: GitPath
        let to: GitPath
        let label: String
    }

    func run() throws {
        let memory = try snapshot.open()
        let graph: LinkGraph
        let corpus: Corpus
        do {
            let snap = try memory.snapshot(snapshot.source)
            corpus = try memory.corpus(of: snap, configuration: memory.configuration(in: snap))
            graph = try memory.linkGraph(of: corpus, snapshot: snap)
        } catch {
            throw Failure(error)
        }
        if let kind, corpus.configuration.kind(named: kind) == nil {
            let known = corpus.configuration.kinds.map(\.name).joined(separator: ", ")
            throw Failure.usage("unknown kind '\(kind)'; this repository has \(known)")
        }
        var nodes = graph.entries.filter { kind == nil || $0.kind == kind }
        var included = Set(nodes.map(\.path))
        var edges: [Edge] = []
        var seen = Set<Edge>()
        for entry in nodes {
            for link in graph.outgoing(entry.path) {
                guard let target = link.targetEntry, included.contains(target) else { continue }
                let edge = Edge(from: entry.path, to: target, label: link.field ?? link.kind.rawValue)
                if seen.insert(edge).inserted { edges.append(edge) }
            }
        }
        if let from {
            guard let start = graph.entry(id: from), included.contains(start.path) else {
                throw Failure.usage("no entry\(kind.map { " of kind \($0)" } ?? "") has the id '\(from)'")
            }
            var neighbours: [GitPath: [GitPath]] = [:]
            for edge in edges {
                neighbours[edge.from, default: []].append(edge.to)
                neighbours[edge.to, default: []].append(edge.from)
            }
            var reached: Set<GitPath> = [start.path]
            var frontier = [start.path]
            for _ in 0..<depth where !frontier.isEmpty {  // a huge --depth stops when nothing new is reached
                var next: [GitPath] = []
                for path in frontier { for other in neighbours[path] ?? [] where reached.insert(other).inserted { next.append(other) } }
                frontier = next
            }
            included = reached
            nodes = nodes.filter { reached.contains($0.path) }
            edges = edges.filter { reached.contains($0.from) && reached.contains($0.to) }
        }
        let names = Dictionary(uniqueKeysWithValues: nodes.map { ($0.path, $0.id ?? $0.path.description) })
        switch format {
        case .dot: Console.out(dot(nodes, edges, names))
        case .mermaid: Console.out(mermaid(nodes, edges))
        case .json:
            let value = JSONValue.object([
                "nodes": .array(nodes.map { .object(["id": $0.id.map(JSONValue.string) ?? .null, "path": .string($0.path.description),
                                                      "kind": .string($0.kind), "title": $0.title.map(JSONValue.string) ?? .null]) }),
                "edges": .array(edges.map { .object(["from": .string(names[$0.from] ?? ""), "to": .string(names[$0.to] ?? ""),
                                                      "label": .string($0.label)]) }),
            ])
            var writer = JSONWriter(pretty: true)
            writer.write(value)
            writer.append("\n")
            Console.out(writer.bytes)
        }
    }

    private func dot(_ nodes: [Entry], _ edges: [Edge], _ names: [GitPath: String]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: " ") + "\""
        }
        var out = "digraph lore {\n  rankdir=LR;\n  node [shape=box];\n"
        for node in nodes {
            let name = names[node.path] ?? ""
            let label = String(quoted(name).dropLast()) + "\\n" + String(quoted(node.title ?? "").dropFirst())
            out += "  \(quoted(name)) [label=\(label), kind=\(quoted(node.kind))];\n"
        }
        for edge in edges {
            out += "  \(quoted(names[edge.from] ?? "")) -> \(quoted(names[edge.to] ?? "")) [label=\(quoted(edge.label))];\n"
        }
        return out + "}\n"
    }

    private func mermaid(_ nodes: [Entry], _ edges: [Edge]) -> String {
        var numbers: [GitPath: Int] = [:]
        for (number, node) in nodes.enumerated() { numbers[node.path] = number }
        func text(_ value: String) -> String {
            // Mermaid labels: quotes and markup characters as entity codes.
            value.replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "<", with: "#lt;")
                .replacingOccurrences(of: ">", with: "#gt;").replacingOccurrences(of: "|", with: "#124;")
                .replacingOccurrences(of: "\n", with: " ")
        }
        var out = "graph LR\n"
        for node in nodes {
            let label = [node.id, node.title].compactMap { $0 }.joined(separator: ": ")
            out += "  n\(numbers[node.path]!)[\"\(text(label.isEmpty ? node.path.description : label))\"]\n"
        }
        for edge in edges {
            out += "  n\(numbers[edge.from]!) -->|\(text(edge.label))| n\(numbers[edge.to]!)\n"
        }
        return out
    }
}
