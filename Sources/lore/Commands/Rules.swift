import ArgumentParser
import LoreKit

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules `lore check` applies, with their default severity.",
        discussion: "`--format markdown` prints the reference docs/rules.md is generated from.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown
    }

    @Option(help: "Output format.")
    var format: Format = .text

    func run() {
        switch format {
        case .text:
            let rows = Checker.descriptions.map { [$0.id, $0.defaultSeverity.rawValue, $0.summary] }
            Console.out(TextTable.render(header: ["RULE", "DEFAULT", "FINDS"], rows: rows))
        case .markdown:
            Console.out(RuleReference.markdown())
        }
    }
}
