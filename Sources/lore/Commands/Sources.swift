import ArgumentParser
import Foundation
import LoreKit

struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Sync and list the other repositories of the organization's memory.",
        discussion: """
        .lore/config.yml lists the repositories that make up the memory under
        `sources:`, each under a short name: a git repository (a path, relative
        to the top of the working tree, or a URL, and a branch or tag) or a
        published index.json (a path or an http(s) URL):

          sources:
            payments: { git: ../payments, ref: main }
            platform: { index: https://platform.example/lore/index.json }

        `lore sources sync` fetches them into the git folder (lore/sources/),
        pins the commit or the index's digest, and re-reads only sources that
        changed. An index.json served over HTTP is asked for only if it
        changed (If-None-Match / If-Modified-Since from the last answer's ETag
        and Last-Modified): a 304 keeps the synced state. A source that fails
        keeps its previous state; the others are synced. Then
        `payments:PM-0001` resolves in relations and [[links]], and --org on
        list, search, show, links, graph, actions, stats, recall, index and
        publish reads every synced source with this repository.
        """,
        subcommands: [Sync.self, List.self],
        defaultSubcommand: List.self)

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch every source (or those named) and swap in what changed.",
            discussion: """
            Prints one line per source: updated (what was read, and the commit or
            digest), unchanged (`not modified` when the server answered 304), or
            failed (why, and how old the kept state is). When each source was
            last found current is recorded (lore/sources/checked.json): the age
            `lore sources list` and --org show.
            Exit code 1 when any source failed; the others are synced all the same.
            """)

        @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
        var repo: String?

        @Argument(help: "Sync only these sources.")
        var names: [String] = []

        func run() throws {
            let memory = try openRepository(repo)
            let configuration: Configuration
            do {
                configuration = try memory.configuration(in: memory.snapshot(.workingTree))
            } catch {
                throw Failure(error)
            }
            let known = Set(configuration.sources.map(\.name))
            for name in names where !known.contains(name) { throw Failure.usage("unknown source '\(name)'") }
            if configuration.sources.isEmpty {
                Console.err("note: .lore/config.yml lists no sources\n")
                return
            }
            let reports = SourceSync.sync(memory, configuration: configuration, only: names)
            Console.out(reports.flatMap(\.lines).map { Escaping.terminal($0) + "\n" }.joined())
            if reports.contains(where: { $0.outcome == .failed }) { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the sources with what was last synced of each, and how long ago.", aliases: ["status"])

        @Option(name: [.customShort("C"), .customLong("repo")], help: "Run as if started in this folder.")
        var repo: String?

        func run() throws {
            let memory = try openRepository(repo)
            let configuration: Configuration
            do {
                configuration = try memory.configuration(in: memory.snapshot(.workingTree))
            } catch {
                throw Failure(error)
            }
            let store = SourceStore(repository: memory.repository)
            let now = Int(Date().timeIntervalSince1970)
            let checked = store.checkTimes()
            let rows = configuration.sources.map { source -> [String] in
                guard let synced = store.read(source.name) else { return [source.name, source.locationDescription, "never synced", "-"] }
                let pin = synced.header.commit.map { "commit \($0.prefix(7))" } ?? "index \(synced.header.digest.prefix(7))"
                return [source.name, source.locationDescription, "\(synced.header.entries) entries, \(pin)",
                        SyncedSource.age(seconds: now - store.lastChecked(synced, times: checked)) + " ago"]
            }
            if rows.isEmpty {
                Console.err("note: .lore/config.yml lists no sources\n")
                return
            }
            Console.out(TextTable.render(header: ["NAME", "LOCATION", "SYNCED", "AGE"], rows: rows.map { $0.map { Escaping.terminal($0) } }))
        }
    }
}
