import ArgumentParser
import Foundation
import Git
import LoreKit

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the links between entries as Graphviz dot, Mermaid or JSON.",
        discussion: """
        Nodes are entries; edges are resolved links between them (front-matter
        relations, [[ID]] and relative links), labelled with the relation. With
        --from ID, only the entries within --depth links of ID (either direction).
        Examples:
          lore graph | dot -Tsvg > lessons.svg
          lore graph --from PM-0042 --depth 2 --format mermaid
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @Option(help: "Output format.")
    var format: Format = .dot

    @Option(help: "Only entries of this kind.")
    var kind: String?

    @Option(help: ArgumentHelp("Only entries linked to this one, directly or within --depth links.", valueName: "ID"), completion: Completions.ids)
    var from: String?

    @Option(help: "With --from: how many links away to go.")
    var depth: Int = 1

    func validate() throws {
        if depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() throws {
        let memory = try snapshot.open()
        let graph: LinkGraph
        let corpus: Corpus
        do {
            let snap = try memory.snapshot(snapshot.source)
            let local = try memory.corpus(of: snap, configuration: memory.configuration(in: snap))
            corpus = try org.view(memory, configuration: local.configuration)?.merge(local) ?? local
            graph = try memory.linkGraph(of: corpus, snapshot: snap)
        } catch let error as LoreError {
            throw Failure(error)
        }
        let drawn: EntryGraph
        do {
            drawn = try EntryGraph(graph, configuration: corpus.configuration, kind: kind, from: from, depth: depth)
        } catch {
            throw Failure.usage(error.description)
        }
        switch format {
        case .dot: Console.out(drawn.dot())
        case .mermaid: Console.out(drawn.mermaid())
        case .json: Console.out(drawn.json())
        }
    }
}
