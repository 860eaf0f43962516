import ArgumentParser
import Foundation
import LoreLSP

struct LSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Serve the Language Server Protocol over standard input and output.",
        discussion: """
        Editors start `lore lsp` for a folder inside a repository and speak LSP
        3.17 with it (JSON-RPC with Content-Length headers on stdin/stdout;
        nothing else is written to stdout, problems go to stderr).

        What it serves, from the same library code as the commands:
          diagnostics   the findings of `lore check` on the unsaved text, and
                        on other files whose links the edit breaks
          completion    ids after `[[`, in relation fields and `Lore:`
                        trailers; field names; allowed values; missing sections
          hover         an id anywhere in the repository (entries, commit
                        messages, code comments): title, kind, status, date,
                        summary, superseded warning
          definition, references (backlinks and `Lore:` trailers, the latter
                        as `lore-commit:<id>` locations), document symbols
                        (sections, action items), workspace symbols
          rename        an id, with the edits of `lore renumber`
          code actions  add a missing section, fill a required field, replace
                        a link to a superseded entry by its successor

        Qualified ids of other repositories (payments:PM-0001, with
        `sources:` in .lore/config.yml) are read from the last synced state
        (`lore sources sync`): hover shows the entry, its source and how old
        the state is; definition opens a git source's file (a read-only copy
        under lore/sources/files/ in the git folder; none for an index.json
        source); completion offers a source's ids after `payments:` and the
        source names after `[[`; an id the source lacks is diagnosed.

        Files changed on disk are followed through
        workspace/didChangeWatchedFiles. initializationOptions.today
        (YYYY-MM-DD) fixes the date overdue action items are judged against,
        initializationOptions.now (seconds since 1970) the time synced
        sources' ages are judged against.
        Editor setup: docs/editors.md. Exit code 0 after shutdown and exit,
        1 when the client leaves without shutdown.
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "The repository when the client names no folder.")
    var repo: String?

    func run() throws {
        let directory = repo ?? FileManager.default.currentDirectoryPath
        signal(SIGPIPE, SIG_IGN)
        let code = LanguageServer.run(directory: directory, log: { Console.err("lore lsp: \($0)\n") })
        throw ExitCode(code)
    }
}
