import Foundation
import Git

/// Everything Lore knows about one snapshot: entries, their links both ways and their history.
/// `lore index` writes it as the versioned JSON format of `docs/index.schema.json`.
public struct MemoryIndex: Sendable {
    /// The version of the JSON format (`version` in the output).
    public static let formatVersion = 1

    /// The entries and the problems found reading them.
    public let corpus: Corpus
    /// Every link, resolved.
    public let graph: LinkGraph
    /// The history of every committed entry.
    public let history: RepositoryHistory
    /// The organization's view the corpus was joined with (`--org`), else `nil`: then each record
    /// says which source it comes from.
    public var organization: OrganizationView? = nil

    /// Reads the snapshot `source` of `memory`: entries, links, history (one walk, cached).
    /// With `organization`, every synced source's entries join the snapshot's (`--org`).
    public static func load(_ memory: MemoryRepository, source: SnapshotSource, organization: OrganizationView? = nil,
                            progress: ((Int) -> Void)? = nil) throws(LoreError) -> MemoryIndex {
        let snapshot = try memory.snapshot(source)
        let configuration = try memory.configuration(in: snapshot)
        var corpus = try memory.corpus(of: snapshot, configuration: configuration)
        if let organization { corpus = organization.merge(corpus) }
        let history = try memory.history(of: snapshot, configuration: configuration, progress: progress)
        let graph = try memory.linkGraph(of: corpus, snapshot: snapshot, history: history)
        return MemoryIndex(corpus: corpus, graph: graph, history: history, organization: organization)
    }

    /// A note to print once when history is incomplete, else `nil`.
    public var historyNote: String? { history.isPartial ? RepositoryHistory.shallowNote : nil }

    /// The index's header: format, version, snapshot and history (the first line of `jsonl`).
    public var header: JSONValue {
        let source: String, revision: JSONValue
        switch corpus.source {
        case .workingTree: (source, revision) = ("working-tree", .null)
        case .index: (source, revision) = ("index", .null)
        case .revision(let rev): (source, revision) = ("revision", .string(rev))
        }
        return .object([
            "format": .string("lore-index"),
            "version": .number(Self.formatVersion),
            "snapshot": .object(["source": .string(source), "revision": revision,
                                 "commit": history.tip.map(JSONValue.string) ?? .null]),
            "history": .object(["partial": .bool(history.isPartial), "commits": .number(history.commitCount)]),
        ])
    }

    /// The JSON record of each entry, in path order.
    public func entryRecords() -> [JSONValue] {
        let graph = self.graph, history = self.history, organization = self.organization
        return corpus.entries.parallelMap { entry in Self.record(entry, graph: graph, history: history, organization: organization) }
    }

    /// Trailers naming ids no entry has.
    public var unresolvedTrailers: [JSONValue] {
        graph.links.filter { $0.kind == .trailer && !$0.isResolved }.map { link in
            .object(["commit": .string(link.commit ?? ""), "id": .string(link.written),
                     "line": .number(link.position.line), "column": .number(link.position.column)])
        }
    }

    /// The whole index as JSON bytes: one pretty document (`lines` false) or JSON Lines (a header
    /// line, then one line per entry). The same snapshot gives the same bytes everywhere. Entries
    /// are rendered on every core, each at the depth it has in the document.
    public func render(lines: Bool) -> [UInt8] { render(lines: lines, reusing: nil).bytes }

    /// The index's bytes as `render(lines:)` gives them, taking each entry's record from
    /// `previous` (an earlier rendering in the same form) when the inputs it was rendered from —
    /// the entry's blob, its links both ways as resolved, its history — have the same digest, and
    /// rendering only the others. Also returns where each record lies, with its digest, for the
    /// next run (entries without a blob id, read without the parse cache, are always rendered).
    package func render(lines: Bool, reusing previous: IndexRecordLayout?) -> (bytes: [UInt8], layout: IndexRecordLayout) {
        let graph = self.graph, history = self.history, organization = self.organization, blobs = corpus.blobs
        let digests = organization == nil && !blobs.isEmpty
        let pieces = corpus.entries.parallelMap { entry -> (digest: [UInt8]?, bytes: ArraySlice<UInt8>, fresh: Bool) in
            let digest = digests ? blobs[entry.path].map { Self.recordDigest(entry, blob: $0, graph: graph, history: history) } : nil
            if let digest, let previous, let old = previous.record(entry.path.description, digest: digest) {
                return (digest, old, false)
            }
            var writer = JSONWriter(pretty: !lines)
            writer.write(Self.record(entry, graph: graph, history: history, organization: organization), depth: lines ? 0 : 2)
            return (digest, writer.bytes[...], true)
        }
        var places: [IndexRecordLayout.Place] = []
        places.reserveCapacity(pieces.count)
        func place(_ index: Int, at offset: Int) {
            guard let digest = pieces[index].digest else { return }
            places.append(.init(path: corpus.entries[index].path.description, digest: digest, offset: offset,
                                length: pieces[index].bytes.count))
        }
        let rendered = pieces.reduce(0) { $0 + ($1.fresh ? 1 : 0) }
        var writer = JSONWriter(pretty: !lines)
        if lines {
            writer.write(header)
            writer.append("\n")
            for (index, piece) in pieces.enumerated() {
                place(index, at: writer.bytes.count)
                writer.append(rendered: piece.bytes)
                writer.append("\n")
            }
            return (writer.bytes, IndexRecordLayout(places: places, rendered: rendered))
        }
        guard case .object(let document) = header else { return ([], IndexRecordLayout(places: [], rendered: 0)) }
        // The document's keys in sorted order, as JSONWriter writes every object.
        writer.writeObject(depth: 0) { fields in
            fields.field("entries") {
                $0.writeArray(Array(pieces.indices), depth: 1) { writer, index in
                    place(index, at: writer.bytes.count)
                    writer.append(rendered: pieces[index].bytes)
                }
            }
            for key in ["format", "history", "snapshot"] { fields.field(key) { $0.write(document[key]!, depth: 1) } }
            fields.field("unresolved_trailers") { $0.write(.array(unresolvedTrailers), depth: 1) }
            fields.field("version") { $0.write(document["version"]!, depth: 1) }
        }
        writer.append("\n")
        return (writer.bytes, IndexRecordLayout(places: places, rendered: rendered))
    }

    /// A 128-bit digest of everything an entry's record is made from: its blob (its content),
    /// path and kind, its outgoing and incoming links as resolved (with the ids at either end), and
    /// its history. Two runs giving an entry the same digest render the same record bytes.
    static func recordDigest(_ entry: Entry, blob: ObjectID, graph: LinkGraph, history: RepositoryHistory) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func text(_ value: String) { ByteWriter.string(value, into: &out) }
        func optional(_ value: String?) {
            if let value { out.append(1); text(value) } else { out.append(0) }
        }
        func number(_ value: Int) { ByteWriter.varint(value, into: &out); out.append(value < 0 ? 1 : 0) }
        func commit(_ summary: CommitSummary?) {
            guard let summary else { out.append(0); return }
            out.append(1)
            text(summary.id)
            text(summary.timestamp)
            text(summary.author.name)
            text(summary.author.email)
        }
        out += blob.raw
        text(entry.path.description)
        text(entry.kind)
        let outgoing = graph.outgoing(entry.path)
        number(outgoing.count)
        for link in outgoing {
            text(link.kind.rawValue)
            optional(link.field)
            text(link.written)
            number(link.position.line)
            number(link.position.column)
            switch link.target {
            case .entry(let path): out.append(1); text(path.description); optional(graph.id(at: path))
            case .file(let path): out.append(2); text(path.description)
            case .commit(let id): out.append(3); text(id)
            case .code: out.append(4)
            case .unresolved: out.append(5)
            }
        }
        let incoming = graph.incoming(entry.path)
        number(incoming.count)
        for link in incoming {
            text(link.kind.rawValue)
            optional(link.field)
            optional(link.source?.description)
            optional(link.source.flatMap { graph.id(at: $0) })
            optional(link.commit)
            number(link.position.line)
            number(link.position.column)
        }
        if let lineage = history.history(of: entry.path) {
            out.append(1)
            commit(lineage.created)
            commit(lineage.updated)
            number(lineage.authors.count)
            for person in lineage.authors { text(person.name); text(person.email) }
            number(lineage.commitCount)
            number(lineage.previousPaths.count)
            for path in lineage.previousPaths { text(path.description) }
            out.append(lineage.partial ? 1 : 0)
        } else {
            out.append(0)
        }
        return IndexRecordLayout.digest(out[...])
    }

    /// The index record of one entry; with `organization`, it names its `source` (null for this
    /// repository) and a source's entry keeps the history its own index gave.
    public static func record(_ entry: Entry, graph: LinkGraph, history: RepositoryHistory,
                              organization: OrganizationView? = nil) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        var fields: [String: JSONValue] = [:]
        for pair in entry.frontMatter.fields { fields[pair.key.text] = JSONValue(pair.value) }
        let sections: [JSONValue] = entry.sectionTexts.map {
            .object(["title": .string($0.title), "line": .number($0.line), "text": .string($0.text)])
        }
        var actionItems: [JSONValue] = []
        if case .sequence(let items, _)? = entry.frontMatter["action_items"] {
            for item in items {
                guard case .mapping(let pairs, _) = item else { continue }
                func value(_ key: String) -> JSONValue {
                    guard let scalar = pairs.first(where: { $0.key.text == key })?.value.scalar, !scalar.isNull else { return .null }
                    return .string(scalar.text)
                }
                let status = value("status")
                actionItems.append(.object(["title": value("title"), "owner": value("owner"), "due": value("due"),
                                            "status": status == .null ? .string("open") : status, "link": value("link")]))
            }
        }
        let outgoing: [JSONValue] = graph.outgoing(entry.path).map { link in
            var target: JSONValue = .null
            var targetID: JSONValue = .null
            switch link.target {
            case .entry(let path):
                target = .string(path.description)
                targetID = optional(graph.id(at: path))
            case .file(let path): target = .string(path.description)
            case .commit(let id): target = .string(id)
            case .code, .unresolved: break
            }
            return .object(["kind": .string(link.kind.rawValue), "field": optional(link.field), "written": .string(link.written),
                            "line": .number(link.position.line), "column": .number(link.position.column),
                            "resolved": .bool(link.isResolved), "target": target, "target_id": targetID])
        }
        let incoming: [JSONValue] = graph.incoming(entry.path).map { link in
            .object(["kind": .string(link.kind.rawValue), "field": optional(link.field),
                     "from": link.source.map { .string($0.description) } ?? .null,
                     "from_id": optional(link.source.flatMap { graph.id(at: $0) }),
                     "commit": optional(link.commit),
                     "line": .number(link.position.line), "column": .number(link.position.column)])
        }
        let entryHistory: JSONValue = organization?.history(of: entry.path) ?? history.history(of: entry.path).map(Self.historyRecord) ?? .null
        var record: [String: JSONValue] = [
            "id": optional(entry.id), "kind": .string(entry.kind), "path": .string(entry.path.description),
            "title": optional(entry.title), "date": optional(entry.date), "status": optional(entry.status),
            "tags": .array(entry.tags.map(JSONValue.string)), "authors": .array(entry.authors.map(JSONValue.string)),
            "fields": .object(fields), "sections": .array(sections), "summary": .string(entry.summary),
            "action_items": .array(actionItems),
            "links": .object(["out": .array(outgoing), "in": .array(incoming)]),
            "history": entryHistory,
        ]
        if let organization { record["source"] = (organization.source(of: entry.path) ?? organization.localName).map(JSONValue.string) ?? .null }
        return .object(record)
    }

    static func historyRecord(_ history: EntryHistory) -> JSONValue {
        func person(_ person: Person) -> JSONValue { .object(["name": .string(person.name), "email": .string(person.email)]) }
        func commit(_ commit: CommitSummary?) -> JSONValue {
            guard let commit else { return .null }
            return .object(["id": .string(commit.id), "time": .string(commit.timestamp), "author": person(commit.author)])
        }
        return .object([
            "created": commit(history.created), "updated": commit(history.updated),
            "authors": .array(history.authors.map(person)), "commits": .number(history.commitCount),
            "previous_paths": .array(history.previousPaths.map { .string($0.description) }),
            "partial": .bool(history.partial),
        ])
    }
}
