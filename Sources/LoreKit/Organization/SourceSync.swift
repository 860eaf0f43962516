import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Git

/// What `lore sources sync` did with one source.
public struct SourceReport: Sendable, Hashable {
    /// How the sync of a source ended.
    public enum Outcome: String, Sendable, Hashable {
        /// A new state was read and swapped in.
        case updated
        /// The commit or the index's digest is the one synced before: nothing was read again.
        case unchanged
        /// The source could not be read; its previous state (if any) is kept.
        case failed
    }

    /// The source's name.
    public let name: String
    /// What happened.
    public let outcome: Outcome
    /// What was found (`12 entries at 1a2b3c4`) or what went wrong.
    public let message: String
    /// Things to know that did not stop the sync (a force-pushed branch).
    public let warnings: [String]

    /// The report as one line per fact: `payments: updated: 12 entries at 1a2b3c4`.
    public var lines: [String] {
        ["\(name): \(outcome.rawValue): \(message)"] + warnings.map { "\(name): warning: \($0)" }
    }
}

/// `lore sources sync`: fetches each configured source, reads it, and swaps its new state in.
public enum SourceSync {
    /// Syncs the sources of `configuration` (those named in `only`, when not empty), each on its
    /// own: one that fails keeps its previous state and never stops the others. `now` is the time
    /// recorded (seconds since 1970).
    public static func sync(_ memory: MemoryRepository, configuration: Configuration, only: [String] = [],
                            now: Int = Int(Date().timeIntervalSince1970)) -> [SourceReport] {
        let store = SourceStore(repository: memory.repository)
        let base = memory.repository.workingDirectory ?? memory.repository.commonDirectory
        let wanted = configuration.sources.filter { only.isEmpty || only.contains($0.name) }
        var seen: [String: String] = [:]
        var duplicates: [String: String] = [:]
        for source in wanted {
            let key = resolvedLocation(source, base: base)
            if let first = seen[key] { duplicates[source.name] = first } else { seen[key] = source.name }
        }
        let caching = memory.caching, skipped = duplicates
        var reports = wanted.parallelMap(batch: 1) { source in
            if let first = skipped[source.name] {
                return SourceReport(name: source.name, outcome: .failed,
                                    message: "reads the same repository as source '\(first)' (\(source.locationDescription)); skipped", warnings: [])
            }
            return sync(source, store: store, base: base, caching: caching, now: now)
        }
        // Every source found current was checked now: one file records it for all.
        let checked = reports.filter { $0.outcome != .failed }.map { ($0.name, now) }
        do {
            try store.recordChecks(Dictionary(checked, uniquingKeysWith: { first, _ in first }))
        } catch {
            if let last = reports.indices.last {
                let report = reports[last]
                reports[last] = SourceReport(name: report.name, outcome: report.outcome, message: report.message,
                                             warnings: report.warnings + ["cannot record when the sources were checked: \(error)"])
            }
        }
        return reports
    }

    /// A location made absolute: a relative path is relative to `base` (the top of the working tree).
    static func resolvedLocation(_ source: SourceSpec, base: String) -> String {
        let raw: String
        switch source.location {
        case .git(let url, let ref): raw = url + "#" + ref
        case .index(let location): raw = location
        }
        return absolute(raw, base: base)
    }

    static func absolute(_ location: String, base: String) -> String {
        if location.contains("://") || location.hasPrefix("/") { return location }
        return (URL(fileURLWithPath: base).appendingPathComponent(location).standardizedFileURL.path)
    }

    private static func sync(_ source: SourceSpec, store: SourceStore, base: String, caching: Bool, now: Int) -> SourceReport {
        let previous = store.read(source.name)
        func failed(_ message: String) -> SourceReport {
            let kept = previous.map { "; kept the state synced \(SyncedSource.age(seconds: now - $0.header.syncedAt)) ago" } ?? "; never synced"
            return SourceReport(name: source.name, outcome: .failed, message: message + kept, warnings: [])
        }
        do throws(SourceProblem) {
            switch source.location {
            case .git(let url, let ref):
                return try syncGit(source, url: absolute(url, base: base), ref: ref, previous: previous, store: store, caching: caching, now: now)
            case .index(let location):
                // The validators of the state synced from this same location, if any.
                let same = previous.flatMap { $0.header.location == location ? $0.header : nil }
                let answer = try fetch(absolute(location, base: base), etag: same?.etag, lastModified: same?.lastModified)
                guard case .content(let bytes, let etag, let lastModified) = answer else {
                    // 304 Not Modified: the synced state is the server's current one.
                    let entries = same?.entries ?? 0, digest = same?.digest ?? ""
                    return SourceReport(name: source.name, outcome: .unchanged,
                                        message: "\(Self.count(entries)), index \(digest.prefix(7)) (not modified)", warnings: [])
                }
                let digest = Repository.blobID(of: bytes).hex
                // The same bytes as synced: nothing to read again.
                if let previous, previous.header.digest == digest, previous.header.location == location,
                   previous.header.etag == etag, previous.header.lastModified == lastModified {
                    return SourceReport(name: source.name, outcome: .unchanged, message: "\(Self.count(previous.header.entries)), index \(digest.prefix(7))",
                                        warnings: [])
                }
                let entries = try SourceMemory.records(of: bytes).count
                let header = SyncedSource.Header(name: source.name, type: "index", location: location, ref: nil, commit: nil,
                                                 digest: digest, syncedAt: now, entries: entries, etag: etag, lastModified: lastModified)
                let changed = previous?.header.digest != digest || previous?.header.location != location
                try save(SyncedSource(header: header, index: bytes), store)
                if !changed {
                    // Only the validators are new: the content is what was synced.
                    return SourceReport(name: source.name, outcome: .unchanged, message: "\(Self.count(entries)), index \(digest.prefix(7))", warnings: [])
                }
                return SourceReport(name: source.name, outcome: .updated, message: "\(Self.count(entries)), index \(digest.prefix(7))", warnings: [])
            }
        } catch {
            return failed(error.message)
        }
    }

    private static func save(_ synced: SyncedSource, _ store: SourceStore) throws(SourceProblem) {
        do {
            try store.write(synced)
        } catch {
            throw SourceProblem("cannot save its state: \(error)")
        }
    }

    private static func syncGit(_ source: SourceSpec, url: String, ref: String, previous: SyncedSource?, store: SourceStore,
                                caching: Bool, now: Int) throws(SourceProblem) -> SourceReport {
        let mirrorPath = store.mirrorPath(source.name)
        let commit: ObjectID
        var warnings: [String] = []
        if !url.contains("://"), !FileManager.default.fileExists(atPath: url) {
            throw SourceProblem("cannot fetch \(url): no such folder")
        }
        // A repository on this machine whose ref still names the pinned commit: nothing to fetch.
        if !url.contains("://"), let previous, previous.header.location == source.locationURL, let pinned = previous.header.commit,
           let local = try? Repository.discover(from: url), (try? local.resolveCommit(ref))?.hex == pinned {
            return SourceReport(name: source.name, outcome: .unchanged, message: "\(Self.count(previous.header.entries)) at \(pinned.prefix(7))", warnings: [])
        }
        do {
            let mirror = try Repository.openOrCreateBare(at: mirrorPath)
            try mirror.fetchMirror(from: url)
            do {
                commit = try mirror.resolveCommit(ref)
            } catch {
                throw SourceProblem("'\(ref)' is not a branch, tag or commit of \(url)")
            }
            if let old = previous?.header.commit, old != commit.hex, let oldID = ObjectID(hex: old),
               mirror.commitExists(old), try !mirror.isAncestor(oldID, of: commit) {
                warnings.append("'\(ref)' was rewritten (force-pushed): the synced commit \(old.prefix(7)) is no longer in its history; now at \(commit.hex.prefix(7))")
            }
        } catch let error as SourceProblem {
            throw error
        } catch {
            throw SourceProblem("cannot fetch \(url): \((error as? GitError)?.message ?? "\(error)")")
        }
        if let previous, previous.header.commit == commit.hex, previous.header.location == source.locationURL {
            return SourceReport(name: source.name, outcome: .unchanged, message: "\(Self.count(previous.header.entries)) at \(commit.hex.prefix(7))", warnings: warnings)
        }
        let index: MemoryIndex
        do {
            let mirror = try MemoryRepository(discoveringFrom: mirrorPath, caching: caching)
            index = try MemoryIndex.load(mirror, source: .revision(commit.hex))
        } catch {
            throw SourceProblem("cannot read its memory at \(commit.hex.prefix(7)): \(error.description.hasPrefix("error: ") ? String(error.description.dropFirst(7)) : error.description)")
        }
        let bytes = index.render(lines: false)
        let header = SyncedSource.Header(name: source.name, type: "git", location: source.locationURL, ref: ref, commit: commit.hex,
                                         digest: Repository.blobID(of: bytes).hex, syncedAt: now, entries: index.corpus.entries.count)
        try save(SyncedSource(header: header, index: bytes), store)
        let was = previous?.header.commit.map { " (was \($0.prefix(7)))" } ?? ""
        return SourceReport(name: source.name, outcome: .updated, message: "\(Self.count(index.corpus.entries.count)) at \(commit.hex.prefix(7))\(was)",
                            warnings: warnings)
    }

    static func count(_ entries: Int) -> String { entries == 1 ? "1 entry" : "\(entries) entries" }

    /// The bytes at a path or an http(s) URL; over HTTP asked only if they changed since the
    /// answer that gave `etag` / `lastModified`.
    static func fetch(_ location: String, etag: String? = nil, lastModified: String? = nil) throws(SourceProblem) -> HTTPDownload.Answer {
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            return try HTTPDownload.get(location, etag: etag, lastModified: lastModified)
        }
        let path = location.hasPrefix("file://") ? String(location.dropFirst(7)) : location
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceProblem("cannot read \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        return .content([UInt8](data), etag: nil, lastModified: nil)
    }
}

extension SourceSpec {
    /// The configured location of a git source (the URL or path as written).
    var locationURL: String {
        if case .git(let url, _) = location { return url }
        if case .index(let location) = location { return location }
        return ""
    }
}

/// One blocking HTTP GET with Foundation's URLSession: the bytes of a 200 answer (with its
/// validators), `notModified` for a 304 to a conditional request, else a problem.
enum HTTPDownload {
    /// What the server answered.
    enum Answer: Sendable {
        /// The content, with the `ETag` and the trusted `Last-Modified` to ask with next time.
        case content([UInt8], etag: String?, lastModified: String?)
        /// 304: what was fetched with the validators sent is still current.
        case notModified
    }

    private final class Result: @unchecked Sendable {
        var data: Data?
        var status = 0
        var error: String?
        var etag: String?
        var lastModified: String?
        var date: String?
    }

    static func get(_ location: String, etag: String? = nil, lastModified: String? = nil,
                    timeout: TimeInterval = 30) throws(SourceProblem) -> Answer {
        guard let url = URL(string: location) else { throw SourceProblem("'\(location)' is not a URL") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("lore", forHTTPHeaderField: "User-Agent")
        if let etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let lastModified { request.setValue(lastModified, forHTTPHeaderField: "If-Modified-Since") }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        let session = URLSession(configuration: configuration)
        session.dataTask(with: request) { data, response, error in
            result.data = data
            let http = response as? HTTPURLResponse
            result.status = http?.statusCode ?? 0
            result.etag = http?.value(forHTTPHeaderField: "ETag")
            result.lastModified = http?.value(forHTTPHeaderField: "Last-Modified")
            result.date = http?.value(forHTTPHeaderField: "Date")
            result.error = error?.localizedDescription
            done.signal()
        }.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        if let error = result.error { throw SourceProblem("cannot fetch \(location): \(error)") }
        if result.status == 304, etag != nil || lastModified != nil { return .notModified }
        guard result.status == 200, let data = result.data else {
            throw SourceProblem("cannot fetch \(location): HTTP status \(result.status)")
        }
        return .content([UInt8](data), etag: result.etag, lastModified: trusted(result.lastModified, date: result.date))
    }

    /// `lastModified` when it is at least a second before the answer's `date` (RFC 9110 8.8.2.2:
    /// otherwise the file may change again within the same second, and a 304 would hide it).
    static func trusted(_ lastModified: String?, date: String?) -> String? {
        guard let lastModified, let date, let modified = httpDate(lastModified), let answered = httpDate(date),
              answered.timeIntervalSince(modified) >= 1 else { return nil }
        return lastModified
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
