import Foundation
import GRDB
import Git

/// `lore search --org`: one search over this repository and every synced source, ranked by the
/// same rules as `SearchIndex` (BM25, title × 10, fields × 4, body × 1) in one FTS5 table, so
/// scores compare across repositories. Ids and paths of other repositories are qualified
/// (`payments:PM-0001`, `payments:postmortems/a.md`).
///
/// What is searched of a synced source: a `git:` source's entries are read whole from its mirror at
/// the synced commit; an `index:` source keeps only what its index.json carries — title, fields,
/// summary and each section's title and opening text (`EntrySection.keptLength` bytes) — and that
/// is what is searched. The table is built in memory for each search.
public enum OrganizationSearch {
    /// Searches `view`'s memory: this repository's snapshot `source` (unless `--source` left it out)
    /// and every synced source the view read.
    public static func search(_ request: SearchRequest, memory: MemoryRepository, in source: SnapshotSource,
                              view: OrganizationView) throws(SearchError) -> [SearchHit] {
        let expression: String
        do { expression = try SearchQuery.ftsExpression(request.text) } catch { throw .query(error) }
        let snapshot: Snapshot
        let configuration: LoreCore.Configuration
        let local: Corpus
        do {
            snapshot = try memory.snapshot(source)
            configuration = try memory.configuration(in: snapshot)
            local = try memory.corpus(of: snapshot, configuration: configuration)
        } catch {
            throw .lore(error)
        }
        let store = SourceStore(repository: memory.repository)
        do {
            let database = try DatabaseQueue()
            try database.write { db in
                try SearchIndex.createSchema(db)
                if view.includesLocal {
                    for entry in local.entries {
                        guard case .bytes(let bytes)? = try? snapshot.contents(at: entry.path, limit: configuration.maxFileSize) else { continue }
                        try add(entry, body: SearchDocument.body(of: bytes, from: entry.bodyLine), db)
                    }
                }
                for synced in view.sources {
                    let mirror = store.mirrorSnapshot(synced, caching: memory.caching)
                    for entry in synced.entries {
                        try add(entry, body: body(of: entry, source: synced.name, mirror: mirror, limit: configuration.maxFileSize), db)
                    }
                }
            }
            return try SearchIndex.query(database, expression: expression, request: request, configuration: configuration)
        } catch let error as SearchError {
            throw error
        } catch {
            throw .index("\(error)")
        }
    }

    private static func add(_ entry: Entry, body: String, _ db: Database) throws {
        let id = try SearchDocument.insert(entry, key: Data(entry.path.bytes), body: body, into: db)
        try db.cachedStatement(sql: "INSERT INTO files(path, docid) VALUES (?, ?)").execute(arguments: [Data(entry.path.bytes), id])
    }

    /// A source entry's searchable body: the file's body from the mirror, else the summary and the
    /// sections the index carries.
    static func body(of entry: Entry, source: String, mirror: Snapshot?, limit: Int) -> String {
        if let mirror {
            let inner = GitPath(bytes: Array(entry.path.bytes.dropFirst(source.utf8.count + 1)))
            if case .bytes(let bytes)? = try? mirror.contents(at: inner, limit: limit) {
                let text = String(decoding: bytes, as: UTF8.self)
                return EntryParser.split(text)?.body ?? text
            }
        }
        return ([entry.summary] + entry.sectionTexts.flatMap { [$0.title, $0.text] }).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}
