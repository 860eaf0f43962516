import Git

/// The entries that replace an entry, one after another: what to follow instead of an old
/// decision. A successor of an entry is an entry its `superseded_by` names, or one whose
/// `supersedes` names it (either side of the relation is enough), resolved through `LinkGraph`.
public struct SupersessionChain: Sendable, Hashable {
    /// The entry asked about.
    public let start: GitPath
    /// Its successors in order: each supersedes the one before. Empty when nothing supersedes it.
    public let successors: [GitPath]
    /// Entries of the chain with more than one successor, and all of them (the chain follows the
    /// first by path).
    public let branches: [GitPath: [GitPath]]
    /// The chain came back to an entry already in it (a supersession cycle, which `lore check`
    /// reports as `supersession-cycle`); it stops there.
    public let cycle: Bool
    /// The chain was cut after `limit` steps.
    public let truncated: Bool

    /// The entry to follow: the last successor, or the entry itself when nothing supersedes it.
    public var current: GitPath { successors.last ?? start }

    /// The chain of the entry at `start` in `graph`, at most `limit` steps long.
    public init(of start: GitPath, in graph: LinkGraph, limit: Int = 100) {
        var seen: Set<GitPath> = [start]
        var successors: [GitPath] = []
        var branches: [GitPath: [GitPath]] = [:]
        var cycle = false, truncated = false
        var here = start
        while true {
            let next = Self.directSuccessors(of: here, in: graph)
            guard let first = next.first else { break }
            if next.count > 1 { branches[here] = next }
            if seen.contains(first) { cycle = true; break }
            if successors.count == limit { truncated = true; break }
            successors.append(first)
            seen.insert(first)
            here = first
        }
        self.start = start
        self.successors = successors
        self.branches = branches
        self.cycle = cycle
        self.truncated = truncated
    }

    /// The entries that directly supersede the entry at `path`, sorted by path.
    public static func directSuccessors(of path: GitPath, in graph: LinkGraph) -> [GitPath] {
        var found: Set<GitPath> = []
        for link in graph.outgoing(path) where link.kind == .relation && link.field == "superseded_by" {
            if let target = link.targetEntry, target != path { found.insert(target) }
        }
        for link in graph.incoming(path) where link.kind == .relation && link.field == "supersedes" {
            if let source = link.source, source != path { found.insert(source) }
        }
        return found.sorted()
    }
}
