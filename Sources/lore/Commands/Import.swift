import ArgumentParser
import Foundation
import LoreKit

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write the values a kind derives into YAML front-matter.",
        discussion: """
        For records read as found (ids from file names, titles from headings,
        statuses from sections, dates from body lines or git), writes those
        values as YAML front-matter at the top of each file of KIND under the
        PATHs (every entry of KIND when none). The body is left byte for byte;
        a file that already has YAML front-matter gets the missing keys added
        before its closing line; TOML and JSON front-matter are left alone.
        `lore list` gives the same records before and after.

        Every change is planned and read back before the first write; each
        file is replaced atomically. Files with uncommitted changes are refused
        (exit 1). --dry-run prints the lines that would be added, as a diff.
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Argument(help: "The kind whose entries to import.")
    var kind: String

    @Argument(help: "Files or folders (default: the kind's whole folder).")
    var paths: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Print the changes as a diff; write nothing.")
    var dryRun = false

    func run() throws {
        let memory = try openRepository(repo)
        let resolver = RepositoryPaths(repo: repo, repository: memory.repository)
        let scopes = try paths.map { try resolver.require($0) }
        do {
            let plan = try RecordImport.plan(memory, kind: kind, paths: scopes)
            for (path, reason) in plan.skipped where reason != "nothing to import" { Console.err("note: \(path): \(reason)\n") }
            if dryRun {
                Console.out(plan.diff())
                return
            }
            try RecordImport.apply(plan, in: memory)
            let count = plan.changes.count
            Console.out("imported \(count) file\(count == 1 ? "" : "s") of kind \(kind)\n")
            for change in plan.changes {
                Console.out("  \(change.path) (\(change.editCount) field\(change.editCount == 1 ? "" : "s"))\n")
            }
        } catch {
            throw Failure(error)
        }
    }
}
