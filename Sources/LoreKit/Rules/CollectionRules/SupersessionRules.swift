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

    public func check(_ corpus: Corpus, in context: CheckContext) -> [Finding] {
        var byID: [String: Entry] = [:]
        for entry in corpus.entries { if let id = entry.id, byID[id] == nil { byID[id] = entry } }
        var findings: [Finding] = []
        for entry in corpus.entries {
            guard let id = entry.id else { continue }
            for (field, scalar) in Relations.items(of: entry, in: context) where field == "supersedes" || field == "superseded_by" {
                guard let other = byID[scalar.text] else { continue }   // broken-link's
                let inverse = field == "supersedes" ? "superseded_by" : "supersedes"
                if !Relations.ids(inverse, of: other).contains(id) {
                    findings.append(Finding(entry.path, scalar.position,
                                            "\(id) lists \(scalar.text) in '\(field)', but \(scalar.text) does not list \(id) in '\(inverse)'"))
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

    public func check(_ corpus: Corpus, in context: CheckContext) -> [Finding] {
        var edges: [String: [(target: String, scalar: YAMLScalar, entry: Entry)]] = [:]
        for entry in corpus.entries {
            guard let id = entry.id else { continue }
            for (field, scalar) in Relations.items(of: entry, in: context) where field == "supersedes" {
                edges[id, default: []].append((scalar.text, scalar, entry))
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
                findings.append(Finding(edge.entry.path, edge.scalar.position,
                                        "supersession cycle: \((cycle + [start]).joined(separator: " → "))"))
            }
        }
        return findings
    }

    /// The ids on a supersedes path from `from` to `to`, if one exists.
    private static func path(from: String, to: String, edges: [String: [(target: String, scalar: YAMLScalar, entry: Entry)]]) -> [String]? {
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
