import Foundation
import Git

/// The organization's memory: this repository and the last synced state of every source, read as
/// one corpus (`--org`). A source that was never synced or whose state cannot be read gives a note
/// and is left out; the others are read.
public struct OrganizationView: Sendable {
    /// The synced sources read, in the configuration's order.
    public let sources: [SourceMemory]
    /// What the reader should know: sources never synced, unreadable, or synced long ago.
    public let notes: [String]
    /// Keep this repository's own entries (`false` when `--source` names only other sources).
    public let includesLocal: Bool
    /// This repository's own name (`name:`), if it has one: the `source` of its records.
    public let localName: String?
    /// When each source read was last found current (`lore sources sync`), in seconds since 1970, by name.
    public var checkedAt: [String: Int] = [:]

    /// How long ago a synced state may have been last found current before a view says so.
    public static let staleAfter = 86_400

    /// Reads the synced sources of `configuration` (only those in `only` when given; `.` names this
    /// repository). `now` (seconds since 1970) judges how old each state is.
    public static func load(_ memory: MemoryRepository, configuration: Configuration, only: [String] = [],
                            now: Int = Int(Date().timeIntervalSince1970)) throws(SourceProblem) -> OrganizationView {
        let known = Set(configuration.sources.map(\.name))
        for name in only where name != "." && !known.contains(name) {
            throw SourceProblem("unknown source '\(name)'; .lore/config.yml lists \(known.isEmpty ? "none" : known.sorted().joined(separator: ", "))")
        }
        let store = SourceStore(repository: memory.repository)
        let localName = configuration.name
        let wanted = configuration.sources.filter { only.isEmpty || only.contains($0.name) }
        let checked = store.checkTimes()
        let read = wanted.parallelMap(batch: 4) { source -> (SourceMemory?, String?) in
            guard let synced = store.read(source.name) else {
                return (nil, "source '\(source.name)' was never synced (`lore sources sync`); its entries are left out")
            }
            do throws(SourceProblem) {
                let memory = try SourceMemory(synced, localName: localName)
                let age = now - store.lastChecked(synced, times: checked)
                return (memory, age > staleAfter ? "source '\(source.name)' was last synced \(SyncedSource.age(seconds: age)) ago" : nil)
            } catch {
                return (nil, "source '\(source.name)': \(error.message); its entries are left out")
            }
        }
        let sources = read.compactMap { $0.0 }
        var view = OrganizationView(sources: sources, notes: read.compactMap { $0.1 }, includesLocal: only.isEmpty || only.contains("."),
                                    localName: localName)
        for source in sources { view.checkedAt[source.name] = max(source.header.syncedAt, checked[source.name] ?? 0) }
        return view
    }

    /// `corpus` with every synced source's entries added (ids qualified, paths `NAME:path`), sorted by path.
    public func merge(_ corpus: Corpus) -> Corpus {
        var entries = includesLocal ? corpus.entries : []
        for source in sources { entries += source.entries }
        entries.sort { $0.path < $1.path }
        var merged = Corpus(configuration: corpus.configuration, source: corpus.source, entries: entries,
                            diagnostics: includesLocal ? corpus.diagnostics : [])
        merged.blobs = includesLocal ? corpus.blobs : [:]
        return merged
    }

    /// The source an entry of the merged corpus comes from (`nil`: this repository).
    public func source(of path: GitPath) -> String? {
        guard let colon = path.bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = String(decoding: path.bytes[..<colon], as: UTF8.self)
        return sources.contains { $0.name == name } ? name : nil
    }

    /// The history record a source's index gave the entry at `path`.
    public func history(of path: GitPath) -> JSONValue? {
        guard let name = source(of: path) else { return nil }
        return sources.first { $0.name == name }?.histories[path]
    }

    /// The synced entry a qualified id names (`payments:PM-0001`), and the source holding it.
    public func entry(qualified id: String) -> (source: SourceMemory, entry: Entry)? {
        guard let qualified = SourceSpec.qualified(id), let source = sources.first(where: { $0.name == qualified.source }) else { return nil }
        guard let entry = source.entries.first(where: { $0.id == id }) else { return nil }
        return (source, entry)
    }
}
