import Foundation
import Git

/// Why Lore could not read a repository's memory: the repository itself, or its configuration.
public enum LoreError: Error, Sendable, CustomStringConvertible {
    /// The repository could not be opened or read (exit code 3).
    case repository(GitError)
    /// `.lore/config.yml` is invalid (exit code 2).
    case configuration(ConfigurationError)

    public var description: String {
        switch self {
        case .repository(let error): return "error: \(error)"
        case .configuration(let error): return error.description
        }
    }
}

/// A git repository read as organizational memory: its configuration and entries at any snapshot.
public final class MemoryRepository {
    /// The underlying repository.
    public let repository: Repository

    /// Parsed entries by blob id, read once per process and shared by every snapshot it loads.
    private lazy var cache: ParseCache? = caching ? ParseCache(gitDirectory: repository.gitDirectory) : nil

    /// The features' own caches for this session, one of each type (see `sessionCache`).
    private var featureCaches: [ObjectIdentifier: AnyObject] = [:]

    /// Whether results are cached in the git folder (`lore/`): only ever a matter of speed.
    public let caching: Bool

    /// Opens the repository containing `path` (any folder inside a working tree, a bare
    /// repository, a linked worktree). With `caching` (the default, unless the environment sets
    /// `LORE_NO_CACHE`), parse results and check verdicts are kept in the git folder under `lore/`.
    public init(discoveringFrom path: String, caching: Bool = ProcessInfo.processInfo.environment["LORE_NO_CACHE"] == nil) throws(LoreError) {
        self.caching = caching
        do {
            repository = try Repository.discover(from: path)
        } catch {
            throw .repository(error)
        }
    }

    /// A snapshot: the working tree, the index being committed, or a revision.
    public func snapshot(_ source: SnapshotSource) throws(LoreError) -> Snapshot {
        do {
            return try Snapshot(repository: repository, source: source)
        } catch {
            throw .repository(error)
        }
    }

    /// The configuration as the snapshot has it (`.lore/config.yml`), or the built-in one.
    public func configuration(in snapshot: Snapshot) throws(LoreError) -> Configuration {
        let contents: FileContents?
        do {
            contents = try snapshot.contents(at: Configuration.path, limit: 1 << 20)
        } catch {
            throw .repository(error)
        }
        switch contents {
        case nil:
            return .builtIn
        case .tooLarge(let size)?:
            throw .configuration(ConfigurationError(path: Configuration.path, position: SourcePosition(line: 1, column: 1),
                                                    message: "the configuration is \(size) bytes; the limit is 1 MiB"))
        case .bytes(let bytes)?:
            do {
                return try Configuration.parse(bytes)
            } catch {
                throw .configuration(error)
            }
        }
    }

    /// Every entry of the snapshot, read with the snapshot's own configuration.
    public func corpus(_ source: SnapshotSource) throws(LoreError) -> Corpus {
        let snapshot = try snapshot(source)
        return try corpus(of: snapshot, configuration: configuration(in: snapshot))
    }

    /// Every entry of a snapshot, using the parse cache in the git folder (`lore/parse-cache`)
    /// unless `LORE_NO_CACHE` is set: unchanged files are not parsed again.
    public func corpus(of snapshot: Snapshot, configuration: Configuration) throws(LoreError) -> Corpus {
        let corpus: Corpus
        do {
            corpus = try CorpusLoader.load(from: snapshot, configuration: configuration, cache: cache)
        } catch {
            throw .repository(error)
        }
        // Dates a kind takes from git: the commit that added the file, following renames.
        guard corpus.entries.contains(where: { $0.frontMatter.derived.values.contains(FieldDerivation.pendingGit) }) else { return corpus }
        let history = try self.history(of: snapshot, configuration: configuration)
        var filled = Corpus(configuration: corpus.configuration, source: corpus.source,
                            entries: FieldDerivation.fillFromHistory(corpus.entries) { history.history(of: $0)?.created?.timestamp },
                            diagnostics: corpus.diagnostics)
        filled.blobs = corpus.blobs
        return filled
    }

    /// The git history of every entry file of the snapshot's commit (the revision read, else
    /// `HEAD`; empty on an unborn branch), read in one walk and cached in `lore/history-cache`
    /// unless `LORE_NO_CACHE` is set. `progress` is called with the number of commits read while
    /// uncached commits are read.
    public func history(of snapshot: Snapshot, configuration: Configuration,
                        progress: ((Int) -> Void)? = nil) throws(LoreError) -> RepositoryHistory {
        do {
            let tip: ObjectID
            if let commit = snapshot.commit {
                tip = commit
            } else if repository.isHeadUnborn {
                return .empty
            } else {
                tip = try repository.resolveCommit("HEAD")
            }
            return try HistoryReader.read(repository, tip: tip, folders: CorpusLoader.historyFolders(configuration),
                                          useCache: caching, progress: progress)
        } catch {
            throw .repository(error)
        }
    }

    /// The session's one cache of type `T`, made by `make` on first use when caching is on, else
    /// `nil`. The layers above the core keep theirs here (the check cache, for example), so that
    /// every command of one process shares them without the session knowing their types.
    package func sessionCache<T: AnyObject>(_ type: T.Type = T.self, make: (String) -> T) -> T? {
        guard caching else { return nil }
        let key = ObjectIdentifier(type)
        if let cache = featureCaches[key] as? T { return cache }
        let cache = make(repository.gitDirectory)
        featureCaches[key] = cache
        return cache
    }
}
