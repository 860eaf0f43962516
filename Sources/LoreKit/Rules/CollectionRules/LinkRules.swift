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
        return entries.flatMap { entry in
            resolver.links(of: entry, unresolvedOnly: true).compactMap { link -> Finding? in
                guard let source = link.source else { return nil }
                switch link.kind {
                case .relation: return Finding(source, link.position, "'\(link.field ?? "related")' names \(link.written), which no entry has")
                case .wiki: return Finding(source, link.position, "[[\(link.written)]] names an id no entry has")
                case .file: return Finding(source, link.position, "link to \(link.written) points at \(link.path ?? link.written), which is not in the snapshot")
                case .affects, .commit, .trailer: return nil
                }
            }
        }
    }

    /// The repository path a relative link to a `.md` file points at, or `nil` for URLs, anchors and
    /// links to other kinds of files.
    /// The folders of a path, for resolving relative links from it.
    static func folder(of path: GitPath) -> [Substring] {
        Array(path.description.split(separator: "/", omittingEmptySubsequences: true).dropLast())
    }

    static func entryFileTarget(_ destination: String, from path: GitPath) -> String? {
        entryFileTarget(destination, folder: folder(of: path))
    }

    /// A link without `.md` that may name an entry (a kind reading records as found): relative or
    /// site-absolute, extension-less or `.html`, pretty URLs with a trailing `/`; the repository
    /// path it points at without extension (`/…` resolved from the root). `nil` for URLs,
    /// anchors and links to other kinds of file.
    static func looseTarget(_ destination: String, folder: [Substring]) -> String? {
        var target = Substring(destination)
        if let cut = target.firstIndex(where: { $0 == "#" || $0 == "?" }) { target = target[..<cut] }
        if let colon = target.firstIndex(of: ":"), !target[..<colon].contains("/") { return nil }
        while target.hasSuffix("/") { target = target.dropLast() }
        guard let last = target.split(separator: "/").last, !last.isEmpty, last != ".", last != ".." else { return nil }
        if let dot = last.lastIndex(of: ".") {
            guard last[last.index(after: dot)...].lowercased() == "html" else { return nil }
            target = target.dropLast(5)
        }
        return entryFileTarget(String(target) + ".md", folder: folder).map { String($0.dropLast(3)) }
    }

    static func entryFileTarget(_ destination: String, folder: [Substring]) -> String? {
        var target = Substring(destination)
        if let cut = target.firstIndex(where: { $0 == "#" || $0 == "?" }) { target = target[..<cut] }
        guard target.hasSuffix(".md"), !target.hasPrefix("mailto:") else { return nil }
        // A scheme (`https:`) makes it a URL, not a path.
        if let colon = target.firstIndex(of: ":"), !target[..<colon].contains("/") { return nil }
        let decoded = target.contains("%") ? (String(target).removingPercentEncoding ?? String(target)) : String(target)
        var components: [Substring] = decoded.hasPrefix("/") ? [] : folder
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if components.isEmpty { return decoded }   // escapes the repository: never present
                components.removeLast()
            } else {
                components.append(part)
            }
        }
        return components.joined(separator: "/")
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
                findings.append(Finding(entry.path, entry.id?.position ?? entryStart, "id \(id) is also held by \(others)"))
            }
        }
        return findings
    }
}
