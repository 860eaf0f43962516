import Foundation
import GRDB
import Git
#if canImport(Glibc)
import Glibc
#endif

/// One entry found by `lore search`.
public struct SearchHit: Sendable, Hashable, Codable {
    /// The entry's file.
    public let path: String
    /// Its kind.
    public let kind: String
    /// `id`, `title`, `date`, `status` as written.
    public let id: String?, title: String?, date: String?, status: String?
    /// BM25 relevance (higher is better), rounded to 3 decimals so output is stable.
    public let score: Double
    /// The best-matching passage, matched words between `**`.
    public let snippet: String

    /// The snippet with its parts given to `text` (what is around the matches) and `match` (each
    /// matched passage, without its `**`): for highlighting on a terminal, or plain text.
    public func snippet(text: (String) -> String, match: (String) -> String) -> String {
        var out = ""
        var isMatch = false
        for part in snippet.components(separatedBy: "**") {
            if !part.isEmpty { out += isMatch ? match(part) : text(part) }
            isMatch.toggle()
        }
        return out
    }
}

/// Why a search could not run.
public enum SearchError: Error, Sendable, CustomStringConvertible {
    /// The repository or its configuration (exit 3 or 2, as `LoreError`).
    case lore(LoreError)
    /// The query has nothing to look for (exit 2).
    case query(SearchQueryError)
    /// The index could be neither used, rebuilt, nor kept in memory (exit 3).
    case index(String)

    public var description: String {
        switch self {
        case .lore(let error): return error.description
        case .query(let error): return "error: \(error)"
        case .index(let message): return "error: search index: \(message)"
        }
    }
}

/// What to search for and how many hits to return.
public struct SearchRequest: Sendable {
    /// The words, as `SearchQuery` reads them.
    public var text: String
    /// Conditions on the hits' fields (`--kind`, `--status`, `--tag`, `--since`, `--where`).
    public var filter: EntryQuery
    /// At most this many hits, best first.
    public var limit: Int

    public init(text: String, filter: EntryQuery, limit: Int) {
        self.text = text
        self.filter = filter
        self.limit = limit
    }
}

/// Full-text search over titles, fields and bodies of a snapshot's entries, ranked by BM25
/// (title × 10, fields × 4, body × 1), with an SQLite FTS5 index in the git folder
/// (`lore/search.sqlite`).
///
/// The index holds one document per (blob, kind), so it is updated by blob id: a search first
/// checks whether the snapshot is the one last indexed — a revision's tree id, the index file's
/// checksum, or for the working tree the size, times and inode of every entry file — and only when
/// it is not reads the corpus (through the parse cache) and indexes the blobs it has not seen. A
/// missing, damaged or foreign index file is rebuilt; one that cannot be written is kept in memory.
public final class SearchIndex {
    /// The database file.
    public let path: String
    private let memory: MemoryRepository

    /// Bumped whenever what is stored changes meaning; an index of another version is rebuilt.
    static let schemaVersion = "lore-search-1"

    /// The index of `memory`'s repository, at `<git dir>/lore/search.sqlite`.
    public init(_ memory: MemoryRepository) {
        self.memory = memory
        path = memory.repository.gitDirectory.hasSuffix("/")
            ? memory.repository.gitDirectory + "lore/search.sqlite" : memory.repository.gitDirectory + "/lore/search.sqlite"
    }

    /// Searches the snapshot `source`, bringing the index up to date first.
    public func search(_ request: SearchRequest, in source: SnapshotSource) throws(SearchError) -> [SearchHit] {
        let expression: String
        do { expression = try SearchQuery.ftsExpression(request.text) } catch { throw .query(error) }
        let snapshot: Snapshot
        let configuration: LoreCore.Configuration
        do {
            snapshot = try memory.snapshot(source)
            configuration = try memory.configuration(in: snapshot)
        } catch {
            throw .lore(error)
        }
        let view = try viewKey(snapshot, configuration: configuration)
        var lastError = ""
        // On disk; on failure once more on a fresh file; then in memory.
        for attempt in 0..<3 {
            do {
                let database = try attempt < 2 ? openFile() : openMemory()
                try refresh(database, snapshot: snapshot, configuration: configuration, view: view)
                let hits = try Self.query(database, expression: expression, request: request, configuration: configuration)
                if attempt < 2 { try? database.close(); recordStamp() }
                return hits
            } catch let error as SearchError {
                throw error
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                lastError = error.description
            } catch {
                lastError = "\(error)"
                if attempt == 0 { removeFiles() }
            }
        }
        throw .index(lastError)
    }

    /// The index file holds something Lore did not write.
    private struct Damaged: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: The file

    private var stampPath: String { path + ".stamp" }

    private func openFile() throws -> DatabaseQueue {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        let exists = FileManager.default.fileExists(atPath: path)
        let database = try DatabaseQueue(path: path, configuration: configuration)
        // A file changed behind Lore's back (not by the last write Lore recorded) is checked whole
        // before it is trusted: damage inside a page would otherwise give wrong hits silently.
        if exists && readStamp() != currentStamp() {
            let verdict = try database.read { try String.fetchOne($0, sql: "PRAGMA quick_check") }
            if verdict != "ok" { throw Damaged(description: "damaged: \(verdict ?? "no verdict")") }
        }
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
            let version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'")
            if version != SearchIndex.schemaVersion {
                try db.execute(sql: """
                    DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS fts;
                    DELETE FROM meta;
                    """)
                try Self.createSchema(db)
            }
        }
        return database
    }

    private func openMemory() throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        try database.write { try Self.createSchema($0) }
        return database
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE docs(docid INTEGER PRIMARY KEY, blob BLOB NOT NULL, kind TEXT NOT NULL,
                              id TEXT, title TEXT, date TEXT, status TEXT, fields TEXT NOT NULL,
                              UNIQUE(blob, kind));
            CREATE TABLE files(path BLOB PRIMARY KEY, docid INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX files_docid ON files(docid);
            CREATE VIRTUAL TABLE fts USING fts5(title, fields, body, tokenize = 'porter unicode61 remove_diacritics 2');
            INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', '\(schemaVersion)'), ('view', '');
            """)
    }

    private func removeFiles() {
        for suffix in ["", "-journal", "-wal", "-shm", ".stamp", ".worktree"] { unlink(path + suffix) }
    }

    /// The working-tree record written with `token`, or `nil`.
    private func readStamps(token: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path + ".worktree") else { return nil }
        let header = Array((token + "\n").utf8)
        guard data.count >= header.count, data.prefix(header.count).elementsEqual(header) else { return nil }
        return [UInt8](data.dropFirst(header.count))
    }

    private func writeStamps(_ record: [UInt8], token: String) -> Bool {
        let temporary = path + ".worktree.\(getpid())"
        guard ScratchFile.write(Array((token + "\n").utf8) + record, to: temporary) else { return false }
        return rename(temporary, path + ".worktree") == 0
    }

    private func currentStamp() -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "" }
        return "\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    private func readStamp() -> String {
        (try? String(contentsOfFile: stampPath, encoding: .utf8)) ?? "-"
    }

    private func recordStamp() {
        let stamp = currentStamp()
        guard readStamp() != stamp else { return }
        // Written aside and renamed, so a reader never sees half a stamp.
        let temporary = stampPath + ".\(getpid())"
        if ScratchFile.write(Array(stamp.utf8), to: temporary) {
            rename(temporary, stampPath)
        }
    }

    // MARK: Keeping it current

    /// What the snapshot's content is, cheaply: a revision's tree id or the index's checksum; `nil`
    /// for the working tree, which `WorkingTreeStamps` describes instead.
    private func viewKey(_ snapshot: Snapshot, configuration: LoreCore.Configuration) throws(SearchError) -> String? {
        if let id = snapshot.contentID {
            let kind: String
            if case .revision = snapshot.source { kind = "tree" } else { kind = "index" }
            return "\(kind):\(id.hex)"
        }
        return nil
    }

    /// Brings the index up to the snapshot: nothing when the recorded view is current, else the
    /// corpus is loaded (through the parse cache) and its documents are synced in one transaction.
    private func refresh(_ database: DatabaseQueue, snapshot: Snapshot, configuration: LoreCore.Configuration, view: String?) throws {
        guard case .stale(let record, let changed) = try freshness(database, snapshot: snapshot, configuration: configuration, view: view) else { return }
        if let changed, let record, let documents = try documents(at: changed, snapshot: snapshot, configuration: configuration) {
            let updated = try database.write { db -> Bool in
                guard try update(db, documents) else { return false }
                let token = UUID().uuidString
                guard self.writeStamps(record, token: token) else { return false }
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'view'", arguments: ["worktree:" + token])
                return true
            }
            if updated { return }
        }
        let corpus: Corpus
        do {
            corpus = try memory.corpus(of: snapshot, configuration: configuration)
        } catch {
            throw SearchError.lore(error)
        }
        try database.write { db in
            let complete = try sync(db, corpus: corpus, snapshot: snapshot, maxSize: configuration.maxFileSize)
            var newView = complete ? (view ?? "") : ""
            if complete, view == nil, let record {
                // The record lives beside the database (one read, no page chain) under a token the
                // database names, so a record and a database from different runs never pair up.
                let token = UUID().uuidString
                if self.writeStamps(record, token: token) { newView = "worktree:" + token }
            }
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'view'", arguments: [newView])
        }
    }

    /// Whether the index shows the snapshot already.
    private enum Freshness {
        case current
        /// Out of date; for the working tree, the stamps taken before reading, to record after, and
        /// when only entry files' contents changed since the recorded stamps, those files.
        case stale(record: [UInt8]?, changed: [String]?)
    }

    /// Step 1: compares the recorded view with `view` (a revision's tree or the index's checksum),
    /// or for the working tree the recorded stamps with the files' current stat data.
    private func freshness(_ database: DatabaseQueue, snapshot: Snapshot, configuration: LoreCore.Configuration,
                           view: String?) throws -> Freshness {
        let stored = try database.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'view'") }
        if let view { return stored == view ? .current : .stale(record: nil, changed: nil) }
        guard let top = snapshot.repository.workingDirectory else { return .stale(record: nil, changed: nil) }
        let trimmed = top.hasSuffix("/") ? String(top.dropLast()) : top
        var previous: [UInt8]?
        if let stored, stored.hasPrefix("worktree:"), let stamps = readStamps(token: String(stored.dropFirst(9))) {
            if WorkingTreeStamps.isCurrent(stamps, top: trimmed) { return .current }
            previous = stamps
        }
        // Taken before anything is read, so that a change made while indexing shows next time.
        let git = snapshot.repository.commonDirectory
        let record = WorkingTreeStamps.record(top: trimmed, roots: configuration.kinds.map(\.dir),
                                              extra: [trimmed + "/" + Configuration.path.description, trimmed + "/.gitignore",
                                                      (git.hasSuffix("/") ? git : git + "/") + "info/exclude"])
        let changed = previous.flatMap { old in record.flatMap { WorkingTreeStamps.changedFiles(from: old, to: $0) } }
        return .stale(record: record, changed: changed)
    }

    /// One entry file's document as the corpus would give it: the entry (`nil` when the file is
    /// no longer an entry the corpus holds) and its bytes.
    private struct ChangedDocument {
        let path: GitPath
        let entry: Entry?
        let bytes: [UInt8]
    }

    /// The documents of the working-tree entry files at `paths`, read and parsed as the corpus
    /// reads them; `nil` when one of them needs more than its own bytes (a kind's date taken from
    /// git history, a file that is no longer a regular file or an entry file), so the whole corpus
    /// is read instead.
    private func documents(at paths: [String], snapshot: Snapshot, configuration: LoreCore.Configuration) throws -> [ChangedDocument]? {
        guard case .workingTree = snapshot.source, let top = snapshot.repository.workingDirectory else { return nil }
        var documents: [ChangedDocument] = []
        for text in paths {
            let path = GitPath(text)
            guard let kind = CorpusLoader.entryKind(of: path, configuration: configuration) else { return nil }
            var info = stat()
            guard lstat((top.hasSuffix("/") ? top : top + "/") + text, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            let contents: FileContents?
            do { contents = try snapshot.contents(at: path, limit: configuration.maxFileSize) } catch { return nil }
            guard let contents else { return nil }
            guard case .bytes(let bytes) = contents else {
                documents.append(ChangedDocument(path: path, entry: nil, bytes: []))
                continue
            }
            let entry = FieldDerivation.apply(EntryParser.parse(path: path, kind: kind, bytes: bytes, readsFilesWithoutFrontMatter: true),
                                              kind: configuration.kind(named: kind)).entry
            if let entry, entry.frontMatter.derived.values.contains(FieldDerivation.pendingGit) { return nil }
            documents.append(ChangedDocument(path: path, entry: entry, bytes: bytes))
        }
        return documents
    }

    /// Step 2, for a few changed files: their documents and file rows. `false` (nothing written)
    /// when one of them was not in the index, such as an ignored file: the corpus decides then.
    private func update(_ db: Database, _ documents: [ChangedDocument]) throws -> Bool {
        let findFile = try db.cachedStatement(sql: "SELECT docid FROM files WHERE path = ?")
        var previous: [Int64] = []
        for document in documents {
            guard let docid = try Int64.fetchOne(findFile, arguments: [Data(document.path.bytes)]) else { return false }
            previous.append(docid)
        }
        let writer = try DocumentWriter(db)
        for document in documents {
            if let entry = document.entry {
                let key = DocumentWriter.key(entry, blob: Repository.blobID(of: document.bytes))
                let docid = try writer.find(key, kind: entry.kind) ?? writer.insert(entry, key: key, bytes: document.bytes)
                try writer.putFile(Data(entry.path.bytes), docid: docid)
            } else {
                try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [Data(document.path.bytes)])
            }
        }
        for docid in Set(previous) where try Int64.fetchOne(db, sql: "SELECT 1 FROM files WHERE docid = ? LIMIT 1", arguments: [docid]) == nil {
            try db.execute(sql: "DELETE FROM fts WHERE rowid = ?; DELETE FROM docs WHERE docid = ?", arguments: [docid, docid])
        }
        return true
    }

    /// Step 2: makes the documents and file rows match the corpus: a document per new blob and
    /// kind (body read from the blob), file rows moved, unused documents dropped. `false` when an
    /// entry could not be read, so the view is not recorded as complete.
    private func sync(_ db: Database, corpus: Corpus, snapshot: Snapshot, maxSize: Int) throws -> Bool {
        typealias DocumentKey = DocumentWriter.Key
        var complete = true
        var known: [DocumentKey: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT docid, blob, kind FROM docs") {
            known[DocumentKey(blob: row[1], kind: row[2])] = row[0]
        }
        var current: [Data: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT path, docid FROM files") {
            current[row[0]] = row[1]
        }
        let writer = try DocumentWriter(db)
        var seen = Set<Data>()
        for entry in corpus.entries {
            var bytes: [UInt8]?
            let blob: ObjectID
            if let known = corpus.blobs[entry.path] {
                blob = known
            } else {
                // Without the parse cache (LORE_NO_CACHE) the corpus knows no blob ids.
                guard let read = try self.bytes(of: entry, blob: nil, snapshot: snapshot, limit: maxSize) else {
                    complete = false
                    continue
                }
                bytes = read
                blob = Repository.blobID(of: read)
            }
            let keyBytes = DocumentWriter.key(entry, blob: blob)
            let key = DocumentKey(blob: keyBytes, kind: entry.kind)
            var docid = known[key]
            if docid == nil {
                if bytes == nil { bytes = try self.bytes(of: entry, blob: blob, snapshot: snapshot, limit: maxSize) }
                guard let bytes else {
                    complete = false
                    continue
                }
                let id = try writer.insert(entry, key: keyBytes, bytes: bytes)
                known[key] = id
                docid = id
            }
            let path = Data(entry.path.bytes)
            seen.insert(path)
            if let docid, current[path] != docid { try writer.putFile(path, docid: docid) }
        }
        let deleteFile = try db.cachedStatement(sql: "DELETE FROM files WHERE path = ?")
        for path in current.keys where !seen.contains(path) { try deleteFile.execute(arguments: [path]) }
        try db.execute(sql: """
            DELETE FROM fts WHERE rowid IN (SELECT docid FROM docs WHERE docid NOT IN (SELECT docid FROM files));
            DELETE FROM docs WHERE docid NOT IN (SELECT docid FROM files);
            """)
        return complete
    }

    /// Writes documents and the file rows pointing to them: one document per blob (with the
    /// fields derived outside it) and kind.
    private struct DocumentWriter {
        struct Key: Hashable {
            let blob: Data
            let kind: String
        }

        private let db: Database
        private let findDoc, putFileRow: Statement

        init(_ db: Database) throws {
            self.db = db
            findDoc = try db.cachedStatement(sql: "SELECT docid FROM docs WHERE blob = ? AND kind = ?")
            putFileRow = try db.cachedStatement(sql: "INSERT OR REPLACE INTO files(path, docid) VALUES (?, ?)")
        }

        /// The document's key: the blob id, and when fields are derived from the path, the
        /// configuration or history (not in the blob), their hash, so that a record read
        /// differently is indexed again.
        static func key(_ entry: Entry, blob: ObjectID) -> Data {
            var keyBytes = Data(blob.raw)
            if !entry.frontMatter.derived.isEmpty {
                var text = entry.path.bytes
                for pair in entry.frontMatter.fields where entry.frontMatter.derived[pair.key.text] != nil {
                    text += Array(pair.key.text.utf8) + [0] + Array(JSONValue(pair.value).searchKeyText.utf8) + [0]
                }
                withUnsafeBytes(of: FNV1a.hash(text).littleEndian) { keyBytes.append(contentsOf: $0) }
            }
            return keyBytes
        }

        /// The document with this key, if the index has it.
        func find(_ key: Data, kind: String) throws -> Int64? {
            try Int64.fetchOne(findDoc, arguments: [key, kind])
        }

        /// Adds `entry`'s document (its body read from `bytes`); returns its id.
        func insert(_ entry: Entry, key: Data, bytes: [UInt8]) throws -> Int64 {
            try SearchDocument.insert(entry, key: key, body: SearchDocument.body(of: bytes, from: entry.bodyLine), into: db)
        }

        /// Points the file `path` at document `docid`.
        func putFile(_ path: Data, docid: Int64) throws {
            try putFileRow.execute(arguments: [path, docid])
        }
    }

    private func bytes(of entry: Entry, blob: ObjectID?, snapshot: Snapshot, limit: Int) throws -> [UInt8]? {
        let contents: FileContents?
        if let blob, snapshot.contentID != nil {
            contents = try memory.repository.blobContents(blob, limit: limit)
        } else {
            contents = try snapshot.contents(at: entry.path, limit: limit)
        }
        guard case .bytes(let bytes)? = contents else { return nil }
        if let blob, Repository.blobID(of: bytes) != blob { return nil }
        return bytes
    }

    // MARK: Querying

    /// Ranks the documents of `database` for `expression` (also the organization's search).
    static func query(_ database: DatabaseQueue, expression: String, request: SearchRequest,
                      configuration: LoreCore.Configuration) throws -> [SearchHit] {
        try database.read { db in
            struct Candidate {
                let docid: Int64, path: Data, kind: String, id: String?, title: String?, date: String?, status: String?
                let score: Double
            }
            var chosen: [Candidate] = []
            let filtering = !request.filter.filters.isEmpty
            // Rank first, then look up only the documents needed: joining every match before the
            // limit costs more than ranking them. Ties with the last hit are all taken, so that
            // the final order (score, then path) does not depend on the order rows were stored.
            var ranking = "SELECT rowid, bm25(fts, 10.0, 4.0, 1.0) FROM fts WHERE fts MATCH ? ORDER BY 2"
            if !filtering { ranking += " LIMIT \(request.limit + 16)" }
            let document = try db.cachedStatement(sql: """
                SELECT files.path, docs.kind, docs.id, docs.title, docs.date, docs.status, docs.fields
                FROM docs JOIN files ON files.docid = docs.docid WHERE docs.docid = ?
                """)
            do {
                let ranked = try Row.fetchCursor(db, sql: ranking, arguments: [expression])
                while let hit = try ranked.next() {
                    let docid: Int64 = hit[0]
                    let score: Double = hit[1]
                    if chosen.count >= request.limit, let last = chosen.last?.score, score != last { break }
                    for row in try Row.fetchAll(document, arguments: [docid]) {
                        let path: Data = row[0]
                        let kind: String = row[1]
                        if filtering {
                            let source = SearchDocument(kind: kind, path: GitPath(bytes: [UInt8](path)), fieldsJSON: row[6])
                            guard request.filter.matches(source, in: configuration) else { continue }
                        }
                        chosen.append(Candidate(docid: docid, path: path, kind: kind, id: row[2], title: row[3], date: row[4],
                                                status: row[5], score: score))
                    }
                }
            } catch let error as DatabaseError where error.message?.contains("syntax error") == true {
                throw SearchError.query(SearchQueryError(message: "the query '\(request.text)' cannot be searched: \(error.message ?? "")"))
            }
            chosen.sort { ($0.score, GitPath(bytes: [UInt8]($0.path))) < ($1.score, GitPath(bytes: [UInt8]($1.path))) }
            chosen = Array(chosen.prefix(request.limit))
            guard !chosen.isEmpty else { return [] }
            var snippets: [Int64: String] = [:]
            let ids = chosen.map { String($0.docid) }.joined(separator: ",")
            // The body's best passage when the body matches (it reads as text); else the best
            // column's (a title, or front-matter values).
            for row in try Row.fetchAll(db, sql: """
                SELECT rowid, snippet(fts, 2, '**', '**', '…', 16), snippet(fts, -1, '**', '**', '…', 16)
                FROM fts WHERE fts MATCH ? AND rowid IN (\(ids))
                """, arguments: [expression]) {
                let body: String = row[1]
                snippets[row[0]] = body.contains("**") ? body : row[2]
            }
            return chosen.map { candidate in
                SearchHit(path: GitPath(bytes: [UInt8](candidate.path)).description, kind: candidate.kind, id: candidate.id,
                          title: candidate.title, date: candidate.date, status: candidate.status,
                          score: (-candidate.score * 1000).rounded() / 1000,
                          snippet: SearchDocument.oneLine(snippets[candidate.docid] ?? ""))
            }
        }
    }
}

/// An entry as the search index stores it: fields as JSON for filters, texts for FTS5.
struct SearchDocument: FieldSource {
    let kind: String
    let path: GitPath
    let fields: [String: FieldData]

    init(kind: String, path: GitPath, fieldsJSON: String) {
        self.kind = kind
        self.path = path
        let value = try? JSONDecoder().decode(JSONValue.self, from: Data(fieldsJSON.utf8))
        if case .object(let object)? = value {
            fields = object.compactMapValues(SearchDocument.data)
        } else {
            fields = [:]
        }
    }

    var filterKind: String { kind }
    var filterPath: String { path.description }
    func filterValue(_ name: String) -> FieldData? { fields[name] }

    private static func data(_ value: JSONValue) -> FieldData? {
        switch value {
        case .string(let text): return .text(text)
        case .number(let number): return .text(String(number))
        case .bool(let flag): return .text(flag ? "true" : "false")
        case .array(let items): return .list(items.compactMap(data))
        case .object(let object): return .object(object.compactMapValues(data))
        case .null: return nil
        }
    }

    /// Stores `entry` as a new document keyed `key` with the text `body`; its docid.
    static func insert(_ entry: Entry, key: Data, body: String, into db: Database) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO docs(blob, kind, id, title, date, status, fields) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [key, entry.kind, entry.id, entry.title, entry.date, entry.status, encodeFields(entry)])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO fts(rowid, title, fields, body) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, entry.title ?? "", fieldText(entry), body])
        return id
    }

    /// The front-matter as a JSON object (scalars as written).
    static func encodeFields(_ entry: Entry) -> String {
        var object: [String: JSONValue] = [:]
        for pair in entry.frontMatter.fields where object[pair.key.text] == nil {
            object[pair.key.text] = JSONValue(pair.value)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(JSONValue.object(object))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Every front-matter value but the title, and the kind, as words.
    static func fieldText(_ entry: Entry) -> String {
        var words: [String] = [entry.kind]
        func collect(_ value: YAMLValue) {
            switch value {
            case .scalar(let scalar): if !scalar.isNull { words.append(scalar.text) }
            case .sequence(let items, _): items.forEach(collect)
            case .mapping(let pairs, _): pairs.forEach { collect($0.value) }
            }
        }
        for pair in entry.frontMatter.fields where pair.key.text != "title" { collect(pair.value) }
        return words.joined(separator: " ")
    }

    /// The text from line `line` (1-based) on.
    static func body(of bytes: [UInt8], from line: Int) -> String {
        var start = 0
        var remaining = line - 1
        while remaining > 0, start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 10) else { start = bytes.count; break }
            start = newline + 1
            remaining -= 1
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// A snippet on one line: runs of white space folded to one space.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension JSONValue {
    /// The value as one line of text, for keys.
    fileprivate var searchKeyText: String {
        switch self {
        case .string(let text): return text
        case .number(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .array(let items): return items.map(\.searchKeyText).joined(separator: "\u{1}")
        case .object(let object): return object.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value.searchKeyText }.joined(separator: "\u{1}")
        case .null: return ""
        }
    }
}
