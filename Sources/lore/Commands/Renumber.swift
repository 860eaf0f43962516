import ArgumentParser
import Foundation
import LoreKit

struct Renumber: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renumber",
        abstract: "Change an entry's id and every reference to it.",
        discussion: """
        Rewrites the entry's `id` and every reference to it in the working tree:
        front-matter id lists (related, supersedes, superseded_by, any field
        declared `type: ids`) and [[OLD]] / [[OLD|text]] wiki links. Only the
        bytes of the id change: comments, quoting and line endings stay.

        Every edit is planned before the first write; each file is replaced
        atomically (temporary file, then rename), so an interruption leaves
        each file old or new, never half-written. The entry's own file is
        written last and .git/lore/renumber-journal names the renumbering until
        the end: after a kill or a failed write, run the same command again to
        finish it. Files with uncommitted changes are refused (exit 1) unless
        --force. --dry-run prints the changes as a diff.

        After a merge, `lore check` reports duplicate ids; fix one with
        `lore renumber PATH` (the file of the entry to change; NEW defaults to
        the kind's next id). References are then left alone, since they may
        mean the entry that keeps the id; they are listed for review.
        File names are not changed, nor `Lore: OLD` trailers of commits already
        made (history is not rewritten).
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Argument(help: ArgumentHelp("The entry's id, or its path when several entries share the id.", valueName: "OLD"), completion: Completions.ids)
    var old: String

    @Argument(help: ArgumentHelp("The new id (default: the kind's next id).", valueName: "NEW"))
    var new: String?

    @Flag(name: .customLong("dry-run"), help: "Print the changes as a diff; write nothing.")
    var dryRun = false

    @Flag(help: "Edit files that have uncommitted changes.")
    var force = false

    func run() throws {
        let memory = try openRepository(repo)
        do {
            // A path names a file relative to where the command runs (-C or here), as for every
            // command; an id, or a path from the root that names no file from here, is as given.
            var target = old
            if old.hasSuffix(".md"), let path = RepositoryPaths(repo: repo, repository: memory.repository).relative(old),
               let top = memory.repository.workingDirectory, FileManager.default.fileExists(atPath: top + "/" + path) {
                target = path
            }
            let plan = try LoreKit.Renumber.plan(memory, target: target, newID: new)
            for note in plan.notes { Console.err("note: \(Escaping.terminal(note))\n") }
            if dryRun {
                Console.out(plan.diff())
                return
            }
            try LoreKit.Renumber.apply(plan, in: memory, force: force)
            let count = plan.changes.count
            Console.out("renumbered \(plan.oldID) to \(plan.newID): \(count) file\(count == 1 ? "" : "s") changed\n")
            for change in plan.changes {
                Console.out("  \(Escaping.terminal(change.path.description)) (\(change.editCount) edit\(change.editCount == 1 ? "" : "s"))\n")
            }
        } catch {
            throw Failure(error)
        }
    }
}
