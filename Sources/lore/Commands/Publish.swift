import ArgumentParser
import Foundation
import LoreKit

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the memory as a static site: pages, search, index.json and an Atom feed.",
        discussion: """
        The site works from any static host and from file://: a home page
        (recent and updated entries, counts, overdue action items), a page per
        entry (rendered Markdown, fields, history, links and backlinks, code and
        commits linked to the forge), lists by kind, tag, service, status and
        year, a monthly timeline, action items by owner and service, search as
        you type (every page works without JavaScript), index.json (the
        `lore index` format) and feed.xml (Atom, new and updated entries).
        Summaries are plain text. Drafts (a status in the configuration's
        draft_statuses, `draft` and `proposed` by default) are left out unless
        --include-drafts (a note on standard error counts them); links to
        them are shown as unresolved.

        Entry content is untrusted: Markdown is rendered in safe mode (raw HTML
        left out), every value is escaped, only http, https, mailto and relative
        links are kept. Times come from git history; action items are overdue
        against today's date, as in `lore actions`. With --today (or
        SOURCE_DATE_EPOCH, the reproducible-builds convention) the same
        snapshot gives the same bytes on any machine, time zone or locale.

        The site is built in a temporary folder beside --out and renamed into
        place, so a failed publish leaves the previous site as it was. Into a
        site published before, only the pages whose inputs changed are
        rendered (the manifest in .lore-site records a digest of each page's
        inputs); the others are taken from it unchanged, and the result is
        the same bytes as a publish into an empty folder. --out
        must never hold the repository, lie inside the git folder, or hold or
        lie inside a tracked file, a kind's folder or .lore/, --force or not;
        it must be missing, empty, or a site written earlier (it has a
        .lore-site file) unless --force.

        Pages are Mustache templates; a repository overrides any of them in
        .lore/theme/ (same file names). --print-theme DIR writes the built-in
        theme to start from. View-source and commit links need --repo-url or an
        origin remote on GitHub, GitLab or Bitbucket.
        """)

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @Option(help: ArgumentHelp("The folder to write the site to (replaced whole).", valueName: "DIR"))
    var out: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The address the site is served from, for absolute links and ids in feed.xml.", valueName: "URL"))
    var baseURL: String?

    @Option(help: "The site's title (default: \"Organizational memory\").")
    var title: String?

    @Option(name: .customLong("repo-url"), help: ArgumentHelp("The repository's web address for view-source and commit links (default: the origin remote).", valueName: "URL"))
    var repoURL: String?

    @OptionGroup var today: TodayOption

    @Flag(help: "Replace --out even when it is a non-empty folder lore publish did not write.")
    var force = false

    @Flag(name: .customLong("include-drafts"), help: "Publish draft entries too (statuses in draft_statuses: draft, proposed).")
    var includeDrafts = false

    @Option(name: .customLong("print-theme"), help: ArgumentHelp("Write the built-in theme's files to DIR (never replacing a file) and stop.", valueName: "DIR"))
    var printTheme: String?

    func validate() throws {
        if out == nil && printTheme == nil { throw ValidationError("give --out DIR (or --print-theme DIR)") }
        if let baseURL {
            let lower = baseURL.lowercased()
            guard (lower.hasPrefix("https://") || lower.hasPrefix("http://")), SiteEscaping.safeURL(baseURL) != nil,
                  !baseURL.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }) else {
                throw ValidationError("--base-url must be an http or https address, not '\(baseURL)'")
            }
        }
    }

    func run() throws {
        if var printTheme {
            if let repo = snapshot.repo, !printTheme.hasPrefix("/") { printTheme = repo + "/" + printTheme }
            do {
                for path in try SitePublisher.printTheme(to: printTheme) { Console.out(path + "\n") }
            } catch {
                throw Failure(code: 1, message: error.description)
            }
            return
        }
        guard var out else { return }
        // -C means "as if started there": a relative --out is relative to that folder too.
        if let repo = snapshot.repo, !out.hasPrefix("/") { out = repo + "/" + out }
        let memory = try snapshot.open()
        let roots = [memory.repository.workingDirectory, memory.repository.gitDirectory, memory.repository.commonDirectory].compactMap { $0 }
        var base = baseURL
        if let value = base, !value.hasSuffix("/") { base = value + "/" }
        var options = PublishOptions(title: title, baseURL: base, repositoryURL: repoURL, today: today.date,
                                     includeDrafts: includeDrafts)
        if org.org {
            do {
                options.organization = try org.view(memory, configuration: memory.configuration(in: memory.snapshot(snapshot.source)))
            } catch let error as LoreError {
                throw Failure(error)
            }
        }
        let site: Site
        let target: String
        let fileCount: Int
        do {
            target = try SitePublisher.checkOutput(out, protecting: roots, repository: try protectedPaths(memory), force: force)
            // A site published before into --out: pages whose inputs did not change are taken from it.
            let previous = FileManager.default.fileExists(atPath: target + "/" + Site.markerName) ? target : nil
            site = try Site.build(memory, source: snapshot.source, options: options, previous: previous,
                                  progress: Progress.reporter("reading history"))
            Progress.finish()
            fileCount = try SitePublisher.write(site, to: target)
        } catch {
            Progress.finish()
            switch error {
            case .lore(let lore): throw Failure(lore)
            case .theme: throw Failure(code: 2, message: error.description)
            case .refused, .write: throw Failure(code: 1, message: error.description)
            }
        }
        if let note = site.index.historyNote { Console.err("note: \(note)\n") }
        for ignored in site.ignoredThemeFiles { Console.err("note: \(ignored) is not a theme file; ignored\n") }
        if let repoURL, Forge(repositoryURL: repoURL) == nil {
            Console.err("note: --repo-url \(repoURL) is not on GitHub, GitLab or Bitbucket; pages do not link to code\n")
        }
        let entries = site.index.corpus.entries.count
        Console.out("published \(entries) \(entries == 1 ? "entry" : "entries") (\(fileCount) files) to \(target)\n")
        if site.draftsLeftOut > 0 {
            Console.err("note: \(site.draftsLeftOut) draft\(site.draftsLeftOut == 1 ? "" : "s") left out (--include-drafts publishes them)\n")
        }
        if Console.report(site.index.corpus.diagnostics) { throw ExitCode(1) }
    }

    /// What `--out` may never replace: the git folders, the tracked files (the index's paths) and
    /// the kinds' folders of the snapshot's and of the working tree's configuration.
    private func protectedPaths(_ memory: MemoryRepository) throws(PublishError) -> SitePublisher.Protected {
        let repository = memory.repository
        var paths: [GitPath]? = nil
        if repository.workingDirectory != nil {
            var kept: [GitPath] = [GitPath(".lore")]
            do throws(LoreError) {
                kept += try memory.configuration(in: memory.snapshot(snapshot.source)).kinds.map { GitPath($0.dir) }
            } catch {
                throw .lore(error)
            }
            // The working tree's kinds too (publishing --rev must not replace today's entries);
            // its configuration being invalid is no reason to refuse publishing another snapshot.
            if let working = try? memory.configuration(in: memory.snapshot(.workingTree)) {
                kept += working.kinds.map { GitPath($0.dir) }
            }
            // An index libgit2 cannot list (a sparse index) leaves `paths` nil: nothing in the
            // working tree is then allowed.
            if let index = try? memory.snapshot(.index(file: nil)), let tracked = try? index.files() {
                paths = kept + tracked.map(\.path) + index.conflictedPaths()
            }
        }
        return SitePublisher.Protected(gitFolders: [repository.gitDirectory, repository.commonDirectory],
                                       workingTree: repository.workingDirectory, paths: paths)
    }
}
