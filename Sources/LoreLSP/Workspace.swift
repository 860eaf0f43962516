import Foundation
import Git
import LoreKit

/// An open text document.
struct Document {
    let uri: String
    /// The file from the repository root, when the document is inside the working tree.
    let path: GitPath?
    /// The document is inside the repository (its working tree or its git folder: a commit message).
    let inRepository: Bool
    var version: Int
    var text: String
    var lines: TextLines

    init(uri: String, path: GitPath?, inRepository: Bool, version: Int, text: String) {
        self.uri = uri
        self.path = path
        self.inRepository = inRepository
        self.version = version
        self.text = text
        lines = TextLines(text)
    }
}

/// The repository a server works on: its configuration, the entries as the editor has them (files
/// on disk, replaced by open documents), the live check, and what each file was last told.
final class Workspace {
    let memory: MemoryRepository
    /// The working tree, ending with `/`.
    let root: String
    /// The git folder, ending with `/`.
    let gitDirectory: String
    private(set) var configuration: Configuration
    private(set) var check: LiveCheck
    /// Entries as read from disk, by path.
    private var diskEntries: [GitPath: Entry]
    /// Entries of open documents (`nil`: an open entry file that does not parse).
    private var overlay: [GitPath: Entry?] = [:]
    /// Open documents by URI.
    private(set) var documents: [String: Document] = [:]
    /// The date overdue action items are judged against (`initializationOptions.today`, else the local date).
    var today: String?
    /// Diagnostics as last published (or, for a file never published, as on disk when loaded).
    private var known: [GitPath: [Diagnostic]] = [:]
    /// Files whose diagnostics must be published on the next pass (just opened).
    private var mustPublish: Set<GitPath> = []
    /// Something changed since diagnostics were last published.
    private(set) var diagnosticsPending = false
    /// The disk changed (watched files): everything is read again before the next answer.
    private var stale = false
    private var cachedEntries: [Entry]?
    private var cachedIDs: [String: GitPath]?
    private var cachedByID: [GitPath]?
    private var cachedSuccessors: [String: String]?
    private var cachedHistory: RepositoryHistory?
    /// The organization's memory: the last synced state of every source `.lore/config.yml`
    /// names (`nil` without `sources:`); a source never synced or damaged is left out.
    private(set) var organization: OrganizationView?
    /// The synced entries by qualified id (`payments:PM-0001`), with their source.
    private(set) var sourceEntries: [String: (source: SourceMemory, entry: Entry)] = [:]
    /// Each source's entries with an id, ordered by id (what completion offers).
    private(set) var sourceEntriesByID: [String: [Entry]] = [:]
    /// The ids of each readable source, as the live check judges qualified ids against them.
    private var sourceIDs: [String: Set<String>]?
    /// The stamp of the sources' state files and configured names when last read (`nil`: never).
    private var sourcesStamp: (names: [String], stamp: UInt64)?
    /// The time synced states' ages are judged against (`initializationOptions.now`, seconds since
    /// 1970, else the clock).
    var now: Int?

    /// Opens the repository containing `directory` and reads its working tree.
    init(directory: String) throws(LoreError) {
        memory = try MemoryRepository(discoveringFrom: directory)
        guard let workingDirectory = memory.repository.workingDirectory else {
            throw .repository(GitError(.bareRepository, "a bare repository has no working tree to edit", context: "lore lsp"))
        }
        root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        gitDirectory = memory.repository.gitDirectory.hasSuffix("/") ? memory.repository.gitDirectory : memory.repository.gitDirectory + "/"
        let snapshot = try memory.snapshot(.workingTree)
        configuration = try memory.configuration(in: snapshot)
        check = try LiveCheck(memory, snapshot: snapshot, configuration: configuration)
        diskEntries = [:]
        diskEntries = try Self.entries(memory, snapshot: snapshot, configuration: configuration)
        loadSources()
        known = check.findingsByFile(today: today ?? LocalDate.today()).files
        diskStamp = currentStamp()
        stampChecked = Date()
    }

    /// The stamp of the disk when last read (see `DiskStamp`).
    private var diskStamp: UInt64 = 0
    private var stampChecked = Date.distantPast

    private func currentStamp() -> UInt64 {
        let store = SourceStore(repository: memory.repository)
        return DiskStamp.compute(root: root, folders: configuration.kinds.map { root + $0.dir } + [root + ".lore"],
                          files: [gitDirectory + "HEAD", gitDirectory + "logs/HEAD", store.checkedPath]
                              + configuration.sources.map { store.statePath($0.name) })
    }

    /// Reads the synced state of every source (`lore sources sync`): the entries qualified ids
    /// name, and the ids the live check judges them against, as `lore check` does. A state that
    /// cannot be read leaves its source out; nothing here fails.
    /// Read again only when a state file or the configured sources changed (a sync, an edit of
    /// `sources:`); the live check, made anew with each read of the disk, gets the ids again.
    private func loadSources() {
        let store = SourceStore(repository: memory.repository)
        let names = configuration.sources.map(\.name)
        let stamp = DiskStamp.compute(root: "", folders: [], files: names.map { store.statePath($0) } + [store.checkedPath])
        if sourcesStamp?.names != names || sourcesStamp?.stamp != stamp {
            sourcesStamp = (names, stamp)
            readSources()
        }
        check.sourceIDs = sourceIDs
    }

    private func readSources() {
        guard !configuration.sources.isEmpty, let view = try? OrganizationView.load(memory, configuration: configuration) else {
            organization = nil
            sourceEntries = [:]
            sourceEntriesByID = [:]
            sourceIDs = nil
            return
        }
        organization = view
        var entries: [String: (source: SourceMemory, entry: Entry)] = [:]
        var byID: [String: [Entry]] = [:]
        var ids: [String: Set<String>] = [:]
        for source in view.sources {
            // The source's own ids, qualified with its name (as `QualifiedIDs.ids` reads them, unqualified).
            let prefix = source.name + ":"
            var list: [Entry] = []
            var own = Set<String>()
            for entry in source.entries {
                guard let id = entry.id, id.hasPrefix(prefix) else { continue }
                list.append(entry)
                own.insert(String(id.dropFirst(prefix.count)))
                if entries[id] == nil { entries[id] = (source, entry) }
            }
            byID[source.name] = list.sorted { ($0.id ?? "", $0.path) < ($1.id ?? "", $1.path) }
            ids[source.name] = own
        }
        sourceEntries = entries
        sourceEntriesByID = byID
        sourceIDs = ids
    }

    /// How long ago a source was last found current, in words (`3 hours`).
    func age(of source: SourceMemory) -> String {
        let checked = organization?.checkedAt[source.name] ?? source.header.syncedAt
        return SyncedSource.age(seconds: (now ?? Int(Date().timeIntervalSince1970)) - checked)
    }

    /// The server's own check of the snapshot (for clients that do not report file changes): at
    /// most once a second, compares the stamp of the entry folders with the one read; when it
    /// differs, everything is read again (through the caches) before the next answer.
    func checkDisk() {
        guard !stale, Date().timeIntervalSince(stampChecked) >= 1 else { return }
        stampChecked = Date()
        if currentStamp() != diskStamp { diskChanged() }
    }

    private static func entries(_ memory: MemoryRepository, snapshot: Snapshot, configuration: Configuration) throws(LoreError) -> [GitPath: Entry] {
        let corpus = try memory.corpus(of: snapshot, configuration: configuration)
        var entries: [GitPath: Entry] = [:]
        entries.reserveCapacity(corpus.entries.count)
        for entry in corpus.entries { entries[entry.path] = entry }
        return entries
    }

    // MARK: Files and documents

    /// The repository path of an absolute path inside the working tree (not inside `.git`).
    func repositoryPath(ofFile file: String) -> GitPath? {
        let standard = (file as NSString).standardizingPath
        guard standard.hasPrefix(root), !standard.hasPrefix(gitDirectory) else { return nil }
        let relative = String(standard.dropFirst(root.count))
        guard !relative.isEmpty, !relative.hasPrefix(".git/") else { return nil }
        return GitPath(relative)
    }

    /// The path and whether a URI is inside the repository at all.
    func locate(_ uri: String) -> (path: GitPath?, inRepository: Bool) {
        guard let file = FileURI.path(uri) else { return (nil, false) }
        var standard = (file as NSString).standardizingPath
        if !standard.hasPrefix(root) && !standard.hasPrefix(gitDirectory) {
            standard = (standard as NSString).resolvingSymlinksInPath   // a folder opened through a symbolic link
        }
        if let path = repositoryPath(ofFile: standard) { return (path, true) }
        return (nil, standard.hasPrefix(gitDirectory) || standard.hasPrefix(root))
    }

    /// The kind of an entry file, `nil` when the path is not one.
    func entryKind(_ path: GitPath) -> Kind? {
        guard EntryFileFilter.isEntry(path) else { return nil }
        return configuration.kind(containing: path)
    }

    func uri(of path: GitPath) -> String { FileURI.uri(root + path.description) }

    /// The text of a file as the editor has it: the open document, else the file on disk.
    func lines(of path: GitPath) -> TextLines? {
        if let document = documents.values.first(where: { $0.path == path }) { return document.lines }
        guard let data = FileManager.default.contents(atPath: root + path.description) else { return nil }
        return TextLines(bytes: Array(data))
    }

    func document(_ uri: String) -> Document? { documents[uri] }

    func open(uri: String, version: Int, text: String) {
        let (path, inRepository) = locate(uri)
        documents[uri] = Document(uri: uri, path: path, inRepository: inRepository, version: version, text: text)
        if let path, entryKind(path) != nil {
            apply(path: path, bytes: Array(text.utf8), open: true)
            mustPublish.insert(path)
        }
    }

    func change(uri: String, version: Int, text: String) {
        guard var document = documents[uri] else { return }
        document.version = version
        document.text = text
        document.lines = TextLines(text)
        documents[uri] = document
        if let path = document.path, entryKind(path) != nil {
            apply(path: path, bytes: document.lines.bytes, open: true)
            mustPublish.insert(path)   // every version of an open entry gets its diagnostics, even unchanged
        }
    }

    func close(uri: String) {
        guard let document = documents.removeValue(forKey: uri) else { return }
        guard let path = document.path, entryKind(path) != nil else { return }
        overlay.removeValue(forKey: path)
        if let data = FileManager.default.contents(atPath: root + path.description) {
            apply(path: path, bytes: Array(data), open: false)
        } else {
            check.remove(path: path)
            diskEntries.removeValue(forKey: path)
            invalidate()
        }
    }

    /// Judges `bytes` as the entry file at `path`: an open document's text, or the file on disk.
    private func apply(path: GitPath, bytes: [UInt8], open: Bool) {
        guard let kind = entryKind(path) else { return }
        let repository = memory.repository
        let before = entry(at: path)
        let result = check.update(path: path, kind: kind.name, bytes: bytes, commitExists: { repository.commitExists($0) })
        if open { overlay[path] = .some(result.entry) } else { diskEntries[path] = result.entry }
        // Keystrokes rarely change an id or a supersession: the indexes of ids stay then.
        func facts(_ entry: Entry?) -> [[String]] {
            guard let entry else { return [] }
            return [[entry.id ?? "\u{0}"], entry.frontMatter.list("supersedes"), entry.frontMatter.list("superseded_by")]
        }
        invalidate(all: facts(before) != facts(result.entry))
    }

    private func invalidate(all: Bool = true) {
        cachedEntries = nil
        if all {
            cachedByID = nil
            cachedIDs = nil
            cachedSuccessors = nil
        }
        diagnosticsPending = true
    }

    /// Files changed on disk: read the working tree again (through the caches, so only changed
    /// files are parsed) before the next answer.
    func diskChanged() {
        stale = true
        diagnosticsPending = true
    }

    /// Reads the working tree again when it changed, then applies the open documents over it.
    func refreshIfStale() throws(LoreError) {
        guard stale else { return }
        stale = false
        // Read once per state of the disk, even when it fails (then again once the files change).
        diskStamp = currentStamp()
        stampChecked = Date()
        // All or nothing: a configuration that does not read leaves the last good state in place.
        let snapshot = try memory.snapshot(.workingTree)
        let configuration = try memory.configuration(in: snapshot)
        let check = try LiveCheck(memory, snapshot: snapshot, configuration: configuration)
        let entries = try Self.entries(memory, snapshot: snapshot, configuration: configuration)
        (self.configuration, self.check, diskEntries) = (configuration, check, entries)
        overlay = [:]
        cachedHistory = nil
        loadSources()
        for document in documents.values.sorted(by: { $0.uri < $1.uri }) {
            if let path = document.path, entryKind(path) != nil { apply(path: path, bytes: document.lines.bytes, open: true) }
        }
        invalidate()
    }

    // MARK: Entries

    /// The entry at `path` as the editor has it.
    func entry(at path: GitPath) -> Entry? {
        if let open = overlay[path] { return open }
        return diskEntries[path]
    }

    /// Every entry, in path order.
    var entries: [Entry] {
        if let cachedEntries { return cachedEntries }
        var all = diskEntries
        for (path, entry) in overlay { all[path] = entry }
        let list = all.values.sorted { $0.path < $1.path }
        cachedEntries = list
        return list
    }

    /// Every entry with an id, ordered by id (then path).
    var entriesByID: [Entry] {
        if cachedByID == nil {
            cachedByID = entries.compactMap { entry in entry.id.map { ($0, entry.path) } }.sorted { $0 < $1 }.map(\.1)
        }
        return (cachedByID ?? []).compactMap { entry(at: $0) }
    }

    /// The entry holding an id (the first by path when it is duplicated).
    func entry(id: String) -> Entry? {
        if cachedIDs == nil {
            var ids: [String: GitPath] = [:]
            for entry in entries { if let id = entry.id, ids[id] == nil { ids[id] = entry.path } }
            cachedIDs = ids
        }
        return cachedIDs?[id].flatMap { entry(at: $0) }
    }

    /// The entry that replaces the one holding `id`: its `superseded_by`, else an entry whose
    /// `supersedes` names it.
    func successor(of id: String) -> String? {
        if cachedSuccessors == nil {
            var successors: [String: String] = [:]
            for entry in entries {
                guard let own = entry.id else { continue }
                for old in entry.frontMatter.list("supersedes") where successors[old] == nil { successors[old] = own }
            }
            for entry in entries {
                if let own = entry.id, let next = entry.frontMatter.list("superseded_by").first { successors[own] = next }
            }
            cachedSuccessors = successors
        }
        return cachedSuccessors?[id]
    }

    /// The `Lore:` trailers of the history of `HEAD` (read once, cached in the git folder).
    func trailers() -> [TrailerLink] {
        if cachedHistory == nil {
            do {
                let snapshot = try memory.snapshot(.workingTree)
                cachedHistory = try memory.history(of: snapshot, configuration: configuration)
            } catch {
                cachedHistory = .empty
            }
        }
        return cachedHistory?.trailers ?? []
    }

    /// The links of every entry, resolved against the entries as the editor has them.
    func resolver() -> LinkGraph.Resolver {
        var resolver = LinkGraph.Resolver(check.summaries, configuration: configuration, files: check.files, commit: nil)
        resolver.resolvesAffects = false
        return resolver
    }

    // MARK: Diagnostics

    /// The diagnostics to publish now: for each file whose findings changed since last told (or
    /// just opened), all of its findings. Every file is judged as `lore check` would.
    func diagnosticsToPublish() -> [(path: GitPath, diagnostics: [Diagnostic])] {
        diagnosticsPending = false
        let (current, changed) = check.findingsByFile(today: today ?? LocalDate.today())
        var out: [(GitPath, [Diagnostic])] = []
        let candidates = changed.map { $0.union(mustPublish) } ?? Set(current.keys).union(known.keys).union(mustPublish)
        for path in candidates.sorted() {
            let now = current[path] ?? []
            if mustPublish.contains(path) || now != known[path] ?? [] {
                out.append((path, now))
                if now.isEmpty { known.removeValue(forKey: path) } else { known[path] = now }
            }
        }
        mustPublish = []
        return out
    }
}
