import Foundation
import Git

/// How a link was made.
public enum LinkKind: String, Sendable, Hashable, CaseIterable {
    /// A front-matter relation: `related`, `supersedes`, `superseded_by`, or a field the
    /// configuration declares `type: ids`.
    case relation
    /// `[[ID]]` or `[[ID|text]]` in the body.
    case wiki
    /// A relative Markdown link to an entry file.
    case file
    /// An `affects` glob, linking the entry to code.
    case affects
    /// A `commits` item, linking the entry to a commit.
    case commit
    /// A `Lore: ID` trailer in a commit message, linking the commit to the entry.
    case trailer
}

/// What a link points at, once resolved against the snapshot.
public enum LinkTarget: Sendable, Hashable {
    /// An entry, by its path.
    case entry(GitPath)
    /// A file of the snapshot that is not a readable entry (a relative link to an entry file that
    /// failed to parse).
    case file(GitPath)
    /// Code: the `affects` glob matches at least one file.
    case code
    /// A commit of the repository, by its full id.
    case commit(String)
    /// Nothing in the snapshot.
    case unresolved
}

/// One typed link, with where it was written.
public struct GraphLink: Sendable, Hashable {
    /// How the link was made.
    public let kind: LinkKind
    /// The front-matter field (`related`, `affects`, `commits` …), `nil` for body links and trailers.
    public let field: String?
    /// The entry the link is written in; `nil` for a trailer (then `commit` is set).
    public let source: GitPath?
    /// The commit whose message holds a trailer.
    public let commit: String?
    /// The target as written: an id, a relative path, a glob or a commit id.
    public let written: String
    /// For a relative link, the repository path it points at.
    public let path: String?
    /// Where it was written: a line of the entry file, or of the commit message for a trailer.
    public let position: SourcePosition
    /// What it points at.
    public let target: LinkTarget

    /// The link points at something.
    public var isResolved: Bool { target != .unresolved }
    /// The entry it points at, if any.
    public var targetEntry: GitPath? {
        if case .entry(let path) = target { return path }
        return nil
    }
}

/// Every link of a snapshot, typed and resolved, with each entry's outgoing links and backlinks.
/// The one resolver of links in Lore: `broken-link`, `lore links`, `lore graph` and `lore index`
/// all read it.
public struct LinkGraph: Sendable {
    /// The entries, as in the corpus (sorted by path).
    public let entries: [Entry]
    /// Every link: each entry's in the order written (relations, `affects`, `commits`, then the
    /// body), entries in path order, then trailers in history order.
    public let links: [GraphLink]
    private let outgoingIndex: [GitPath: [Int]]
    private let incomingIndex: [GitPath: [Int]]
    private let byID: [String: GitPath]

    /// Resolves every link of `corpus` against its snapshot: `files` are the snapshot's paths;
    /// `commit` gives the full id of a commit named by a prefix (`nil` leaves `commits` out of the
    /// graph); `trailers` are the `Lore:` trailers of history.
    public init(corpus: Corpus, files: FileIndex, commit: ((String) -> String?)? = nil, trailers: [TrailerLink] = []) {
        let configuration = corpus.configuration
        self.init(entries: corpus.entries, summaries: corpus.entries.map { EntrySummary($0, configuration: configuration) },
                  configuration: configuration, files: files, commit: commit, trailers: trailers)
    }

    private init(entries: [Entry], summaries: [EntrySummary], configuration: Configuration, files: FileIndex,
                 commit: ((String) -> String?)?, trailers: [TrailerLink]) {
        self.entries = entries
        let resolver = Resolver(summaries, configuration: configuration, files: files, commit: commit)
        byID = resolver.byID
        var links = summaries.flatMap { resolver.links(of: $0) }
        for trailer in trailers {
            links.append(GraphLink(kind: .trailer, field: nil, source: nil, commit: trailer.commit, written: trailer.id, path: nil,
                                   position: trailer.position, target: resolver.byID[trailer.id].map(LinkTarget.entry) ?? .unresolved))
        }
        var outgoing: [GitPath: [Int]] = [:]
        var incoming: [GitPath: [Int]] = [:]
        for (index, link) in links.enumerated() {
            if let source = link.source { outgoing[source, default: []].append(index) }
            if let target = link.targetEntry { incoming[target, default: []].append(index) }
        }
        self.links = links
        outgoingIndex = outgoing
        incomingIndex = incoming
    }

    /// Resolves the links an entry's summary holds: the one place where an id, a relative path, a
    /// glob or a commit id becomes a target.
    package struct Resolver {
        package let byID: [String: GitPath]
        let entryPaths: Set<GitPath>
        let configuration: Configuration
        let files: FileIndex
        let commit: ((String) -> String?)?
        /// Resolve `affects` globs (the broken-link rule leaves them to unmatched-affects).
        package var resolvesAffects = true

        /// Entries of kinds reading records as found, by file name without extension (a bundle's
        /// folder name): what links without `.md` name.
        let byStem: [String: GitPath]

        package init(_ summaries: [EntrySummary], configuration: Configuration, files: FileIndex, commit: ((String) -> String?)?) {
            var byID: [String: GitPath] = [:]
            for summary in summaries { if let id = summary.id?.text, byID[id] == nil { byID[id] = summary.path } }
            var byStem: [String: GitPath] = [:]
            for summary in summaries {
                guard let kind = configuration.kind(named: summary.kind), kind.readsRecordsAsFound else { continue }
                let stem = EntryName(summary.path, bundles: kind.bundles).stem
                if byStem[stem] == nil { byStem[stem] = summary.path }
            }
            self.byStem = byStem
            self.byID = byID
            entryPaths = Set(summaries.map(\.path))
            self.configuration = configuration
            self.files = files
            self.commit = commit
        }

        /// The entry's links in the order written: relations, `affects`, `commits`, then the body
        /// (with `unresolvedOnly`, only those that point at nothing).
        package func links(of entry: EntrySummary, unresolvedOnly: Bool = false) -> [GraphLink] {
            var links: [GraphLink] = []
            func add(_ kind: LinkKind, _ field: String?, _ written: String, path: String? = nil, _ position: SourcePosition, _ target: LinkTarget) {
                if unresolvedOnly, target != .unresolved { return }
                links.append(GraphLink(kind: kind, field: field, source: entry.path, commit: nil, written: written, path: path,
                                       position: position, target: target))
            }
            for relation in entry.relations {
                add(.relation, relation.field, relation.item.text, relation.item.position,
                    byID[relation.item.text].map(LinkTarget.entry) ?? .unresolved)
            }
            if resolvesAffects {
                for item in entry.affects {
                    add(.affects, "affects", item.text, item.position, files.anyMatch(Glob(item.text)) ? .code : .unresolved)
                }
            }
            if let commit {
                for item in entry.commits {
                    let full = FieldType.isCommitID(item.text) ? commit(item.text) : nil
                    add(.commit, "commits", item.text, item.position, full.map(LinkTarget.commit) ?? .unresolved)
                }
            }
            for link in entry.links {
                guard let target = link.target else {
                    add(.wiki, nil, link.item.text, link.item.position, byID[link.item.text].map(LinkTarget.entry) ?? .unresolved)
                    continue
                }
                if !target.hasSuffix(".md") {
                    // A link as found (no `.md`): an entry by path, bundle, file name or id; an
                    // unresolved one is listed when its name looks like a record's.
                    let name = String(target.split(separator: "/").last ?? "")
                    if let found = resolveLoose(target, name: name) {
                        add(.file, nil, link.item.text, path: found.description, link.item.position, .entry(found))
                    } else if EntryName.leadingID?.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil {
                        add(.file, nil, link.item.text, path: target, link.item.position, .unresolved)
                    }
                    continue
                }
                // Only links to entry files are links between entries: a README or design doc is not.
                let path = GitPath(target)
                guard configuration.kind(containing: path) != nil, EntryFileFilter.isEntry(path) else { continue }
                let resolved: LinkTarget = entryPaths.contains(path) ? .entry(path) : files.contains(target) ? .file(path) : .unresolved
                add(.file, nil, link.item.text, path: target, link.item.position, resolved)
            }
            return links
        }

        /// The entry a link without `.md` names: `target.md`, `target/index.md`, `target.html.md`,
        /// else an entry whose file name or id is the link's last component.
        func resolveLoose(_ target: String, name: String) -> GitPath? {
            for candidate in [target + ".md", target + "/index.md", target + "/_index.md", target + ".html.md"] where entryPaths.contains(GitPath(candidate)) {
                return GitPath(candidate)
            }
            return byStem[name] ?? byID[name]
        }
    }

    /// The links written in the entry at `path`, in the order written.
    public func outgoing(_ path: GitPath) -> [GraphLink] { (outgoingIndex[path] ?? []).map { links[$0] } }

    /// The links pointing at the entry at `path`: from other entries (in path order), then from
    /// commit trailers.
    public func incoming(_ path: GitPath) -> [GraphLink] { (incomingIndex[path] ?? []).map { links[$0] } }

    /// The entry holding `id` (the first by path when the id is duplicated).
    public func entry(id: String) -> Entry? {
        guard let path = byID[id] else { return nil }
        return entry(at: path)
    }

    /// The id of the entry at `path`, without copying the entry.
    public func id(at path: GitPath) -> String? {
        guard let index = index(of: path) else { return nil }
        return entries[index].id
    }

    private func index(of path: GitPath) -> Int? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].path == path ? low : nil
    }

    /// The entry at `path`.
    public func entry(at path: GitPath) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].path == path ? entries[low] : nil
    }

    /// Links that point at nothing, in graph order.
    public var unresolved: [GraphLink] { links.filter { !$0.isResolved } }
}
