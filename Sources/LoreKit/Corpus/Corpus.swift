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
    /// The blob id of each entry's file (what its bytes hash to, for working-tree files), by path:
    /// what an index keyed by content (the search index) compares.
    public var blobs: [GitPath: ObjectID] = [:]

    /// The entries whose `id` is `id` (more than one when an id is duplicated).
    public func entries(withID id: String) -> [Entry] { entries.filter { $0.id == id } }
}

/// Decides which files of a kind's folder are entries (FORMAT.md "Entries").
public enum EntryFileFilter {
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
        let dirs = configuration.kinds.map { GitPath($0.dir) }
        let files = try snapshot.files(under: dirs).filter { EntryFileFilter.isEntry($0.path) }

        struct Job: Sendable {
            let file: SnapshotFile
            let kind: String
        }
        struct Outcome: Sendable {
            let result: EntryParser.Result
            let key: ObjectID?
            let encoded: [UInt8]?
        }
        let jobs = files.compactMap { file in
            configuration.kind(containing: file.path).map { Job(file: file, kind: $0.name) }
        }
        let maxSize = configuration.maxFileSize
        let reader = snapshot.parallelReader
        // Reading (inflating blobs) and parsing both run on every core, each thread with its own
        // repository handle; a file's bytes are dropped as soon as it is parsed.
        let outcomes = jobs.parallelMap(context: { () -> Swift.Result<SnapshotFileReader, GitError> in
            do throws(GitError) { return .success(try reader.open()) } catch { return .failure(error) }
        }) { context, job -> Swift.Result<Outcome, GitError> in
            if let blob = job.file.blob, let hit = cache?.result(for: blob, path: job.file.path, kind: job.kind) {
                return .success(Outcome(result: hit, key: blob, encoded: nil))
            }
            let contents: FileContents
            do throws(GitError) {
                contents = try context.get().contents(of: job.file, limit: maxSize)
            } catch {
                return .failure(error)
            }
            switch contents {
            case .tooLarge(let size):
                return .success(Outcome(result: EntryParser.Result(entry: nil, diagnostics: [Diagnostic(
                    path: job.file.path, position: SourcePosition(line: 1, column: 1), code: "file-too-large",
                    message: "file of \(size) bytes is larger than max_file_size (\(maxSize) bytes); not read")]), key: nil, encoded: nil))
            case .bytes(let bytes):
                let key = job.file.blob ?? Repository.blobID(of: bytes)
                guard let cache else {
                    return .success(Outcome(result: EntryParser.parse(path: job.file.path, kind: job.kind, bytes: bytes), key: key, encoded: nil))
                }
                if let hit = cache.result(for: key, path: job.file.path, kind: job.kind) {
                    return .success(Outcome(result: hit, key: key, encoded: nil))
                }
                let result = EntryParser.parse(path: job.file.path, kind: job.kind, bytes: bytes)
                return .success(Outcome(result: result, key: key, encoded: ParseCacheCoding.encode(result)))
            }
        }
        var records: [(key: ObjectID, payload: ArraySlice<UInt8>, fresh: Bool)] = []
        var results: [EntryParser.Result] = []
        results.reserveCapacity(outcomes.count)
        var blobs: [GitPath: ObjectID] = [:]
        blobs.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            switch outcome {
            case .success(let outcome):
                results.append(outcome.result)
                if let key = outcome.key, let entry = outcome.result.entry { blobs[entry.path] = key }
                if let key = outcome.key, cache != nil {
                    if let encoded = outcome.encoded {
                        records.append((key, encoded[...], true))
                    } else if let kept = cache?.encoded(key) {
                        records.append((key, kept, false))
                    }
                }
            case .failure(let error): throw error
            }
        }
        cache?.keep(records)
        var entries: [Entry] = []
        entries.reserveCapacity(results.count)
        var diagnostics: [Diagnostic] = []
        for result in results {
            if let entry = result.entry { entries.append(entry) }
            diagnostics += result.diagnostics
        }
        diagnostics += pathDiagnostics(jobs.map(\.file.path))
        for path in snapshot.conflictedPaths(under: dirs) where EntryFileFilter.isEntry(path) {
            diagnostics.append(Diagnostic(path: path, position: SourcePosition(line: 1, column: 1), code: "unmerged-file",
                                          message: "unresolved merge conflict: resolve the conflict in \(path) first"))
        }
        diagnostics.sort()
        var corpus = Corpus(configuration: configuration, source: snapshot.source, entries: entries, diagnostics: diagnostics)
        corpus.blobs = blobs
        return corpus
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
