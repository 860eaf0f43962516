import Foundation
import Git
import LoreKit

/// What a tool gives back: a short text for the model and the structured result (an object).
struct ToolOutput: Sendable {
    let text: String
    let structured: JSONValue
}

/// The tools, resources and prompts of `lore mcp`, each a call of the library function the
/// matching `lore` command makes (never a second implementation). Every call opens the
/// repository anew, so it reads the working tree as it is now; the caches in the git folder
/// (`lore/`) keep that fast. Calls run one at a time on one queue: a libgit2 handle is not
/// shared between threads.
final class MemoryService: Sendable {
    let root: String
    let allowWrite: Bool
    private let queue = DispatchQueue(label: "lore.mcp.memory")

    init(root: String, allowWrite: Bool) {
        self.root = root
        self.allowWrite = allowWrite
    }

    /// Runs `body` on the service's queue with a fresh session of the repository.
    func run<T: Sendable>(_ body: @escaping @Sendable (MemoryRepository) throws -> T) async throws -> T {
        let root = self.root
        let queue = self.queue
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.async {
                let memory: MemoryRepository
                do throws(LoreError) {
                    memory = try MemoryRepository(discoveringFrom: root)
                } catch {
                    continuation.resume(throwing: ToolFailure(error))
                    return
                }
                do {
                    let value = try body(memory)
                    continuation.resume(returning: value)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Waits until every call queued so far has finished.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    // MARK: - the organization

    /// With `org: true`, the organization's memory (`--org`): this repository and the last synced
    /// state of every source (`lore sources sync`), as `OrganizationView.load` reads it; else `nil`.
    static func organization(_ memory: MemoryRepository, _ args: Arguments, configuration: Configuration? = nil) throws -> OrganizationView? {
        guard try args.bool("org") == true else { return nil }
        do {
            let read: Configuration
            if let configuration { read = configuration } else { read = try memory.configuration(in: memory.snapshot(.workingTree)) }
            return try OrganizationView.load(memory, configuration: read)
        } catch let error as LoreError {
            throw ToolFailure(error)
        } catch let error as SourceProblem {
            throw ToolFailure("\(args.tool): \(error.message)")
        }
    }

    /// A tool's output with the organization's notes (sources never synced, unreadable or synced
    /// long ago) added: `notes` in the result, `note:` lines in the text.
    private static func noting(_ output: ToolOutput, _ view: OrganizationView?) -> ToolOutput {
        guard let view, !view.notes.isEmpty, case .object(var fields) = output.structured else { return output }
        fields["notes"] = .array(view.notes.map(JSONValue.string))
        return ToolOutput(text: output.text + view.notes.map { "note: \($0)\n" }.joined(), structured: .object(fields))
    }

    // MARK: - recall

    static func recall(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let paths = try args.strings("paths")
        let rev = try args.string("rev")
        let staged = try args.bool("staged") ?? false
        let given = (paths.isEmpty ? 0 : 1) + (rev == nil ? 0 : 1) + (staged ? 1 : 0)
        if given == 0 { throw ToolFailure("recall: say what changed: 'paths' (repository paths), 'rev' (A..B or one commit), or 'staged': true") }
        if given > 1 { throw ToolFailure("recall: give only one of 'paths', 'rev' and 'staged'") }
        let limit = try args.int("limit", default: 20, range: 1...100)
        let offset = try args.offset()
        let changes: RecallChanges
        if staged {
            changes = .staged
        } else if let rev {
            changes = .revisions(rev)
        } else {
            changes = .paths(paths.map(normalise))
        }
        var recall: Recall
        do {
            recall = try Recall.find(memory, changes: changes)
        } catch {
            throw ToolFailure(error)
        }
        if try args.bool("org") == true {
            // As `lore recall --org`: the snapshot the change leads to, joined with every synced source.
            let corpus: Corpus
            do {
                corpus = try memory.corpus(Recall.snapshotSource(of: changes, in: memory.repository))
            } catch {
                throw ToolFailure(error)
            }
            if let view = try organization(memory, args, configuration: corpus.configuration) {
                recall = recall.includingOrganization(view, corpus: corpus)
                recall = Recall(changedPaths: recall.changedPaths, entries: recall.entries, notes: recall.notes + view.notes)
            }
        }
        guard case .object(var fields) = recall.jsonValue(), case .array(let records)? = fields["entries"] else {
            return ToolOutput(text: recall.text(), structured: recall.jsonValue())
        }
        let (shown, next) = page(records, offset: offset, limit: limit, scope: "recall")
        fields["entries"] = .array(shown)
        fields["total"] = .number(records.count)
        fields["next_cursor"] = .optional(next)
        fields["changed_count"] = .number(recall.changedPaths.count)
        if recall.changedPaths.count > Limits.changedPaths {
            fields["changed"] = .array(recall.changedPaths.prefix(Limits.changedPaths).map { .string($0.description) })
        }
        let page = Recall(changedPaths: recall.changedPaths, entries: Array(recall.entries.dropFirst(offset).prefix(limit)), notes: recall.notes)
        var text = page.text()
        if offset > 0 || next != nil { text += "\n(entries \(offset + 1)–\(offset + shown.count) of \(records.count)\(next == nil ? "" : "; pass next_cursor for more"))\n" }
        for note in recall.notes { text += "note: \(note)\n" }
        return ToolOutput(text: text, structured: .object(fields))
    }

    /// A path as an agent may write it (`./src/a.go`, `src//a.go`) as git names it.
    private static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    // MARK: - search, similar

    static func search(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let query = try args.requiredString("query", maxBytes: 2000)
        let limit = try args.int("limit", default: 10, range: 1...100)
        let offset = try args.offset()
        let filter = try entryQuery(memory, args)
        let view = try organization(memory, args)
        let hits = try searchHits(memory, text: query, filter: filter, count: offset + limit + 1, view: view)
        return noting(searchOutput(hits, offset: offset, limit: limit, scope: "search", heading: "results for \(query)"), view)
    }

    static func similar(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let text = try args.requiredString("text", maxBytes: Limits.argumentText)
        let limit = try args.int("limit", default: 5, range: 1...50)
        let filter = try entryQuery(memory, args)
        let terms = SignificantTerms.extract(text)
        guard !terms.isEmpty else {
            throw ToolFailure("similar: the text has no significant words to compare (only short or common words)")
        }
        let view = try organization(memory, args)
        let hits = try searchHits(memory, text: terms.joined(separator: " OR "), filter: filter, count: limit, view: view)
        var output = searchOutput(hits, offset: 0, limit: limit, scope: "similar", heading: "entries similar to the text")
        if case .object(var fields) = output.structured {
            fields["terms"] = .array(terms.map(JSONValue.string))
            output = ToolOutput(text: "terms: \(terms.joined(separator: ", "))\n" + output.text, structured: .object(fields))
        }
        return noting(output, view)
    }

    private static func searchHits(_ memory: MemoryRepository, text: String, filter: EntryQuery, count: Int,
                                   view: OrganizationView? = nil) throws -> [SearchHit] {
        let request = SearchRequest(text: text, filter: filter, limit: count)
        do {
            if let view { return try OrganizationSearch.search(request, memory: memory, in: .workingTree, view: view) }
            return try SearchIndex(memory).search(request, in: .workingTree)
        } catch {
            switch error {
            case .lore(let error): throw ToolFailure(error)
            case .query, .index: throw ToolFailure(error.description)
            }
        }
    }

    private static func searchOutput(_ hits: [SearchHit], offset: Int, limit: Int, scope: String, heading: String) -> ToolOutput {
        let shown = Array(hits.dropFirst(offset).prefix(limit))
        let next = hits.count > offset + limit ? Cursor.encode(offset + limit, scope: scope) : nil
        let records: [JSONValue] = shown.map { hit in
            .object(["path": .string(hit.path), "kind": .string(hit.kind), "id": .optional(hit.id), "title": .optional(hit.title),
                     "date": .optional(hit.date), "status": .optional(hit.status), "snippet": .string(hit.snippet),
                     "score": .string(String(format: "%.3f", hit.score))])
        }
        var text = shown.isEmpty ? "no \(heading)\n" : "\(shown.count) \(heading)\(next == nil ? "" : " (more: pass next_cursor)")\n"
        for hit in shown {
            text += "\n\(hit.id ?? "-")  \(hit.kind)  \(hit.date ?? "-")  \(hit.title ?? hit.path)\n  \(hit.path)\n  \(hit.snippet)\n"
        }
        return ToolOutput(text: text, structured: .object(["hits": .array(records), "next_cursor": .optional(next)]))
    }

    /// `kind`, `status`, `tags`, `since` and `where`, as `lore list --where` reads them.
    private static func entryQuery(_ memory: MemoryRepository, _ args: Arguments, sort: FieldSort? = nil) throws -> EntryQuery {
        let kind = try args.string("kind")
        let configuration: Configuration
        do {
            configuration = try memory.configuration(in: memory.snapshot(.workingTree))
        } catch {
            throw ToolFailure(error)
        }
        if let kind, configuration.kind(named: kind) == nil {
            throw ToolFailure("\(args.tool): unknown kind '\(kind)'; this repository has \(configuration.kinds.map(\.name).joined(separator: ", "))")
        }
        do {
            let query = try EntryQuery(kind: kind, status: try args.string("status"), tags: try args.strings("tags"),
                                       since: try args.date("since"), where: try args.strings("where"), sort: sort)
            try query.validate(in: configuration)
            return query
        } catch let error as FilterSyntaxError {
            throw ToolFailure("\(args.tool): \(error.description)")
        }
    }

    // MARK: - list_entries

    static func listEntries(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let limit = try args.int("limit", default: 50, range: 1...200)
        let offset = try args.offset()
        var order: FieldSort?
        if let sort = try args.string("sort") {
            do { order = try FieldSort(sort) } catch { throw ToolFailure("list_entries: \(error.description)") }
        }
        let query = try entryQuery(memory, args, sort: order)
        var corpus: Corpus
        do {
            corpus = try memory.corpus(.workingTree)
        } catch {
            throw ToolFailure(error)
        }
        let view = try organization(memory, args, configuration: corpus.configuration)
        if let view { corpus = view.merge(corpus) }
        // As `lore list`: by kind in configuration order, then by path; `sort` reorders stably.
        let rank = Dictionary(uniqueKeysWithValues: corpus.configuration.kinds.enumerated().map { ($1.name, $0) })
        let entries = query.select(corpus.entries.enumerated()
            .sorted { (rank[$0.element.kind] ?? 0, $0.offset) < (rank[$1.element.kind] ?? 0, $1.offset) }
            .map(\.element), in: corpus.configuration)
        let (shown, next) = page(entries, offset: offset, limit: limit, scope: "list_entries")
        let records: [JSONValue] = shown.map { entry in
            .object(["id": .optional(entry.id), "kind": .string(entry.kind), "title": .optional(entry.title), "date": .optional(entry.date),
                     "status": .optional(entry.status), "path": .string(entry.path.description),
                     "uri": .string(Resources.entryURI(entry.id ?? entry.path.description))])
        }
        var text = "\(entries.count) entr\(entries.count == 1 ? "y" : "ies")"
        text += shown.isEmpty ? "\n" : ", showing \(offset + 1)–\(offset + shown.count)\(next == nil ? "" : " (more: pass next_cursor)")\n"
        for entry in shown {
            text += "\(entry.id ?? "-")  \(entry.kind)  \(entry.date ?? "-")  \(entry.status ?? "-")  \(entry.title ?? entry.path.description)\n"
        }
        return noting(ToolOutput(text: text, structured: .object(["entries": .array(records), "total": .number(entries.count),
                                                                  "next_cursor": .optional(next)])), view)
    }

    // MARK: - get_entry

    static func getEntry(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let id = try args.requiredString("id")
        let view = try organization(memory, args)
        let index: MemoryIndex
        do {
            index = try MemoryIndex.load(memory, source: .workingTree, organization: view)
        } catch {
            throw ToolFailure(error)
        }
        let matches = index.corpus.entries(withID: id) + index.corpus.entries.filter { $0.path.description == id && $0.id != id }
        guard let entry = matches.first else {
            throw ToolFailure("get_entry: no entry with id or path '\(id)'; find ids with search or list_entries")
        }
        guard case .object(var record) = MemoryIndex.record(entry, graph: index.graph, history: index.history, organization: view) else {
            throw ToolFailure("get_entry: the entry could not be rendered")
        }
        if case .array(let sections)? = record["sections"] {
            record["sections"] = .array(sections.map { section in
                guard case .object(var fields) = section, case .string(let text)? = fields["text"], text.count > Limits.sectionText else { return section }
                fields["text"] = .string(String(text.prefix(Limits.sectionText)) + " … [cut; read the whole entry at \(Resources.entryURI(id))]")
                return .object(fields)
            })
        }
        if matches.count > 1 { record["duplicates"] = .array(matches.dropFirst().map { .string($0.path.description) }) }
        record["uri"] = .string(Resources.entryURI(entry.id ?? entry.path.description))
        var text = "\(entry.id ?? "(no id)")  \(entry.title ?? "(no title)")\npath: \(entry.path)\nkind: \(entry.kind)\n"
        for pair in entry.frontMatter.fields where !["id", "title"].contains(pair.key.text) {
            text += "\(pair.key.text): \(inline(JSONValue(pair.value)))\n"
        }
        for section in entry.sectionTexts { text += "\n## \(section.title)\n\(section.text)\n" }
        let outgoing = index.graph.outgoing(entry.path).compactMap { link -> String? in
            link.targetEntry.map { "\(link.field ?? link.kind.rawValue) → \(index.graph.id(at: $0) ?? $0.description)" }
        }
        let incoming = index.graph.incoming(entry.path).map { link -> String in
            if let commit = link.commit { return "trailer in commit \(commit.prefix(12))" }
            return "\(link.field ?? link.kind.rawValue) ← \(link.source.flatMap { index.graph.id(at: $0) } ?? link.source?.description ?? "-")"
        }
        if !outgoing.isEmpty { text += "\nlinks out: \(outgoing.joined(separator: "; "))\n" }
        if !incoming.isEmpty { text += "links in: \(incoming.joined(separator: "; "))\n" }
        if let history = index.history.history(of: entry.path), let created = history.created {
            text += "history: created \(created.timestamp) by \(created.author.name), \(history.commitCount) commit\(history.commitCount == 1 ? "" : "s")\n"
        }
        if matches.count > 1 { text += "warning: \(matches.count) entries have the id '\(id)': \(matches.map(\.path.description).joined(separator: ", "))\n" }
        return noting(ToolOutput(text: text, structured: .object(record)), view)
    }

    private static func inline(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text.replacingOccurrences(of: "\n", with: "\\n")
        case .number(let n): return String(n)
        case .bool(let b): return String(b)
        case .null: return ""
        case .array(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .object(let fields): return "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \(inline($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: - action_items

    static func actionItems(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let owner = try args.string("owner")
        let service = try args.string("service")
        let state = try args.oneOf("state", ["open", "overdue", "all"], default: "open")
        let grouping = ActionItemReport.Grouping(rawValue: try args.oneOf("by", ["entry", "owner", "service"], default: "entry"))!
        let today = try args.date("today") ?? LocalDate.today()
        let limit = try args.int("limit", default: 50, range: 1...200)
        let offset = try args.offset()
        let query = try entryQuery(memory, args)
        let report: ActionItemReport
        let view = try organization(memory, args)
        do {
            let snapshot = try memory.snapshot(.workingTree)
            var corpus = try memory.corpus(of: snapshot, configuration: memory.configuration(in: snapshot))
            if let view { corpus = view.merge(corpus) }
            let history = try memory.history(of: snapshot, configuration: corpus.configuration)
            let repository = memory.repository
            let commits = ActionItemReport.commits(history: history, resolve: { repository.commitID(prefix: $0)?.hex },
                                                  message: { ObjectID(hex: $0).flatMap { try? repository.readCommitHeader($0).message } })
            report = ActionItemReport(corpus: corpus, query: query, today: today, grouping: grouping, commits: commits) { item in
                (owner == nil || item.owner == owner) && (service == nil || item.services.contains(service!))
                    && (state == "all" || item.state == .overdue || (state == "open" && item.state == .open))
            }
        } catch {
            throw ToolFailure(error)
        }
        // Paged by item across the groups, in the report's order.
        let flat = report.groups.flatMap { group in group.items.map { (group: group.name, item: $0) } }
        let (shown, next) = page(flat, offset: offset, limit: limit, scope: "action_items")
        var groups: [(String, [ActionItemRecord])] = []
        for pair in shown {
            if groups.last?.0 == pair.group { groups[groups.count - 1].1.append(pair.item) } else { groups.append((pair.group, [pair.item])) }
        }
        let encoded: [JSONValue] = groups.map { name, items in
            .object(["name": .string(name), "items": .array(items.map(Self.record))])
        }
        var text = ""
        for (name, items) in groups {
            text += "\(name)\n"
            for item in items {
                text += "  [\(item.state.rawValue)] \(item.title)"
                if grouping != .entry { text += " (\(item.entry))" }
                if grouping != .owner, let owner = item.owner { text += " — \(owner)" }
                if let due = item.due { text += ", due \(due)" }
                text += "\n"
            }
        }
        let counts = report.counts
        text += "\(counts["total"] ?? 0) action items: \(counts["open"] ?? 0) open, \(counts["overdue"] ?? 0) overdue, "
            + "\(counts["done"] ?? 0) done, \(counts["wont-do"] ?? 0) won't do (today \(today))\(next == nil ? "" : "; more: pass next_cursor")\n"
        return noting(ToolOutput(text: text, structured: .object([
            "today": .string(today), "groups": .array(encoded), "counts": .object(counts.mapValues(JSONValue.number)),
            "next_cursor": .optional(next),
        ])), view)
    }

    private static func record(_ item: ActionItemRecord) -> JSONValue {
        .object(["entry": .string(item.entry), "entry_title": .optional(item.entryTitle), "path": .string(item.path),
                 "services": .array(item.services.map(JSONValue.string)), "title": .string(item.title), "owner": .optional(item.owner),
                 "due": .optional(item.due), "status": .string(item.status), "link": .optional(item.link), "line": .number(item.line),
                 "state": .string(item.state.rawValue), "commits": .array(item.commits.map(JSONValue.string))])
    }

    // MARK: - check_draft

    static func checkDraft(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let text = try args.requiredString("text", maxBytes: Limits.argumentText)
        let today = try args.date("today")
        let configuration: Configuration
        do {
            configuration = try memory.configuration(in: memory.snapshot(.workingTree))
        } catch {
            throw ToolFailure(error)
        }
        let path: GitPath
        if let given = try args.string("path") {
            let clean = normalisedEntryPath(given)
            guard let clean, configuration.kind(containing: GitPath(clean)) != nil, EntryFileFilter.isEntry(GitPath(clean)) else {
                throw ToolFailure("check_draft: 'path' must be a Markdown file inside a kind's folder "
                    + "(\(configuration.kinds.map { "\($0.dir)/" }.joined(separator: ", "))), not '\(given)'")
            }
            path = GitPath(clean)
        } else {
            let kindName = try args.string("kind") ?? "postmortem"
            guard let kind = configuration.kind(named: kindName) else {
                throw ToolFailure("check_draft: unknown kind '\(kindName)'; this repository has \(configuration.kinds.map(\.name).joined(separator: ", "))")
            }
            path = GitPath("\(kind.dir)/draft-under-review.md")
        }
        let report: CheckReport
        do {
            report = try Checker.checkDraft(memory, source: .workingTree, path: path, text: Array(text.utf8), today: today)
        } catch {
            throw ToolFailure(error)
        }
        let findings: [JSONValue] = report.diagnostics.prefix(200).map { diagnostic in
            .object(["line": .number(diagnostic.position.line), "column": .number(diagnostic.position.column),
                     "severity": .string(diagnostic.severity == .error ? "error" : "warning"), "rule": .string(diagnostic.code),
                     "message": .string(diagnostic.message)])
        }
        var out = report.diagnostics.isEmpty ? "no findings: `lore check` would accept this entry at \(path)\n" : ""
        for diagnostic in report.diagnostics.prefix(200) { out += diagnostic.description + "\n" }
        out += "\(report.errorCount) error\(report.errorCount == 1 ? "" : "s"), \(report.warningCount) warning\(report.warningCount == 1 ? "" : "s")\n"
        return ToolOutput(text: out, structured: .object([
            "path": .string(path.description), "findings": .array(findings), "errors": .number(report.errorCount),
            "warnings": .number(report.warningCount), "ok": .bool(report.errorCount == 0),
        ]))
    }

    /// A repository-relative path without `.` or `..` parts, or `nil` when it leaves the repository.
    static func normalisedEntryPath(_ path: String) -> String? {
        guard !path.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                guard parts.popLast() != nil else { return nil }
            } else {
                parts.append(part)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    // MARK: - superseded

    static func superseded(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let id = try args.requiredString("id")
        let graph: LinkGraph
        do {
            let snapshot = try memory.snapshot(.workingTree)
            let corpus = try memory.corpus(of: snapshot, configuration: memory.configuration(in: snapshot))
            graph = try memory.linkGraph(of: corpus, snapshot: snapshot)
        } catch {
            throw ToolFailure(error)
        }
        guard let entry = graph.entry(id: id) ?? graph.entries.first(where: { $0.path.description == id }) else {
            throw ToolFailure("superseded: no entry with id or path '\(id)'; find ids with search or list_entries")
        }
        let chain = SupersessionChain(of: entry.path, in: graph)
        func describe(_ path: GitPath) -> JSONValue {
            let e = graph.entry(at: path)
            return .object(["id": .optional(e?.id), "title": .optional(e?.title), "status": .optional(e?.status), "date": .optional(e?.date),
                            "path": .string(path.description)])
        }
        let current = graph.entry(at: chain.current)
        var text: String
        if chain.successors.isEmpty {
            text = "\(entry.id ?? id) is not superseded: follow it (status \(entry.status ?? "-"))\n"
        } else {
            text = "\(entry.id ?? id) is superseded; follow \(current?.id ?? chain.current.description) (\(current?.title ?? ""))\n"
            text += "chain: " + ([entry.path] + chain.successors).map { graph.id(at: $0) ?? $0.description }.joined(separator: " → ") + "\n"
        }
        if chain.cycle { text += "warning: the supersession chain has a cycle (lore check reports supersession-cycle)\n" }
        for (from, next) in chain.branches.sorted(by: { $0.key < $1.key }) {
            text += "warning: \(graph.id(at: from) ?? from.description) has \(next.count) successors: \(next.map { graph.id(at: $0) ?? $0.description }.joined(separator: ", ")); the chain follows the first\n"
        }
        return ToolOutput(text: text, structured: .object([
            "entry": describe(entry.path), "superseded": .bool(!chain.successors.isEmpty),
            "chain": .array(chain.successors.map(describe)), "current": describe(chain.current),
            "cycle": .bool(chain.cycle), "truncated": .bool(chain.truncated),
            "branches": .object(Dictionary(uniqueKeysWithValues: chain.branches.map { key, value in
                (graph.id(at: key) ?? key.description, JSONValue.array(value.map(describe)))
            })),
        ]))
    }

    // MARK: - create_entry

    static func createEntry(_ memory: MemoryRepository, _ args: Arguments) throws -> ToolOutput {
        let kind = try args.requiredString("kind")
        let title = try args.requiredString("title")
        let date = try args.date("date")
        let links = try args.strings("links")
        var values: [(key: String, value: String)] = []
        if let given = args.values["values"], !given.isNull {
            guard case .object(let fields) = given else { throw ToolFailure("create_entry: 'values' must be an object of field names to values") }
            if fields.count > 100 { throw ToolFailure("create_entry: 'values' has more than 100 fields") }
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                switch value {
                case .string(let text) where text.utf8.count <= Limits.argumentString: values.append((key, text))
                case .int(let n): values.append((key, String(n)))
                case .bool(let b): values.append((key, String(b)))
                case .array(let items):
                    let texts = items.compactMap(\.stringValue)
                    guard texts.count == items.count, !texts.contains(where: { $0.contains(",") }) else {
                        throw ToolFailure("create_entry: the list '\(key)' must hold strings without commas")
                    }
                    values.append((key, texts.joined(separator: ",")))
                default: throw ToolFailure("create_entry: the value of '\(key)' must be a string, a number, true/false or a list of strings")
                }
            }
        }
        var request = NewEntryRequest(kind: kind, title: title, values: values, links: links, date: date,
                                      author: memory.authorName(environment: ProcessInfo.processInfo.environment))
        request.values = values
        let entry: NewEntry
        do {
            let scaffold = try EntryScaffold(memory: memory)
            let missing = try scaffold.missingValues(request)
            if !missing.isEmpty {
                throw ToolFailure("create_entry: a \(kind) needs " + missing.map { value in
                    value.name + (value.allowed.isEmpty ? "" : " (one of \(value.allowed.joined(separator: ", ")))")
                }.joined(separator: ", ") + ": add them to 'values'")
            }
            entry = try scaffold.create(request)
        } catch let error as EditError {
            throw ToolFailure(error)
        }
        let uri = Resources.entryURI(entry.id)
        return ToolOutput(text: "created \(entry.path) (\(entry.id)); fill in its sections, then check it with check_draft\n",
                          structured: .object(["id": .string(entry.id), "path": .string(entry.path.description), "uri": .string(uri),
                                               "kind": .string(entry.kind.name)]))
    }
}

/// The words of a text that say most about it, for `similar`: words of three letters or more,
/// not common English words, the most frequent first (ties in order of appearance), at most 16.
/// They are searched with OR, so BM25 ranks the entries sharing the most (and rarest) of them first.
enum SignificantTerms {
    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out", "has",
        "have", "been", "from", "this", "that", "with", "they", "will", "would", "there", "their", "what", "when", "which",
        "were", "then", "than", "them", "into", "some", "could", "about", "after", "before", "over", "under", "also", "only",
        "more", "most", "such", "very", "just", "because", "while", "where", "who", "why", "how", "its", "his", "she", "him",
        "did", "does", "doing", "done", "being", "each", "other", "these", "those", "should", "may", "might", "must", "shall",
        "again", "once", "here", "both", "few", "own", "same", "too", "off", "own", "yet", "per", "via", "let", "get", "got",
    ]

    static func extract(_ text: String, count: Int = 16) -> [String] {
        var frequency: [String: Int] = [:]
        var order: [String] = []
        var scanned = 0
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            scanned += 1
            if scanned > 200_000 { break }
            guard word.count >= 3, word.count <= 40, !stopWords.contains(String(word)) else { continue }
            let key = String(word)
            if frequency[key] == nil { order.append(key) }
            frequency[key, default: 0] += 1
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return order.sorted { (frequency[$0]!, -position[$0]!) > (frequency[$1]!, -position[$1]!) }.prefix(count).map { $0 }
    }
}
