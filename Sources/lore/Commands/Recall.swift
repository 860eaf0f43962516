import ArgumentParser
import Foundation
import Git
import LoreKit

struct RecallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "List the entries that matter for the code a change touches.",
        discussion: """
        Give the change as --staged (the index against HEAD), --rev A..B (what B
        changed since it forked from A; --rev REV alone: what REV changed), or as
        paths. Recalled are entries whose `affects` globs match a changed path,
        entries whose `commits` touched one (each diffed with its first parent),
        and entries named by `Lore:` trailers of commits that touched one. They
        are ranked by severity (SEV1 first), then date (newest first), then the
        number of reasons, each reason printed.

        --format markdown prints a comment ready to post on a pull request
        (see Examples/ci/). --similar adds, under each recalled entry, the
        three entries most like it (`lore similar`). Exits 0 whether or not
        anything is recalled.

        --org also recalls other teams' entries from every synced source
        (`lore sources sync`), ranked with this repository's and shown
        qualified (payments:PM-0001): those with an `affects` glob matching a
        changed path, and those naming a service (`services`) of one of this
        repository's recalled entries (reason `service NAME`). --source NAME
        keeps one source (repeatable; `.` is this repository).
        Commit facts are cached in lore/recall-cache of the git folder
        (LORE_NO_CACHE=1 bypasses it).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Flag(help: "Recall for the staged changes (the index against HEAD; honours GIT_INDEX_FILE).")
    var staged = false

    @Option(help: ArgumentHelp("Recall for the changes of a range A..B, or of one commit.", valueName: "A..B"))
    var rev: String?

    @Option(help: "Output format.")
    var format: Format = .text

    @Flag(help: "Also show, under each recalled entry, the three entries most like it (see `lore similar`).")
    var similar = false

    @OptionGroup var org: OrgOptions

    @Argument(help: "Changed paths (relative to the current folder), instead of --staged or --rev.")
    var paths: [String] = []

    func validate() throws {
        let given = (staged ? 1 : 0) + (rev == nil ? 0 : 1) + (paths.isEmpty ? 0 : 1)
        if given == 0 { throw ValidationError("say what changed: --staged, --rev A..B, or paths") }
        if given > 1 { throw ValidationError("give only one of --staged, --rev and paths") }
    }

    func run() throws {
        let memory = try openRepository(repo)
        let changes: RecallChanges
        if staged {
            changes = .staged
        } else if let rev {
            changes = .revisions(rev)
        } else {
            let resolver = RepositoryPaths(repo: repo, repository: memory.repository)
            changes = .paths(paths.map { resolver.relative($0) ?? $0 })
        }
        var recall: Recall
        do {
            recall = try Recall.find(memory, changes: changes)
        } catch {
            throw Failure(error)
        }
        if similar || org.org {
            // The snapshot the change leads to: the index, the range's end, or the working tree.
            var corpus: Corpus
            do {
                corpus = try memory.corpus(Recall.snapshotSource(of: changes, in: memory.repository))
            } catch {
                throw Failure(error)
            }
            if let view = try org.view(memory, configuration: corpus.configuration) {
                recall = recall.includingOrganization(view, corpus: corpus)
                corpus = view.merge(corpus)
            }
            if similar { recall = recall.includingSimilar(from: corpus) }
        }
        switch format {
        case .text: Console.out(recall.text())
        case .json: Console.out(recall.json())
        case .markdown: Console.out(recall.markdown())
        }
        if format != .json { for note in recall.notes { Console.err("note: \(note)\n") } }
    }
}
