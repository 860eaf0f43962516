import Foundation
import Git

/// Which changes `lore recall` looks at.
public enum RecallChanges: Sendable, Hashable {
    /// The staged index against `HEAD`; entries are read from the index.
    case staged
    /// `A..B` (what B changed since it forked from A: the diff from their merge base to B), or a
    /// single commit (what it changed against its first parent); entries are read from B.
    case revisions(String)
    /// These repository-relative paths; entries are read from the working tree (from `HEAD` in a
    /// bare repository).
    case paths([String])
}

/// Why an entry was recalled.
public struct RecallReason: Sendable, Hashable {
    /// How the entry is tied to the changed code.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// One of the entry's `affects` globs matches a changed path.
        case affects
        /// A commit the entry lists under `commits` touched a changed path.
        case commit
        /// A commit whose `Lore:` trailer names the entry touched a changed path.
        case trailer
        /// Another repository's entry names a service of the change (`lore recall --org`).
        case service
    }

    /// How the entry is tied to the changed code.
    public let kind: Kind
    /// The glob (`affects`), the full commit id (`commit`, `trailer`), or the service (`service`).
    public let via: String
    /// The changed paths concerned, sorted.
    public let paths: [GitPath]

    /// A reason.
    public init(kind: Kind, via: String, paths: [GitPath]) {
        self.kind = kind
        self.via = via
        self.paths = paths
    }

    /// The commit id shortened for people (7 digits), or the glob.
    public var shortVia: String { kind == .affects || kind == .service ? via : String(via.prefix(7)) }

    /// The reason in words: `affects src/db/**`, `fix commit a1b2c3d touched src/db/pool.go`,
    /// `commit 1234abc (Lore: PM-0042) touched src/db/pool.go`. `id` is the entry's id, for trailers.
    public func text(id: String?) -> String {
        let touched = paths.map(\.description).joined(separator: ", ")
        switch kind {
        case .affects: return "affects \(via)"
        case .commit: return "fix commit \(shortVia) touched \(touched)"
        case .trailer: return "commit \(shortVia) (Lore: \(id ?? "?")) touched \(touched)"
        case .service: return "service \(via), as this repository's recalled entries"
        }
    }
}

/// One entry `lore recall` found, with what it is and why it matters for the change.
public struct RecalledEntry: Sendable, Hashable {
    /// The entry's file.
    public let path: GitPath
    /// Its kind.
    public let kind: String
    /// `id`, `title`, `severity`, `date`, `status` as written (`nil` when absent).
    public let id: String?, title: String?, severity: String?, date: String?, status: String?
    /// Why it was recalled: `affects` reasons first, then listed commits, then trailers.
    public let reasons: [RecallReason]

    /// A recalled entry.
    public init(path: GitPath, kind: String, id: String?, title: String?, severity: String?, date: String?, status: String?,
                reasons: [RecallReason]) {
        self.path = path
        self.kind = kind
        self.id = id
        self.title = title
        self.severity = severity
        self.date = date
        self.status = status
        self.reasons = reasons
    }

    /// The rank of a severity: `SEV1` → 1; other values after every `SEVn`, no severity last.
    var severityRank: Int {
        guard let severity else { return Int.max }
        let upper = severity.uppercased()
        if upper.hasPrefix("SEV"), let number = Int(upper.dropFirst(3)), number >= 0 { return number }
        return Int.max - 1
    }
}

/// The entries that matter for a change: `lore recall`.
public struct Recall: Sendable {
    /// The changed paths looked at, sorted.
    public let changedPaths: [GitPath]
    /// The entries recalled, most important first: by severity (SEV1 first), then recency (newest
    /// `date` first), then number of reasons (most first), then path.
    public let entries: [RecalledEntry]
    /// Things to say that are not results (history incomplete in a shallow clone …).
    public let notes: [String]
    /// For each recalled entry, the entries most like it (`lore recall --similar`); `nil` when not
    /// asked for.
    public internal(set) var similar: [GitPath: [SimilarEntry]]?

    /// The same result with, for each recalled entry, the `limit` entries of `corpus` most like it
    /// (`SimilarityIndex`); recalled entries are not repeated as similar ones.
    public func includingSimilar(from corpus: Corpus, limit: Int = 3) -> Recall {
        var result = self
        let index = SimilarityIndex(entries: corpus.entries)
        let recalled = Set(entries.map(\.path))
        var similar: [GitPath: [SimilarEntry]] = [:]
        for entry in entries {
            guard let source = corpus.entries.first(where: { $0.path == entry.path }) else { continue }
            var query = SimilarityQuery(entry: source)
            query.excluding.formUnion(recalled)
            similar[entry.path] = index.similar(to: query, limit: limit)
        }
        result.similar = similar
        return result
    }

    /// A result.
    public init(changedPaths: [GitPath], entries: [RecalledEntry], notes: [String]) {
        self.changedPaths = changedPaths
        self.entries = entries
        self.notes = notes
    }

    /// Finds the entries that matter for `changes` in `memory`: entries whose `affects` globs
    /// match a changed path, entries whose listed `commits` touched one (each commit diffed with its
    /// first parent), and entries named by `Lore:` trailers of commits that touched one. Entries'
    /// ids, `affects` and `commits` come from the recall table kept beside the snapshot's state
    /// (else from its state, or the check cache) and commit facts from `lore/recall-cache`, so a
    /// warm run parses only the entries it reports.
    public static func find(_ memory: MemoryRepository, changes: RecallChanges) throws(LoreError) -> Recall {
        let (snapshot, tip, allChanged) = try changedPaths(memory.repository, changes)
        let configuration = try memory.configuration(in: snapshot)
        // Entries are what is recalled, not code: edits to them (and to the configuration) are not
        // looked at, so a pull request that adds a postmortem does not recall its neighbours.
        let changed = allChanged.filter { path in
            !path.isInside(GitPath(".lore")) && !(configuration.kind(containing: path) != nil && EntryFileFilter.isEntry(path))
        }
        guard !changed.isEmpty else { return Recall(changedPaths: [], entries: [], notes: []) }
        // The recall table kept beside the snapshot's state when it fits: no state decoded.
        var summaries = try SnapshotStateStore.recallSummaries(memory, snapshot: snapshot, configuration: configuration) ?? []
        if summaries.isEmpty {
            summaries = try Checker.summaries(memory, snapshot: snapshot, configuration: configuration)
            try SnapshotStateStore.keepRecallSummaries(memory, snapshot: snapshot, configuration: configuration, summaries)
        }
        let facts = CommitFacts(repository: memory.repository, caching: memory.caching)
        let reasons: [GitPath: [RecallReason]]
        do {
            reasons = try Self.reasons(summaries, changed: changed, tip: tip, facts: facts, configuration: configuration,
                                       repository: memory.repository)
        } catch {
            throw .repository(error)
        }
        facts.save()
        var notes: [String] = []
        if facts.isPartial {
            notes.append("history is incomplete (shallow clone): commits before the shallow boundary were not looked at; fetch with --unshallow (in CI: fetch-depth: 0)")
        }
        let entries = try recalledEntries(reasons, summaries: summaries, snapshot: snapshot, configuration: configuration)
        return Recall(changedPaths: changed, entries: entries, notes: notes)
    }

    /// The snapshot a change leads to, where its entries are read (`--org` and `--similar` read the
    /// corpus there): the index, the range's end (the commit itself), or the working tree (`HEAD`
    /// in a bare repository).
    public static func snapshotSource(of changes: RecallChanges, in repository: Repository) throws(LoreError) -> SnapshotSource {
        switch changes {
        case .staged: return .index(file: nil)
        case .revisions(let text):
            do {
                return .revision(try revisionRange(text, in: repository).head.hex)
            } catch {
                throw .repository(error)
            }
        case .paths: return repository.isBare ? .revision("HEAD") : .workingTree
        }
    }

    /// Step 1: the snapshot the change leads to, the commit history is read from, and every path
    /// the change touches (both sides of renames, deletions included).
    private static func changedPaths(_ repository: Repository, _ changes: RecallChanges) throws(LoreError)
        -> (snapshot: Snapshot, tip: ObjectID?, paths: [GitPath]) {
        do {
            switch changes {
            case .staged:
                let snapshot = try Snapshot(repository: repository, source: .index(file: nil))
                let tip = repository.isHeadUnborn ? nil : try repository.resolveCommit("HEAD")
                return (snapshot, tip, try snapshot.changedPathsIncludingDeletions(since: tip?.hex))
            case .revisions(let text):
                let (base, head) = try revisionRange(text, in: repository)
                let snapshot = try Snapshot(repository: repository, source: .revision(head.hex))
                return (snapshot, head, try repository.changedPaths(from: base, to: head))
            case .paths(let paths):
                let snapshot = try Snapshot(repository: repository, source: repository.isBare ? .revision("HEAD") : .workingTree)
                let tip = repository.isHeadUnborn ? nil : try repository.resolveCommit("HEAD")
                return (snapshot, tip, Array(Set(paths.map(normalize).filter { !$0.bytes.isEmpty })).sorted())
            }
        } catch {
            throw .repository(error)
        }
    }

    /// Step 2: why each entry matters for the changed paths: its `affects` globs, its listed
    /// commits, and the `Lore:` trailers of commits reachable from `tip` that touched them.
    private static func reasons(_ summaries: [EntrySummary], changed: [GitPath], tip: ObjectID?, facts: CommitFacts,
                                configuration: Configuration, repository: Repository) throws(GitError) -> [GitPath: [RecallReason]] {
        let changedSet = Set(changed)
        let changedIndex = FileIndex(changed)
        var reasons: [GitPath: [RecallReason]] = [:]
        // Listed commits are resolved once each: many entries name the same fix.
        var resolved: [String: ObjectID?] = [:]
        func resolve(_ text: String) -> ObjectID? {
            let key = text.lowercased()
            if let known = resolved[key] { return known }
            // A full id is taken as written (looking each one up cost more than the rest of a
            // warm run); one that names no commit has no changed paths.
            let id = ObjectID(hex: key) ?? repository.commitID(prefix: key)
            resolved[key] = id
            return id
        }
        // Each distinct glob is matched once (entries share their services' folders), against the
        // changed paths sharing its literal prefix only.
        var matchedBy: [String: [GitPath]] = [:]
        for summary in summaries {
            var found: [RecallReason] = []
            var globs = Set<String>()
            for item in summary.affects where globs.insert(item.text).inserted {
                let matched: [GitPath]
                if let known = matchedBy[item.text] {
                    matched = known
                } else {
                    matched = changedIndex.matches(Glob(item.text))
                    matchedBy[item.text] = matched
                }
                if !matched.isEmpty { found.append(RecallReason(kind: .affects, via: item.text, paths: matched)) }
            }
            var commits = Set<ObjectID>()
            for item in summary.commits where FieldType.isCommitID(item.text) {
                guard let id = resolve(item.text), commits.insert(id).inserted else { continue }
                let touched = try facts.changedPaths(id).filter(changedSet.contains)
                if !touched.isEmpty { found.append(RecallReason(kind: .commit, via: id.hex, paths: touched)) }
            }
            if !found.isEmpty { reasons[summary.path, default: []] += found }
        }
        if let tip, case let trailerCommits = try facts.trailerCommits(from: tip), !trailerCommits.isEmpty {
            let byID = LinkGraph.Resolver(summaries, configuration: configuration, files: FileIndex([String]()), commit: nil).byID
            for commit in trailerCommits {
                let named = commit.ids.compactMap { byID[$0] }
                guard !named.isEmpty else { continue }
                let touched = try facts.changedPaths(commit.commit).filter(changedSet.contains)
                guard !touched.isEmpty else { continue }
                for path in Set(named) {
                    reasons[path, default: []].append(RecallReason(kind: .trailer, via: commit.commit.hex, paths: touched))
                }
            }
        }
        return reasons
    }

    /// Step 3: the recalled entries, each parsed for its title, severity and date, ranked:
    /// severity (SEV1 first), then date (newest first), then number of reasons, then path.
    private static func recalledEntries(_ reasons: [GitPath: [RecallReason]], summaries: [EntrySummary], snapshot: Snapshot,
                                        configuration: Configuration) throws(LoreError) -> [RecalledEntry] {
        let kinds = Dictionary(summaries.map { ($0.path, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let order = RecallReason.Kind.allCases
        var entries: [RecalledEntry] = []
        for (path, found) in reasons {
            let kind = kinds[path] ?? ""
            var entry: Entry?
            do {
                if case .bytes(let bytes)? = try snapshot.contents(at: path, limit: configuration.maxFileSize) {
                    entry = FieldDerivation.apply(EntryParser.parse(path: path, kind: kind, bytes: bytes, readsFilesWithoutFrontMatter: true),
                                                  kind: configuration.kind(named: kind)).entry
                }
            } catch {
                throw .repository(error)
            }
            let sorted = found.sorted {
                (order.firstIndex(of: $0.kind) ?? 0, $0.via) < (order.firstIndex(of: $1.kind) ?? 0, $1.via)
            }
            entries.append(RecalledEntry(path: path, kind: kind, id: entry?.id, title: entry?.title,
                                         severity: entry?.frontMatter.text("severity"), date: entry?.date,
                                         status: entry?.status, reasons: sorted))
        }
        return ranked(entries)
    }

    /// `entries` most important first: severity (SEV1 first), then date (newest first), then
    /// number of reasons, then path.
    static func ranked(_ entries: [RecalledEntry]) -> [RecalledEntry] {
        entries.sorted { a, b in
            if a.severityRank != b.severityRank { return a.severityRank < b.severityRank }
            if (a.date ?? "") != (b.date ?? "") { return (a.date ?? "") > (b.date ?? "") }
            if a.reasons.count != b.reasons.count { return a.reasons.count > b.reasons.count }
            return a.path < b.path
        }
    }

    /// The base and head commits of `A..B`, `A...B` (both: from the merge base of A and B to B;
    /// an empty side means `HEAD`), or a single revision (from its first parent to it).
    static func revisionRange(_ text: String, in repository: Repository) throws(GitError) -> (base: ObjectID?, head: ObjectID) {
        guard let range = text.range(of: "..") else {
            let head = try repository.resolveCommit(text)
            return (try repository.readCommitHeader(head).parents.first, head)
        }
        var right = text[range.upperBound...]
        if right.hasPrefix(".") { right = right.dropFirst() }
        let left = text[..<range.lowerBound]
        let from = try repository.resolveCommit(left.isEmpty ? "HEAD" : String(left))
        let head = try repository.resolveCommit(right.isEmpty ? "HEAD" : String(right))
        return (try repository.mergeBase(from, head) ?? from, head)
    }

    /// A path as given on the command line, repository-relative: `./` and a leading `/` removed.
    static func normalize(_ path: String) -> GitPath {
        var text = path
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasPrefix("/") { text.removeFirst() }
        while text.hasSuffix("/") { text.removeLast() }
        return GitPath(text)
    }
}

extension MemoryRepository {
    /// The summaries of every entry of a snapshot (ids, links, `affects`, `commits`, open action
    /// items), in path order, from the check cache: only entries changed since the last run are parsed.
    public func summaries(of snapshot: Snapshot, configuration: Configuration) throws(LoreError) -> [EntrySummary] {
        try Checker.summaries(self, snapshot: snapshot, configuration: configuration)
    }
}
