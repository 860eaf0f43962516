import ArgumentParser
import LoreKit

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules `lore check` applies, with their default severity.",
        discussion: """
        `--format markdown` prints the reference docs/rules.md is generated from.
        `lore rules RULE` prints one rule: what it finds, why, its default severity.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown
    }

    @Option(help: "Output format.")
    var format: Format = .text

    @Argument(help: "Only this rule.", completion: Completions.rules)
    var rule: String?

    func run() throws {
        if let rule {
            guard let description = Checker.descriptions.first(where: { $0.id == rule }) else {
                throw Failure.usage("no rule '\(Escaping.terminal(rule))'; `lore rules` lists them")
            }
            Console.out("\(description.id) (default: \(description.defaultSeverity.rawValue))\nFinds: \(description.summary)\nWhy: \(description.rationale)\n")
            return
        }
        switch format {
        case .text:
            let rows = Checker.descriptions.map { [$0.id, $0.defaultSeverity.rawValue, $0.summary] }
            Console.out(TextTable.render(header: ["RULE", "DEFAULT", "FINDS"], rows: rows))
        case .markdown:
            Console.out(RuleReference.markdown())
        }
    }
}
