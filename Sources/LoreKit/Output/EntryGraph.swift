import Git

/// The graph of entries `lore graph` draws: entries as nodes, resolved links between them as
/// edges labelled with the relation, optionally cut to one kind and to the neighbourhood of one
/// entry, and rendered as Graphviz dot, Mermaid or JSON.
public struct EntryGraph: Sendable {
    /// A link from one entry to another, labelled with its field (`supersedes`) or link kind.
    public struct Edge: Sendable, Hashable {
        public let from: GitPath
        public let to: GitPath
        public let label: String
    }

    /// Why a graph could not be drawn as asked.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// `kind` is no kind of the configuration, which has `known`.
        case unknownKind(String, known: [String])
        /// No entry (of the kind asked for, if any) has the id.
        case unknownID(String, kind: String?)

        public var description: String {
            switch self {
            case .unknownKind(let kind, let known):
                return "unknown kind '\(kind)'; this repository has \(known.joined(separator: ", "))"
            case .unknownID(let id, let kind):
                return "no entry\(kind.map { " of kind \($0)" } ?? "") has the id '\(id)'"
            }
        }
    }

    /// The entries drawn, in the link graph's order.
    public let nodes: [Entry]
    /// The edges between them: one per ordered pair, in the order first seen.
    public let edges: [Edge]

    /// The graph of `graph`'s entries of `kind` (all kinds when `nil`); with `from`, only the
    /// entries within `depth` links of that id, in either direction.
    public init(_ graph: LinkGraph, configuration: Configuration, kind: String? = nil, from: String? = nil,
                depth: Int = 1) throws(Problem) {
        if let kind, configuration.kind(named: kind) == nil {
            throw .unknownKind(kind, known: configuration.kinds.map(\.name))
        }
        var nodes = graph.entries.filter { kind == nil || $0.kind == kind }
        let included = Set(nodes.map(\.path))
        // One edge per ordered pair, labelled with every relation between them in the order met
        // (`related, wiki`): several links from one entry to another are one arrow, not parallel ones.
        var pairs: [(from: GitPath, to: GitPath)] = []
        var labels: [GitPath: [GitPath: [String]]] = [:]
        for entry in nodes {
            for link in graph.outgoing(entry.path) {
                guard let target = link.targetEntry, included.contains(target) else { continue }
                let label = link.field ?? link.kind.rawValue
                if labels[entry.path]?[target] == nil { pairs.append((entry.path, target)) }
                if !(labels[entry.path]?[target]?.contains(label) ?? false) { labels[entry.path, default: [:]][target, default: []].append(label) }
            }
        }
        var edges = pairs.map { Edge(from: $0.from, to: $0.to, label: (labels[$0.from]?[$0.to] ?? []).joined(separator: ", ")) }
        if let from {
            guard let start = graph.entry(id: from), included.contains(start.path) else { throw .unknownID(from, kind: kind) }
            let reached = Self.neighbourhood(of: start.path, edges: edges, depth: depth)
            nodes = nodes.filter { reached.contains($0.path) }
            edges = edges.filter { reached.contains($0.from) && reached.contains($0.to) }
        }
        self.nodes = nodes
        self.edges = edges
    }

    /// The entries within `depth` edges of `start`, following edges both ways.
    static func neighbourhood(of start: GitPath, edges: [Edge], depth: Int) -> Set<GitPath> {
        var neighbours: [GitPath: [GitPath]] = [:]
        for edge in edges {
            neighbours[edge.from, default: []].append(edge.to)
            neighbours[edge.to, default: []].append(edge.from)
        }
        var reached: Set<GitPath> = [start]
        var frontier = [start]
        var remaining = max(depth, 0)
        // A huge depth stops as soon as nothing new is reached.
        while remaining > 0 && !frontier.isEmpty {
            remaining -= 1
            var next: [GitPath] = []
            for path in frontier {
                for other in neighbours[path] ?? [] where reached.insert(other).inserted { next.append(other) }
            }
            frontier = next
        }
        return reached
    }

    /// Each node's name in dot and JSON: its id, else its path.
    private var names: [GitPath: String] {
        Dictionary(nodes.map { ($0.path, $0.id ?? $0.path.description) }, uniquingKeysWith: { first, _ in first })
    }

    /// Graphviz dot: boxes labelled with id and title, edges labelled with the relation.
    public func dot() -> String {
        let names = self.names
        let quoted = { (text: String) in "\"" + Escaping.dotString(text) + "\"" }
        var out = "digraph lore {\n  rankdir=LR;\n  node [shape=box];\n"
        for node in nodes {
            let name = names[node.path] ?? ""
            let label = "\"" + Escaping.dotString(name) + "\\n" + Escaping.dotString(node.title ?? "") + "\""
            out += "  \(quoted(name)) [label=\(label), kind=\(quoted(node.kind))];\n"
        }
        for edge in edges {
            out += "  \(quoted(names[edge.from] ?? "")) -> \(quoted(names[edge.to] ?? "")) [label=\(quoted(edge.label))];\n"
        }
        return out + "}\n"
    }

    /// A Mermaid flowchart: nodes numbered in order, labelled `ID: title`.
    public func mermaid() -> String {
        var numbers: [GitPath: Int] = [:]
        for (number, node) in nodes.enumerated() where numbers[node.path] == nil { numbers[node.path] = number }
        var out = "graph LR\n"
        for node in nodes {
            let label = [node.id, node.title].compactMap { $0 }.joined(separator: ": ")
            out += "  n\(numbers[node.path] ?? 0)[\"\(Escaping.mermaidLabel(label.isEmpty ? node.path.description : label))\"]\n"
        }
        for edge in edges {
            out += "  n\(numbers[edge.from] ?? 0) -->|\(Escaping.mermaidLabel(edge.label))| n\(numbers[edge.to] ?? 0)\n"
        }
        return out
    }

    /// JSON: `nodes` (id, path, kind, title) and `edges` (from, to, label), keys sorted.
    public func json() -> [UInt8] {
        let names = self.names
        let value = JSONValue.object([
            "nodes": .array(nodes.map { .object(["id": $0.id.map(JSONValue.string) ?? .null, "path": .string($0.path.description),
                                                  "kind": .string($0.kind), "title": $0.title.map(JSONValue.string) ?? .null]) }),
            "edges": .array(edges.map { .object(["from": .string(names[$0.from] ?? ""), "to": .string(names[$0.to] ?? ""),
                                                  "label": .string($0.label)]) }),
        ])
        var writer = JSONWriter(pretty: true)
        writer.write(value)
        writer.append("\n")
        return writer.bytes
    }
}
