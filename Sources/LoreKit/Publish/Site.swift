import Foundation
import Git
import Markdown

/// What `lore publish` is asked for, besides the snapshot.
public struct PublishOptions: Sendable {
    /// The site's title (`--title`); "Organizational memory" when `nil`.
    public var title: String?
    /// The address the site is served from (`--base-url`), for absolute links and ids in the feed.
    public var baseURL: String?
    /// The repository's web address (`--repo-url`) for "view source" and commit links; `nil` reads
    /// the `origin` remote. Either is used only when it is a known forge (`Forge`).
    public var repositoryURL: String?
    /// The date action items are overdue against (`YYYY-MM-DD`); `nil` takes the UTC date of the
    /// snapshot's commit, so the same snapshot always gives the same site.
    public var today: String?
    /// Publish entries whose status is one of the configuration's `draft_statuses` (`--include-drafts`);
    /// by default they are left out of every page, the feed, the search index and `index.json`.
    public var includeDrafts: Bool

    /// The organization's view (`--org`): every synced source's entries are published with this
    /// repository's, each record of index.json naming its source.
    public var organization: OrganizationView?

    /// Options.
    public init(title: String? = nil, baseURL: String? = nil, repositoryURL: String? = nil, today: String? = nil,
                includeDrafts: Bool = false) {
        self.title = title
        self.baseURL = baseURL
        self.repositoryURL = repositoryURL
        self.today = today
        self.includeDrafts = includeDrafts
    }
}

/// Why a site could not be published.
public enum PublishError: Error, Sendable, CustomStringConvertible {
    /// Reading the repository or its configuration failed.
    case lore(LoreError)
    /// A theme file of `.lore/theme/` is not a valid template (exit code 2).
    case theme(path: String, message: String)
    /// `--out` names a place Lore will not replace (exit code 1).
    case refused(String)
    /// Writing the site failed; the previous site is intact (exit code 1).
    case write(path: String, message: String)

    public var description: String {
        switch self {
        case .lore(let error): return error.description
        case .theme(let path, let message): return "\(path): error: \(message)"
        case .refused(let message): return "error: \(message)"
        case .write(let path, let message): return "error: cannot write \(path): \(message)"
        }
    }
}

/// One file of a published site.
public struct SiteFile: Sendable, Hashable {
    /// The path inside the site, `/`-separated (`entries/PM-0001.html`).
    public let path: String
    /// The exact bytes (empty when the file is taken from `previous`).
    public let bytes: [UInt8]
    /// The file of the previous site that holds these bytes unchanged (an absolute path), when the
    /// page's inputs have not changed since: it is linked (or copied) rather than rendered again.
    public let previous: String?
    /// The size of the file in bytes.
    public let size: Int

    /// A file with these bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        self.previous = nil
        self.size = bytes.count
    }

    /// A file that is the file `previous` of the previous site, `size` bytes long.
    public init(path: String, previous: String, size: Int) {
        self.path = path
        self.bytes = []
        self.previous = previous
        self.size = size
    }
}

/// A static site for one snapshot, ready to be written: pages, `index.json`, `feed.xml`, the
/// search index, the theme's CSS and script. The same snapshot and options give the same bytes.
/// Nothing is rendered until `SitePublisher.write` writes it, a file at a time.
public struct Site: Sendable {
    /// What makes the files.
    let builder: SiteBuilder
    /// The site published before into the same folder, whose unchanged pages are taken as they are.
    let reused: (manifest: SiteManifest, folder: String)?
    /// The index the site was made from (also written as `index.json`).
    public let index: MemoryIndex
    /// Theme files taken from `.lore/theme/` of the snapshot, by name.
    public let themeOverrides: [String]
    /// Files of `.lore/theme/` that are not theme files (ignored).
    public let ignoredThemeFiles: [String]
    /// How many draft entries were left out (none with `PublishOptions.includeDrafts`).
    public var draftsLeftOut = 0

    /// The file that marks a folder as a site `lore publish` wrote (and may replace).
    public static let markerName = ".lore-site"
    /// The marker's text.
    public static let markerText = "This folder is a site written by `lore publish`; the next publish replaces it whole.\n"
    /// Where a repository overrides theme files.
    public static let themeFolder = ".lore/theme"

    /// Builds the site of the snapshot `source` of `memory`: entries, links and history are read
    /// once (`MemoryIndex`), bodies are rendered in safe mode, pages from the theme's templates.
    ///
    /// With `previous`, the folder of a site published before (normally `--out` itself), a page
    /// whose inputs are what that site's manifest records is not rendered again but taken from it
    /// (see `SiteFile.previous`); the files are the same bytes a build without it gives. The
    /// files are made by `SitePublisher.write`, as they are written.
    public static func build(_ memory: MemoryRepository, source: SnapshotSource, options: PublishOptions = PublishOptions(),
                             previous: String? = nil, progress: ((Int) -> Void)? = nil) throws(PublishError) -> Site {
        let snapshot: Snapshot, index: MemoryIndex
        var draftsLeftOut = 0
        do {
            snapshot = try memory.snapshot(source)
            let configuration = try memory.configuration(in: snapshot)
            var corpus = try memory.corpus(of: snapshot, configuration: configuration)
            if let organization = options.organization { corpus = organization.merge(corpus) }
            if !options.includeDrafts {
                let all = corpus.entries.count
                corpus = corpus.keeping { entry in !(entry.status.map(configuration.draftStatuses.contains) ?? false) }
                draftsLeftOut = all - corpus.entries.count
            }
            let history = try memory.history(of: snapshot, configuration: configuration, progress: progress)
            let graph = try memory.linkGraph(of: corpus, snapshot: snapshot, history: history)
            index = MemoryIndex(corpus: corpus, graph: graph, history: history, organization: options.organization)
        } catch {
            throw .lore(error)
        }
        let theme = try SiteTheme.load(from: snapshot)
        var repositoryURL = options.repositoryURL
        if repositoryURL == nil { repositoryURL = try? memory.repository.configString("remote.origin.url") }
        let forge = repositoryURL.flatMap(Forge.init(repositoryURL:))
        var today = options.today
        if today == nil, let tip = index.history.tip, let id = memory.repository.commitID(prefix: tip),
           let commit = try? memory.repository.readCommitHeader(id) {
            today = String(RFC3339.format(commit.committer.time, offsetMinutes: 0).prefix(10))
        }
        var bodies = try readBodies(index.corpus.entries, folders: CorpusLoader.listedFolders(index.corpus.configuration), snapshot: snapshot)
        if let organization = options.organization {
            // A source's entry has no file here: its page shows the sections its index kept.
            for (number, entry) in index.corpus.entries.enumerated() where organization.source(of: entry.path) != nil {
                bodies[number] = ([entry.summary] + entry.sectionTexts.map { "## \($0.title)\n\n\($0.text)" }).joined(separator: "\n\n")
            }
        }
        let builder = SiteBuilder(index: index, theme: theme, forge: forge, options: options, today: today, bodies: bodies)
        let reused = previous.flatMap { folder in SiteManifest.read(site: folder).map { (manifest: $0, folder: folder) } }
        var site = Site(builder: builder, reused: reused, index: index, themeOverrides: theme.overrides, ignoredThemeFiles: theme.ignored)
        site.draftsLeftOut = draftsLeftOut
        return site
    }

    /// The Markdown body (after the front-matter) of every entry.
    private static func readBodies(_ entries: [Entry], folders: [GitPath], snapshot: Snapshot) throws(PublishError) -> [String] {
        var listed: [GitPath: SnapshotFile] = [:]
        do {
            for file in try snapshot.files(under: folders) { listed[file.path] = file }
        } catch {
            throw .lore(.repository(error))
        }
        let files = entries.map { listed[$0.path] }
        let reader = snapshot.parallelReader
        let results: [Result<String, GitError>] = files.parallelMap(context: { () -> Result<SnapshotFileReader, GitError> in
            do throws(GitError) { return .success(try reader.open()) } catch { return .failure(error) }
        }) { fileReader, file in
            guard let file else { return .success("") }
            do throws(GitError) {
                guard case .bytes(let bytes) = try fileReader.get().contents(of: file) else { return .success("") }
                let text = String(decoding: bytes, as: UTF8.self)
                return .success(EntryParser.body(of: text))
            } catch {
                return .failure(error)
            }
        }
        var bodies: [String] = []
        bodies.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let body): bodies.append(body)
            case .failure(let error): throw .lore(.repository(error))
            }
        }
        return bodies
    }
}

/// The theme's templates: the built-in files with those of `.lore/theme/` in their place.
struct SiteTheme: Sendable {
    let library: TemplateLibrary
    /// A digest of every theme file's name and text: a page made with another theme is rendered again.
    let digest: String
    /// The templates that show the date (`asOf`), themselves, through the layout or a partial.
    let showsDate: Set<String>
    let assets: [String: String]
    let overrides: [String]
    let ignored: [String]

    static func load(from snapshot: Snapshot) throws(PublishError) -> SiteTheme {
        var texts: [String: String] = [:]
        for file in BuiltInTheme.files { texts[file.name] = file.text }
        var overrides: [String] = [], ignored: [String] = []
        let folder = GitPath(Site.themeFolder)
        let files: [SnapshotFile]
        do {
            files = try snapshot.files(under: [folder])
        } catch {
            throw .lore(.repository(error))
        }
        for file in files {
            let name = String(file.path.description.dropFirst(Site.themeFolder.count + 1))
            guard texts[name] != nil else { ignored.append(file.path.description); continue }
            let contents: FileContents
            do {
                contents = try snapshot.contents(of: file, limit: 4 << 20)
            } catch {
                throw .lore(.repository(error))
            }
            guard case .bytes(let bytes) = contents else {
                throw .theme(path: file.path.description, message: "a theme file is limited to 4 MiB")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .theme(path: file.path.description, message: "a theme file must be UTF-8 text")
            }
            texts[name] = text
            overrides.append(name)
        }
        var library = TemplateLibrary()
        var assets: [String: String] = [:]
        for (name, text) in texts.sorted(by: { $0.key < $1.key }) {
            guard name.hasSuffix(".mustache") else { assets[name] = text; continue }
            do throws(TemplateError) {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                let path = overrides.contains(name) ? "\(Site.themeFolder)/\(name)" : "Templates/theme/\(name)"
                throw .theme(path: "\(path):\(error.line):\(error.column)", message: "not a valid Mustache template: \(error.message)")
            }
        }
        var digest = PageDigest()
        for (name, text) in texts.sorted(by: { $0.key < $1.key }) {
            digest.add(name)
            digest.add(text)
        }
        return SiteTheme(library: library, digest: digest.hex, showsDate: mentioning("asOf", in: texts), assets: assets, overrides: overrides.sorted(), ignored: ignored.sorted())
    }

    /// The names of the templates (`*.mustache` files, without the extension) whose text, or the
    /// text of a partial they include (`{{> name}}`) or of the layout, holds `word`.
    static func mentioning(_ word: String, in texts: [String: String]) -> Set<String> {
        var templates: [String: String] = [:]
        for (name, text) in texts where name.hasSuffix(".mustache") { templates[String(name.dropLast(".mustache".count))] = text }
        func partials(_ text: String) -> [String] {
            text.components(separatedBy: "{{>").dropFirst().compactMap { rest in
                rest.components(separatedBy: "}}").first?.trimmingCharacters(in: .whitespaces)
            }
        }
        func mentions(_ name: String, _ seen: inout Set<String>) -> Bool {
            guard seen.insert(name).inserted, let text = templates[name] else { return false }
            if text.contains(word) { return true }
            return partials(text).contains { mentions($0, &seen) }
        }
        var noneSeen = Set<String>()
        let everywhere = mentions("layout", &noneSeen)
        return Set(templates.keys.filter { name in
            var seen = Set<String>()
            return everywhere || mentions(name, &seen)
        })
    }

}
