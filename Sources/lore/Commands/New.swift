import ArgumentParser
import Foundation
import Git
import LoreKit

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create an entry from its kind's template, with the next id.",
        discussion: """
        Writes KIND's template (.lore/templates/KIND.md, else the built-in one) to
        the kind's folder, named by its `path` pattern and a slug of the title,
        with the kind's next id: `sequence` counts past the highest id found in
        the working tree, the index and the tip of every local and
        remote-tracking branch; `date` gives PM-20250314-1; `random` PM-k3f9q.
        Never overwrites: a taken name moves on to the next id (or adds -2 to
        the slug), and concurrent runs each get their own id and file.

        Template variables: id, title, date, author, kind and every --set field.
        In the front-matter each is written as a YAML value that reads back as
        exactly the text given (quotes, ': ', '#', emoji, '{{' included); list
        fields (tags, services, related …) as [a, b]. In the body, plain text.

        After creating it, prints the three past entries most like it (by
        title, services, tags and affects; see `lore similar`), if any,
        leaving out those it already links to (--link, --supersedes).

        Required fields without a value (a postmortem's severity) are asked for
        on a terminal; otherwise the command fails (exit 2) naming the --set
        flags to add. The author is GIT_AUTHOR_NAME, else git's user.name.

        Examples:
          lore new postmortem "Database failover took 40 minutes" --set severity=SEV2 --set services=db
          lore new lesson "Pin every timeout" --link PM-0042 --edit
          lore new decision "Use two replicas" --supersedes DR-0003
        """)

    @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
    var repo: String?

    @Argument(help: "The kind of entry (postmortem, lesson, decision, or one the configuration adds).", completion: Completions.kinds)
    var kind: String

    @Argument(help: "The title.")
    var title: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A front-matter value, typed by the configuration; lists are comma-separated (repeatable).",
                                                          valueName: "KEY=VALUE"))
    var values: [String] = []

    @Option(name: .customLong("link"), help: ArgumentHelp("Add this id to `related` (repeatable).", valueName: "ID"), completion: Completions.ids)
    var links: [String] = []

    @Option(help: ArgumentHelp("This entry replaces ID: it is added to `supersedes`, and ID's entry gets `superseded_by` and status `superseded` (repeatable).",
                               valueName: "ID"), completion: Completions.ids)
    var supersedes: [String] = []

    @Option(help: ArgumentHelp("The entry's date (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Use this id instead of the kind's next one.", valueName: "ID"))
    var id: String?

    @Flag(name: .customLong("print-path"), help: "Print only the new file's path (from the repository root).")
    var printPath = false

    @Flag(name: .customLong("dry-run"), help: "Print the file that would be written; write nothing.")
    var dryRun = false

    @Flag(help: "Open the new file in $VISUAL or $EDITOR.")
    var edit = false

    func validate() throws {
        for value in values where !value.contains("=") {
            throw ValidationError("--set takes KEY=VALUE, not '\(value)'")
        }
        if dryRun && edit { throw ValidationError("--dry-run and --edit cannot be used together") }
    }

    func run() throws {
        let memory = try openRepository(repo)
        let environment = ProcessInfo.processInfo.environment
        var request = NewEntryRequest(kind: kind, title: title, links: links, supersedes: supersedes, date: date, id: id,
                                      author: memory.authorName(environment: environment))
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            request.values.append((String(parts[0]), String(parts[1])))
        }
        let editor = edit ? try chooseEditor(environment) : nil
        do {
            let scaffold = try EntryScaffold(memory: memory)
            scaffold.onWait = { Console.err("note: \($0)\n") }
            let missing = try scaffold.missingValues(request)
            if !missing.isEmpty {
                guard isatty(0) == 1 && isatty(2) == 1 else {
                    let flags = missing.map { "--set \($0.name)=\($0.allowed.isEmpty ? "VALUE" : $0.allowed.joined(separator: "|"))" }
                    throw Failure.usage("a \(kind) needs \(missing.map(\.name).joined(separator: ", ")): add \(flags.joined(separator: " "))")
                }
                for value in missing { request.values.append((value.name, ask(value))) }
            }
            if dryRun {
                let entry = try scaffold.preview(request)
                Console.err("would create \(entry.path) (\(entry.id))\n")
                Console.out(printPath ? "\(entry.path)\n" : entry.text)
                return
            }
            let entry = try scaffold.create(request)
            if printPath {
                Console.out("\(entry.path)\n")
            } else {
                Console.out("created \(entry.path) (\(entry.id))\n")
                for path in entry.updated { Console.out("updated \(Escaping.terminal(path.description)): superseded by \(entry.id)\n") }
                Console.out(similar(to: entry.path, in: memory))
            }
            if let editor, let root = memory.repository.workingDirectory {
                try openEditor(editor, root + entry.path.description)
            }
        } catch let error as EditError {
            throw Failure(error)
        }
    }

    /// The three entries most like the new one, by its title, services, tags and `affects` (its
    /// body is still the template): a block to print, empty when none is alike or the working
    /// tree cannot be read.
    private func similar(to path: GitPath, in memory: MemoryRepository) -> String {
        guard let corpus = try? memory.corpus(.workingTree), let entry = corpus.entries.first(where: { $0.path == path }) else { return "" }
        // Entries it already links to (--link, --supersedes) are known: not repeated.
        let linked = Set(["related", "supersedes"].flatMap { entry.frontMatter.list($0) })
        let excluded = Set(corpus.entries.filter { $0.id.map(linked.contains) ?? false }.map(\.path)).union([path])
        let query = SimilarityQuery(text: entry.title ?? "", services: entry.frontMatter.list("services"), tags: entry.tags,
                                    affects: entry.frontMatter.list("affects"), excluding: excluded)
        let hits = SimilarityIndex(entries: corpus.entries).similar(to: query, limit: 3)
        guard !hits.isEmpty else { return "" }
        return "similar entries:\n" + hits.map { hit in
            "  " + [hit.id ?? hit.path, hit.title ?? hit.path].map { Escaping.terminal($0) }.joined(separator: "  ")
                + "  (\(Escaping.terminal(hit.reasons.joined(separator: "; "))))\n"
        }.joined()
    }

    /// Asks for a missing value on the terminal until one is valid.
    private func ask(_ value: MissingValue) -> String {
        while true {
            let choices = value.allowed.isEmpty ? "" : " (\(value.allowed.joined(separator: ", ")))"
            Console.err("\(value.name)\(choices): ")
            guard let line = readLine() else { Console.err("\n"); Foundation.exit(2) }
            let answer = line.trimmingCharacters(in: .whitespaces)
            if value.type.isList ? !answer.isEmpty : value.type.accepts(answer) && !answer.isEmpty { return answer }
            Console.err("not a valid \(value.name)\n")
        }
    }

    private func chooseEditor(_ environment: [String: String]) throws -> String {
        for key in ["VISUAL", "EDITOR"] {
            if let value = environment[key], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        }
        throw Failure.usage("--edit needs $VISUAL or $EDITOR to name an editor")
    }

    /// Runs the editor as git does: through the shell, so `EDITOR="code --wait"` works.
    private func openEditor(_ editor: String, _ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", editor, path]
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw Failure(code: 1, message: "error: the editor '\(editor)' exited with status \(process.terminationStatus); the entry is kept")
        }
    }
}

extension Failure {
    init(_ error: EditError) {
        switch error {
        case .usage: self.init(code: 2, message: error.description)
        case .refused: self.init(code: 1, message: error.description)
        case .repository(let lore): self.init(lore)
        case .write: self.init(code: 3, message: error.description)
        }
    }
}
