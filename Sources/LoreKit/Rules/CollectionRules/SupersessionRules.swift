/// `supersedes` and `superseded_by` disagreeing.
public struct SupersessionMismatchRule: CollectionRule {
    public static let description = RuleDescription(
        id: "supersession-mismatch", summary: "an entry supersedes another that does not name it in `superseded_by`, or the reverse",
        rationale: "a reader of the old decision must be sent to the new one; one-sided supersession hides it",
        defaultSeverity: .error,
        triggering: [RuleExample([
            "decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\n---\n",
            "decisions/0002-b.md": "---\nid: DR-0002\ntitle: B\ndate: 2025-03-14\nstatus: accepted\nsupersedes: [↓DR-0001]\n---\n"])],
        nonTriggering: [RuleExample([
            "decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\nsuperseded_by: [DR-0002]\n---\n",
            "decisions/0002-b.md": "---\nid: DR-0002\ntitle: B\ndate: 2025-03-14\nstatus: accepted\nsupersedes: [DR-0001]\n---\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        var byID: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { if let id = entry.id?.text, byID[id] == nil { byID[id] = index } }
        var findings: [Finding] = []
        for entry in entries {
            guard let id = entry.id?.text else { continue }
            for relation in entry.relations where relation.field == "supersedes" || relation.field == "superseded_by" {
                let target = relation.item.text
                guard let other = byID[target] else { continue }   // broken-link's
                let inverse = relation.field == "supersedes" ? "superseded_by" : "supersedes"
                if !entries[other].relations.contains(where: { $0.field == inverse && $0.item.text == id }) {
                    findings.append(Finding(entry.path, relation.item.position,
                                            "\(id) lists \(target) in '\(relation.field)', but \(target) does not list \(id) in '\(inverse)'"))
                }
            }
        }
        return findings
    }
}

/// Entries superseding each other in a circle.
public struct SupersessionCycleRule: CollectionRule {
    public static let description = RuleDescription(
        id: "supersession-cycle", summary: "entries supersede each other in a cycle",
        rationale: "following `superseded_by` must end at the entry in force; a cycle never does",
        defaultSeverity: .error,
        triggering: [RuleExample([
            "decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\nsupersedes: [↓DR-0002]\nsuperseded_by: [DR-0002]\n---\n",
            "decisions/0002-b.md": "---\nid: DR-0002\ntitle: B\ndate: 2025-03-14\nstatus: superseded\nsupersedes: [DR-0001]\nsuperseded_by: [DR-0001]\n---\n"])],
        nonTriggering: [RuleExample([
            "decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\nsuperseded_by: [DR-0002]\n---\n",
            "decisions/0002-b.md": "---\nid: DR-0002\ntitle: B\ndate: 2025-03-14\nstatus: accepted\nsupersedes: [DR-0001]\n---\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        var edges: [String: [Edge]] = [:]
        for entry in entries {
            guard let id = entry.id?.text else { continue }
            for relation in entry.relations where relation.field == "supersedes" {
                edges[id, default: []].append(Edge(target: relation.item.text, position: relation.item.position, path: entry.path))
            }
        }
        // Report each cycle once, at the supersedes item of its smallest id.
        var findings: [Finding] = []
        var reported = Set<String>()
        for start in edges.keys.sorted() where !reported.contains(start) {
            for edge in edges[start] ?? [] {
                guard let path = Self.path(from: edge.target, to: start, edges: edges) else { continue }
                let cycle = [start] + path
                guard cycle.min() == start, !reported.contains(start) else { continue }
                cycle.forEach { reported.insert($0) }
                findings.append(Finding(edge.path, edge.position,
                                        "supersession cycle: \((cycle + [start]).joined(separator: " → "))"))
            }
        }
        return findings
    }

    /// A `supersedes` item: the id it names, where, in which file.
    private struct Edge {
        let target: String
        let position: SourcePosition
        let path: GitPath
    }

    /// The ids on a supersedes path from `from` to `to`, if one exists.
    private static func path(from: String, to: String, edges: [String: [Edge]]) -> [String]? {
        var seen: Set<String> = []
        var stack: [(String, [String])] = [(from, [from])]
        while let (node, trail) = stack.popLast() {
            if node == to { return Array(trail.dropLast()) }
            guard seen.insert(node).inserted else { continue }
            for edge in edges[node] ?? [] { stack.append((edge.target, trail + [edge.target])) }
        }
        return nil
    }
}
