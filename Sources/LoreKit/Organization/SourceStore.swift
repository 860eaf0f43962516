import Foundation
import Git

/// What `lore sources sync` kept of one source: where it came from, the commit or digest read,
/// when, and the source's memory as a `lore-index` document.
public struct SyncedSource: Sendable {
    /// The facts about a sync, kept on the first line of the state file.
    public struct Header: Codable, Sendable, Hashable {
        /// The source's name.
        public var name: String
        /// `git` or `index`.
        public var type: String
        /// The location as configured.
        public var location: String
        /// For a git source: the branch, tag or commit read.
        public var ref: String?
        /// For a git source: the commit read (the pin).
        public var commit: String?
        /// The git blob id of the index document's bytes (what tells an unchanged index apart).
        public var digest: String
        /// When it was synced, in seconds since 1970 (UTC).
        public var syncedAt: Int
        /// How many entries the index holds.
        public var entries: Int
        /// For an index read over HTTP: the answer's `ETag`, sent back as `If-None-Match`.
        public var etag: String?
        /// For an index read over HTTP: the answer's `Last-Modified` when it can be trusted (at
        /// least a second before the answer's `Date`), sent back as `If-Modified-Since`.
        public var lastModified: String?

        /// The facts of a sync.
        public init(name: String, type: String, location: String, ref: String?, commit: String?, digest: String, syncedAt: Int,
                    entries: Int, etag: String? = nil, lastModified: String? = nil) {
            self.name = name
            self.type = type
            self.location = location
            self.ref = ref
            self.commit = commit
            self.digest = digest
            self.syncedAt = syncedAt
            self.entries = entries
            self.etag = etag
            self.lastModified = lastModified
        }

        enum CodingKeys: String, CodingKey {
            case name, type, location, ref, commit, digest, entries, etag
            case syncedAt = "synced_at"
            case lastModified = "last_modified"
        }
    }

    /// The facts about the sync.
    public let header: Header
    /// The source's memory: a `lore-index` version 1 document.
    public let index: [UInt8]
}

/// The synced state of every source, under the common git folder (`lore/sources/`): one state file
/// per source (`NAME.synced`), replaced whole or not at all, and for a git source the bare mirror
/// it was fetched into (`git/NAME`).
public struct SourceStore: Sendable {
    /// The folder, ending in `/`.
    public let folder: String

    /// The store of the repository's synced sources.
    public init(repository: Repository) {
        folder = repository.commonDirectory + "lore/sources/"
    }

    /// The state file of source `name`.
    public func statePath(_ name: String) -> String { folder + name + ".synced" }

    /// When each source was last found current (`lore sources sync` answered `unchanged` or
    /// `updated`), in seconds since 1970: one small file for all sources (`checked.json`), so a
    /// re-sync that changes nothing writes one file, not every state.
    public var checkedPath: String { folder + "checked.json" }

    /// The last check time of each source (empty when never recorded or unreadable).
    public func checkTimes() -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: checkedPath),
              let times = try? JSONDecoder().decode([String: Int].self, from: data) else { return [:] }
        return times
    }

    /// When `synced` was last found current: its check time, or when it was synced if later.
    public func lastChecked(_ synced: SyncedSource, times: [String: Int]) -> Int {
        max(synced.header.syncedAt, times[synced.header.name] ?? 0)
    }

    /// Records `times` (by source name) over the recorded ones, in one replaced file.
    public func recordChecks(_ times: [String: Int]) throws(NewFileError) {
        guard !times.isEmpty else { return }
        let merged = checkTimes().merging(times) { _, new in new }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(((try? encoder.encode(merged)).map { [UInt8]($0) } ?? []) + [10], to: checkedPath)
    }

    /// The bare mirror a git source is fetched into.
    public func mirrorPath(_ name: String) -> String { folder + "git/" + name }

    /// The last synced state of `name`, or `nil` when it was never synced (or the file is damaged:
    /// it is read again on the next sync).
    public func read(_ name: String) -> SyncedSource? {
        guard let data = FileManager.default.contents(atPath: statePath(name)) else { return nil }
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: 10),
              let header = try? JSONDecoder().decode(SyncedSource.Header.self, from: Data(bytes[..<newline])) else { return nil }
        let index = Array(bytes[(newline + 1)...])
        guard Repository.blobID(of: index).hex == header.digest else { return nil }
        return SyncedSource(header: header, index: index)
    }

    /// Replaces the state of a source whole: a reader sees the old state or the new one.
    public func write(_ source: SyncedSource) throws(NewFileError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .system(folder, error.localizedDescription)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = (try? encoder.encode(source.header)).map { [UInt8]($0) } ?? []
        try AtomicFile.write(header + [10] + source.index, to: statePath(source.header.name))
    }
}

extension SyncedSource {
/// How long ago something happened, in words: `5 minutes`, `3 hours`, `2 days`.
public static func age(seconds: Int) -> String {
    let value: (Int, String)
    switch max(0, seconds) {
    case ..<120: value = (max(0, seconds), "second")
    case ..<7200: value = (seconds / 60, "minute")
    case ..<172_800: value = (seconds / 3600, "hour")
    default: value = (seconds / 86400, "day")
    }
    return "\(value.0) \(value.1)\(value.0 == 1 ? "" : "s")"
}
}
