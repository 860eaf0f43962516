import Foundation
import Git

/// Links that resolve to nothing.
public struct BrokenLinkRule: CollectionRule {
    private static let a = "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\n"
    public static let description = RuleDescription(
        id: "broken-link", summary: "a relation, `[[ID]]` or relative link to an entry file points at nothing in the snapshot",
        rationale: "links are how the next engineer finds the lesson; a dangling one fails silently",
        defaultSeverity: .error,
        triggering: [RuleExample(["lessons/a.md": a + "related: [↓LL-0404]\n---\n\nSee ↓[[LL-0405]] and ↓[b](gone.md).\n"])],
        nonTriggering: [RuleExample(["lessons/a.md": a + "related: [LL-0002]\n---\n\nSee [[LL-0002]], [b](b.md), [site](https://example.com/x.md) and [docs](../docs/gone.md).\n",
                                     "lessons/b.md": "---\nid: LL-0002\ntitle: B\ndate: 2025-03-14\nstatus: active\n---\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        var resolver = LinkGraph.Resolver(entries, configuration: snapshot.configuration, files: snapshot.files, commit: nil)
        resolver.resolvesAffects = false   // unmatched-affects judges those
        let sourceNames = Set(snapshot.configuration.sources.map(\.name))
        return entries.flatMap { entry in
            resolver.links(of: entry, unresolvedOnly: true).compactMap { link -> Finding? in
                guard let source = link.source else { return nil }
                // `payments:PM-0001`: judged against the synced source; a source never synced is a note.
                if link.kind == .relation || link.kind == .wiki, let qualified = SourceSpec.qualified(link.written),
                   sourceNames.contains(qualified.source) {
                    guard let ids = snapshot.sourceIDs?[qualified.source], !ids.contains(qualified.id) else { return nil }
                    return Finding(source, link.position, "\(link.kind == .wiki ? "[[\(link.written)]]" : "'\(link.field ?? "related")'") names \(qualified.id), "
                                   + "which the synced source '\(qualified.source)' does not have")
                }
                switch link.kind {
                case .relation: return Finding(source, link.position, "'\(link.field ?? "related")' names \(link.written), which no entry has")
                case .wiki: return Finding(source, link.position, "[[\(link.written)]] names an id no entry has")
                case .file: return Finding(source, link.position, "link to \(link.written) points at \(link.path ?? link.written), which is not in the snapshot")
                case .affects, .commit, .trailer: return nil
                }
            }
        }
    }

}

/// Several files with one id.
public struct DuplicateIDRule: CollectionRule {
    private static func lesson(_ id: String) -> String { "---\nid: \(id)\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n" }
    public static let description = RuleDescription(
        id: "duplicate-id", summary: "two or more entries have the same id (every file holding it is reported)",
        rationale: "links and commit trailers name ids; with two holders they point at either; `lore renumber` fixes it",
        defaultSeverity: .error,
        triggering: [RuleExample(["lessons/a.md": lesson("↓LL-0001"), "lessons/b.md": lesson("↓LL-0001")])],
        nonTriggering: [RuleExample(["lessons/a.md": lesson("LL-0001"), "lessons/b.md": lesson("LL-0002")])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        var holders: [String: [EntrySummary]] = [:]
        for entry in entries { if let id = entry.id?.text { holders[id, default: []].append(entry) } }
        var findings: [Finding] = []
        for (id, holding) in holders where holding.count > 1 {
            for entry in holding {
                let others = holding.filter { $0.path != entry.path }.map(\.path.description).joined(separator: ", ")
                findings.append(Finding(entry.path, entry.id?.position ?? .start, "id \(id) is also held by \(others)"))
            }
        }
        return findings
    }
}
