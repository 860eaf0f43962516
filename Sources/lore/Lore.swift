import ArgumentParser
import Foundation
import LoreKit

/// The `lore` command: organizational memory kept in git.
struct Lore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lore",
        abstract: "Organizational memory kept in git: postmortems, lessons and decisions as Markdown.",
        discussion: """
        Lore reads entries (Markdown files with YAML, TOML or JSON front-matter)
        from any snapshot of a git repository: the working tree (default), the
        staged index (--staged), or any commit (--rev). `lore -C DIR COMMAND`
        runs as if started in DIR, as `git -C` does.

        RECORDS YOU ALREADY HAVE
          `lore init` in a repository that already holds ADRs (adr-tools,
          MADR, log4brains), postmortems, RFCs or Hugo/Zola posts finds them
          and writes a .lore/config.yml that reads them in place: ids from
          file names, titles from the first heading, statuses from a
          `## Status` section or `Status:` line, dates from a `Date:` line,
          the file name or the first commit. No entry file is changed;
          `lore init --dry-run` prints the configuration.

        THE LEARNING LOOP
          `lore similar ID` lists past entries most like one (also --text,
          or - for a draft on standard input). `lore check` warns when a
          postmortem repeats one whose action items are open
          (recurring-incident) and when an entry is past its review date
          (review-due: review_by, or review_every_days of its kind); with
          --staged, --changed-since and in the hook, a status change its
          kind's `transitions:` do not allow is an error. `lore actions
          --format ics|csv` is a calendar of due dates and reviews.

        EXIT CODES
          0  success
          1  findings: `check` found errors (or warnings with --strict), a
             file could not be read as an entry, or the command refused to
             change anything (init where a configuration exists, new with a
             taken --id, renumber with uncommitted changes)
          2  usage or configuration error (bad arguments, an invalid
             .lore/config.yml, an unknown kind or id)
          3  repository environment error (not a git repository, a bare
             repository without --rev, an unreadable or unsupported one),
             or standard output that cannot be written (a full disk)

        Problems print as `path:line:col: error: message [rule-id]`: on
        standard output for `lore check`, on standard error otherwise.
        """,
        version: LoreVersion.description(commit: LoreVersion.commit),
        subcommands: [Init.self, New.self, List.self, Search.self, Similar.self, RecallCommand.self, Show.self, Actions.self, Stats.self, Check.self,
                      Renumber.self, Import.self, Index.self, Links.self, Graph.self, Publish.self, SourcesCommand.self, Rules.self, Hooks.self,
                      Trailers.self, LSP.self, MCP.self]
    )
}

/// An outcome that ends the command with a documented exit code and a message on stderr.
struct Failure: Error {
    let code: Int32
    let message: String

    static func usage(_ message: String) -> Failure { Failure(code: 2, message: "error: \(message)") }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ error: LoreError) {
        switch error {
        case .repository(let git): self.init(code: 3, message: "error: \(git)")
        case .configuration(let config): self.init(code: 2, message: config.description)
        }
    }
}

/// Where to find the repository and which snapshot of it to read.
struct SnapshotOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Option(name: .long, help: ArgumentHelp("Read this commit (HEAD, a branch, a tag, an abbreviated id).", valueName: "REV"))
    var rev: String?

    @Flag(name: .long, help: "Read the staged index (honours GIT_INDEX_FILE, as set in hooks).")
    var staged = false

    func validate() throws {
        if rev != nil && staged { throw ValidationError("--rev and --staged cannot be used together") }
    }

    var source: SnapshotSource {
        if let rev { return .revision(rev) }
        return staged ? .index(file: nil) : .workingTree
    }

    func open() throws -> MemoryRepository { try openRepository(repo) }

    /// The snapshot's entries; with `--org`, joined with every synced source's.
    func corpus(org: OrgOptions? = nil) throws -> Corpus {
        let memory = try open()
        do {
            let read = try memory.snapshot(source)
            let corpus = try memory.corpus(of: read, configuration: memory.configuration(in: read))
            return try org?.view(memory, configuration: corpus.configuration)?.merge(corpus) ?? corpus
        } catch let error as LoreError {
            throw Failure(error)
        }
    }

    /// The snapshot's entries (with `--org`, joined with every synced source's) and their history
    /// (one cached walk); the repository they came from.
    func corpusAndHistory(org: OrgOptions? = nil) throws -> (memory: MemoryRepository, corpus: Corpus, history: RepositoryHistory) {
        let memory = try open()
        do {
            let read = try memory.snapshot(source)
            var corpus = try memory.corpus(of: read, configuration: memory.configuration(in: read))
            if let view = try org?.view(memory, configuration: corpus.configuration) { corpus = view.merge(corpus) }
            return (memory, corpus, try memory.history(of: read, configuration: corpus.configuration))
        } catch let error as LoreError {
            throw Failure(error)
        }
    }

    /// Everything Lore knows of the snapshot (entries, links, history; with `--org`, joined with
    /// every synced source), with progress on a terminal and, when history is incomplete, the note
    /// saying so printed once.
    /// With `backlinks`, synced sources join even without `--org` (quietly), so links from other
    /// repositories show (`lore links`). `memory` is the repository when already open.
    func index(org: OrgOptions? = nil, backlinks: Bool = false, memory: MemoryRepository? = nil) throws -> MemoryIndex {
        let memory = try memory ?? open()
        let index: MemoryIndex
        do {
            let configuration = try memory.configuration(in: memory.snapshot(source))
            var view = try org?.view(memory, configuration: configuration)
            if view == nil, backlinks, !configuration.sources.isEmpty {
                view = try? OrganizationView.load(memory, configuration: configuration)
            }
            index = try MemoryIndex.load(memory, source: source, organization: view, progress: Progress.reporter("reading history"))
        } catch let error as LoreError {
            throw Failure(error)
        }
        Progress.finish()
        if let note = index.historyNote { Console.err("note: \(note)\n") }
        return index
    }
}

/// `--org` and `--source`: read this repository and every synced source as one memory.
struct OrgOptions: ParsableArguments {
    @Flag(help: "Read this repository and every synced source (.lore/config.yml `sources:`, `lore sources sync`) as one memory; other repositories' ids are qualified (payments:PM-0001).")
    var org = false

    @Option(name: .customLong("source"), help: ArgumentHelp("With --org, keep only this source's entries (repeatable; `.` is this repository).", valueName: "NAME"))
    var sources: [String] = []

    func validate() throws {
        if !sources.isEmpty && !org { throw ValidationError("--source needs --org") }
    }

    /// The organization's view when `--org` is given (its notes printed on stderr), else `nil`.
    func view(_ memory: MemoryRepository, configuration: Configuration) throws -> OrganizationView? {
        guard org else { return nil }
        do {
            let view = try OrganizationView.load(memory, configuration: configuration, only: sources)
            for note in view.notes { Console.err("note: \(Escaping.terminal(note))\n") }
            return view
        } catch {
            throw Failure.usage(error.message)
        }
    }
}

/// Refuses a `--today` that is not a date `YYYY-MM-DD` (usage error, exit 2).
func validateToday(_ today: String?) throws {
    if let today, !FieldType.date.accepts(today) { throw ValidationError("--today must be a date YYYY-MM-DD, not '\(today)'") }
}

/// `--color`: whether text output is coloured.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    /// On a terminal, unless `NO_COLOR` is set to a non-empty value (no-color.org).
    case auto
    case always
    case never

    /// Whether output to file descriptor `fd` is coloured.
    func isOn(for fd: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
            return noColor.isEmpty && isatty(fd) == 1
        }
    }
}

/// `--today`, shared by the commands that judge due dates (`check`, `actions`, `stats`,
/// `publish`): the clock's date unless `--today` or `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention, a UTC date) says otherwise, so a run can be reproduced byte for byte.
struct TodayOption: ParsableArguments {
    @Option(help: ArgumentHelp("The day due dates are judged against (default: SOURCE_DATE_EPOCH's UTC date when set, else the local date).", valueName: "YYYY-MM-DD"))
    var today: String?

    func validate() throws {
        try validateToday(today)
        if today == nil, case .failure(let error)? = LocalDate.sourceDateEpoch() { throw ValidationError(error.description) }
    }

    /// `--today`, else `SOURCE_DATE_EPOCH`'s date, else the local date.
    var date: String {
        if let today { return today }
        if case .success(let date)? = LocalDate.sourceDateEpoch() { return date }
        return LocalDate.today()
    }
}

/// Writes to standard output and standard error with write(2): whole texts, in order, unbuffered.
enum Console {
    static func out(_ text: String) { write(fd: 1, Array(text.utf8)) }

    static func out(_ bytes: [UInt8]) { write(fd: 1, bytes) }

    static func err(_ text: String) { write(fd: 2, Array(text.utf8)) }

    private static func write(fd: Int32, _ bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                if fd == 1 { outputFailed(errno) }
                return  // stderr cannot be written either: nothing more to say
            }
            written += count
        }
    }

    /// Standard output cannot be written (a full disk, `> /dev/full`, a reader that went away):
    /// the result would be silently truncated, so the command ends with exit code 3. A closed pipe
    /// (`lore list | head`) ends it without a message, as its reader asked for no more.
    private static func outputFailed(_ code: Int32) -> Never {
        if code != EPIPE { err("error: cannot write to standard output: \(String(cString: strerror(code)))\n") }
        exit(3)
    }

    /// Prints diagnostics to stderr; `true` when any is an error.
    @discardableResult
    static func report(_ diagnostics: [Diagnostic]) -> Bool {
        guard !diagnostics.isEmpty else { return false }
        err(diagnostics.map { $0.description + "\n" }.joined())
        return diagnostics.contains { $0.severity == .error }
    }
}
