import Foundation
import Git

/// Every entry of every kind read from one snapshot, with the problems found reading them.
public struct Corpus: Sendable {
    /// The configuration the corpus was read with.
    public let configuration: Configuration
    /// The state of the repository read.
    public let source: SnapshotSource
    /// The entries, sorted by path bytes.
    public let entries: [Entry]
    /// Problems found reading files, sorted by path, line, column.
    public let diagnostics: [Diagnostic]
    /// The blob id of each entry's file by path (for working-tree files, what its bytes hash to),
    /// when the parse cache is in use: what an index keyed by content (the search index) compares.
    public var blobs: [GitPath: ObjectID] = [:]

    /// A corpus of entries read elsewhere (the organization's view joins synced sources).
    package init(configuration: Configuration, source: SnapshotSource, entries: [Entry], diagnostics: [Diagnostic]) {
        self.configuration = configuration
        self.source = source
        self.entries = entries
        self.diagnostics = diagnostics
    }

    /// The entries whose `id` is `id` (more than one when an id is duplicated).
    public func entries(withID id: String) -> [Entry] { entries.filter { $0.id == id } }

    /// The same corpus with only the entries `keep` accepts (and their diagnostics and blobs).
    package func keeping(_ keep: (Entry) -> Bool) -> Corpus {
        let kept = entries.filter(keep)
        let paths = Set(kept.map(\.path))
        let dropped = Set(entries.map(\.path)).subtracting(paths)
        var corpus = Corpus(configuration: configuration, source: source, entries: kept,
                            diagnostics: diagnostics.filter { !dropped.contains($0.path) })
        corpus.blobs = blobs.filter { paths.contains($0.key) }
        return corpus
    }
}

/// Decides which files of a kind's folder are entries (FORMAT.md "Entries").
public enum EntryFileFilter {
    /// Names that are never records in a kind that reads records as found (compared without
    /// case): read-me files, indexes, templates, change logs and the like.
    public static let adoptedExclusions = ["readme.md", "readme.*", "index.md", "_index.md", "template.md", "*-template.md",
                                           "template*.md", "*_template.md", "adr-template*.md", "*-template-*.md", "empty-adr.md",
                                           "changelog.md", "contributing.md", "license.md", "summary.md", "code_of_conduct.md",
                                           "security.md", "toc.md", "adr-log.md", "decision-log.md"]
    /// Folders whose files are never records in a kind that reads records as found.
    public static let adoptedExcludedFolders: Set<String> = ["template", "templates", "assets", "images", "img", "static", "node_modules"]

    /// The file at `path` (inside `kind`'s folder) is an entry of `kind`: FORMAT.md's rule, or the
    /// kind's `include` and `exclude` globs and the default exclusions for a kind reading records
    /// as found.
    public static func isEntry(_ path: GitPath, of kind: Kind) -> Bool {
        guard kind.readsRecordsAsFound else { return isEntry(path) }
        let relative = Array(path.components.dropFirst(kind.folder.components.count)).map { String(decoding: $0, as: UTF8.self) }
        guard let name = relative.last else { return false }
        if relative.dropLast().contains(where: { $0.hasPrefix(".") || adoptedExcludedFolders.contains($0.lowercased()) }) { return false }
        let lower = name.lowercased()
        if name.hasPrefix(".") { return false }
        let bundleIndex = kind.bundles && relative.count >= 2 && (lower == "index.md" || lower == "_index.md")
        if !bundleIndex {
            if name.hasPrefix("_") { return false }
            if adoptedExclusions.contains(where: { NameGlob.matches($0, lower) }) { return false }
        }
        if kind.exclude.contains(where: { NameGlob.matches($0, relative) }) { return false }
        if kind.include.isEmpty { return lower.hasSuffix(".md") || lower.hasSuffix(".markdown") }
        return kind.include.contains { NameGlob.matches($0, relative) }
    }

    /// `.md` files, except `README.md`, `index.md` and names starting with `_` or `.`, and except
    /// anything inside a folder whose name starts with `.`.
    public static func isEntry(_ path: GitPath) -> Bool {
        let name = path.nameBytes
        guard name.count > 3, name.last == UInt8(ascii: "d"), name.dropLast().last == UInt8(ascii: "m"),
              name.dropLast(2).last == UInt8(ascii: ".") else { return false }
        guard let first = name.first, first != UInt8(ascii: "_"), first != UInt8(ascii: ".") else { return false }
        if name.elementsEqual("README.md".utf8) || name.elementsEqual("index.md".utf8) { return false }
        return !path.components.dropLast().contains { $0.first == UInt8(ascii: ".") }
    }
}

/// Reads a corpus from a snapshot: lists the kinds' folders, reads every entry file, and parses
/// them on every core.
public enum CorpusLoader {
    /// Reads every entry of every kind of `configuration` from `snapshot`, parsing every file.
    public static func load(from snapshot: Snapshot, configuration: Configuration) throws(GitError) -> Corpus {
        try load(from: snapshot, configuration: configuration, cache: nil)
    }

    /// Reads every entry of every kind of `configuration` from `snapshot`. With a `cache`, a file
    /// whose blob was parsed before is not read (index and revisions) or not parsed (working tree).
    static func load(from snapshot: Snapshot, configuration: Configuration, cache: ParseCache?) throws(GitError) -> Corpus {
        struct Outcome: Sendable {
            let result: EntryParser.Result
            let key: ObjectID?
            let encoded: [UInt8]?
        }
        let files = try entryFiles(of: snapshot, configuration: configuration)
        // The cache keeps what the bytes say; the kind's field sources apply after.
        let outcomes = try process(files, from: snapshot, configuration: configuration, keyed: cache != nil,
            cached: { file, key in
                cache?.result(for: key, path: file.path, kind: file.kind).map {
                    Outcome(result: FieldDerivation.apply($0, kind: configuration.kind(named: file.kind)), key: key, encoded: nil)
                }
            },
            make: { file, result, key in
                Outcome(result: FieldDerivation.apply(result, kind: configuration.kind(named: file.kind)), key: key,
                        encoded: key == nil ? nil : ParseCacheCoding.encode(result))
            })
        var records: [(key: ObjectID, payload: ArraySlice<UInt8>, fresh: Bool)] = []
        var entries: [Entry] = []
        entries.reserveCapacity(outcomes.count)
        var diagnostics: [Diagnostic] = []
        var blobs: [GitPath: ObjectID] = [:]
        blobs.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            if let key = outcome.key, let entry = outcome.result.entry { blobs[entry.path] = key }
            if let key = outcome.key {
                if let encoded = outcome.encoded {
                    records.append((key, encoded[...], true))
                } else if let kept = cache?.encoded(key) {
                    records.append((key, kept, false))
                }
            }
            if let entry = outcome.result.entry { entries.append(entry) }
            diagnostics += outcome.result.diagnostics
        }
        cache?.keep(records)
        diagnostics += snapshotDiagnostics(files, of: snapshot, configuration: configuration)
        diagnostics.sort()
        var corpus = Corpus(configuration: configuration, source: snapshot.source, entries: entries, diagnostics: diagnostics)
        corpus.blobs = blobs
        return corpus
    }

    /// A file of a kind's folder that is an entry.
    package struct EntryFile: Sendable {
        package let file: SnapshotFile
        package let kind: String
        package var path: GitPath { file.path }

        package init(file: SnapshotFile, kind: String) {
            self.file = file
            self.kind = kind
        }
    }

    /// The entry files of the kinds' folders, sorted by path.
    package static func entryFiles(of snapshot: Snapshot, configuration: Configuration) throws(GitError) -> [EntryFile] {
        entryFiles(among: try snapshot.files(under: listedFolders(configuration)), configuration: configuration)
    }

    /// The folders whose history is read: the kinds' folders, or the whole tree when a kind reads
    /// records as found, so that history follows a file moved into its folder from elsewhere (the
    /// move every adopting team makes): created dates and authors are those of `git log --follow`.
    public static func historyFolders(_ configuration: Configuration) -> [GitPath] {
        configuration.kinds.contains(where: \.readsRecordsAsFound) ? [] : configuration.kinds.map(\.folder)
    }

    /// The folders to list for the kinds' entries: all of them, or the whole tree when a kind
    /// keeps its records at the root (`dir: .`).
    package static func listedFolders(_ configuration: Configuration) -> [GitPath] {
        let folders = configuration.kinds.map(\.folder)
        return folders.contains { $0.bytes.isEmpty } ? [] : folders
    }

    /// The entry files among `files` (a snapshot's listing, sorted by path).
    package static func entryFiles(among files: [SnapshotFile], configuration: Configuration) -> [EntryFile] {
        // The most specific folder wins: try the longest first. A kind reading records as found
        // that does not take a file leaves it to the next.
        let kinds = configuration.kinds.sorted { $0.folder.bytes.count > $1.folder.bytes.count }
        return files.compactMap { file in entryKind(of: file.path, kinds: kinds).map { EntryFile(file: file, kind: $0) } }
    }

    /// The kind whose entry file `path` is, `nil` when it is not an entry file.
    package static func entryKind(of path: GitPath, configuration: Configuration) -> String? {
        entryKind(of: path, kinds: configuration.kinds.sorted { $0.folder.bytes.count > $1.folder.bytes.count })
    }

    /// The kind whose entry file `path` is, among `kinds` sorted longest folder first.
    private static func entryKind(of path: GitPath, kinds: [Kind]) -> String? {
        guard path.components.first.map({ !$0.elementsEqual(".lore".utf8) }) ?? false else { return nil }
        for kind in kinds where path.isInside(kind.folder) {
            if EntryFileFilter.isEntry(path, of: kind) { return kind.name }
            if !kind.readsRecordsAsFound { return nil }
        }
        return nil
    }

    /// Reads and parses entry files on every core, each thread with its own repository handle,
    /// dropping a file's bytes as soon as it is parsed; `make` turns each parse into a result (as the
    /// bytes say: a file without front-matter is read as an entry; `FieldDerivation.apply` makes
    /// it the kind's). With
    /// `keyed`, each file's blob id is known (hashed from the bytes for working-tree files) and
    /// `cached` may answer for it first: for index and revision files, without reading the blob.
    package static func process<T: Sendable>(_ files: [EntryFile], from snapshot: Snapshot, configuration: Configuration, keyed: Bool,
                                     cached: @Sendable (EntryFile, ObjectID) -> T?,
                                     make: @Sendable (EntryFile, EntryParser.Result, ObjectID?) -> T) throws(GitError) -> [T] {
        let maxSize = configuration.maxFileSize
        let reader = snapshot.parallelReader
        let outcomes = files.parallelMap(context: { () -> Swift.Result<SnapshotFileReader, GitError> in
            do throws(GitError) { return .success(try reader.open()) } catch { return .failure(error) }
        }) { context, job -> Swift.Result<T, GitError> in
            // A symbolic link is the same finding in every snapshot; its target is never read.
            if job.file.isSymbolicLink {
                return .success(make(job, EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                    path: job.path, position: SourcePosition(line: 1, column: 1), code: "symlink-entry",
                    message: "the entry file is a symbolic link; git stores the link, not an entry: commit the file itself")]), nil))
            }
            if keyed, let blob = job.file.blob, let hit = cached(job, blob) { return .success(hit) }
            let reader: SnapshotFileReader
            do throws(GitError) { reader = try context.get() } catch { return .failure(error) }
            let contents: FileContents
            do throws(GitError) {
                contents = try reader.contents(of: job.file, limit: maxSize)
            } catch {
                // One file that cannot be read is a finding for that file, not the end of the run.
                return .success(make(job, EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                    path: job.path, position: SourcePosition(line: 1, column: 1), code: "unreadable-file",
                    message: "cannot read the file: \(error.message)")]), nil))
            }
            switch contents {
            case .tooLarge(let size):
                let result = EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                    path: job.path, position: SourcePosition(line: 1, column: 1), code: "file-too-large",
                    message: "file of \(size) bytes is larger than max_file_size (\(maxSize) bytes); not read")])
                return .success(make(job, result, keyed ? job.file.blob : nil))
            case .bytes(let bytes):
                guard keyed else {
                    return .success(make(job, EntryParser.parse(path: job.path, kind: job.kind, bytes: bytes, readsFilesWithoutFrontMatter: true), nil))
                }
                let key = job.file.blob ?? Repository.blobID(of: bytes)
                if job.file.blob == nil, let hit = cached(job, key) { return .success(hit) }
                return .success(make(job, EntryParser.parse(path: job.path, kind: job.kind, bytes: bytes, readsFilesWithoutFrontMatter: true), key))
            }
        }
        var results: [T] = []
        results.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            switch outcome {
            case .success(let value): results.append(value)
            case .failure(let error): throw error
            }
        }
        return results
    }

    /// Problems of the snapshot's entry files as a set rather than one by one: names that clash,
    /// files left unmerged.
    package static func snapshotDiagnostics(_ files: [EntryFile], of snapshot: Snapshot, configuration: Configuration) -> [Diagnostic] {
        snapshotDiagnostics(paths: files.map(\.path), of: snapshot, configuration: configuration)
    }

    /// Problems of the snapshot's entry files (at `paths`) as a set.
    package static func snapshotDiagnostics(paths: [GitPath], of snapshot: Snapshot, configuration: Configuration) -> [Diagnostic] {
        var diagnostics = pathDiagnostics(paths)
        for path in snapshot.conflictedPaths(under: listedFolders(configuration)) where configuration.kind(containing: path).map({ EntryFileFilter.isEntry(path, of: $0) }) ?? false {
            diagnostics.append(Diagnostic(path: path, position: SourcePosition(line: 1, column: 1), code: "unmerged-file",
                                          message: "unresolved merge conflict: resolve the conflict in \(path) first"))
        }
        return diagnostics
    }

    /// Names git keeps apart but people and some file systems do not: non-UTF-8 names, and names
    /// equal after Unicode normalisation (macOS folds them into one file).
    static func pathDiagnostics(_ paths: [GitPath]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var byNormalForm: [String: [GitPath]] = [:]
        for path in paths {
            guard let text = path.string else {
                diagnostics.append(Diagnostic(path: path, position: SourcePosition(line: 1, column: 1), severity: .warning,
                                              code: "non-utf8-path",
                                              message: "file name is not valid UTF-8 (invalid bytes shown as \\xNN)"))
                continue
            }
            guard !path.bytes.allSatisfy({ $0 < 0x80 }) else { continue }
            byNormalForm[text.precomposedStringWithCanonicalMapping, default: []].append(path)
        }
        for (_, group) in byNormalForm where group.count > 1 {
            for path in group {
                let others = group.filter { $0 != path }.map { "'\($0.bytes.map { String(format: "%02x", $0) }.joined())'" }
                diagnostics.append(Diagnostic(path: path, position: SourcePosition(line: 1, column: 1), severity: .warning,
                                              code: "unicode-normalization-clash",
                                              message: "file name differs from \(group.count - 1) other name(s) only in Unicode normalization (bytes \(others.joined(separator: ", "))); some file systems treat them as one file"))
            }
        }
        return diagnostics
    }
}
