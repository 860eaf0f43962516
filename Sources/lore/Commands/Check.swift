import ArgumentParser
import Foundation
import LoreKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check entries against the kinds' fields, templates and links.",
        discussion: """
        Prints one line per finding, `path:line:col: error|warning: message [rule-id]`, sorted by path and
        position, then a summary. Exits 1 when there are errors (or warnings, with --strict).
        `lore rules` lists the rules; `.lore/config.yml` sets their severity.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: "Output format.")
    var format: Format = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Option(help: ArgumentHelp("The date overdue action items are judged against (YYYY-MM-DD).", valueName: "DATE"))
    var today: String?

    func validate() throws {
        if let today, !FieldType.date.accepts(today) { throw ValidationError("--today must be a date YYYY-MM-DD, not '\(today)'") }
    }

    func run() throws {
        let memory = try snapshot.open()
        let report: CheckReport
        do {
            report = try Checker.check(memory, source: snapshot.source, today: today)
        } catch {
            throw Failure(error)
        }
        for note in report.notes { Console.err("note: \(note)\n") }
        switch format {
        case .text:
            var out = report.diagnostics.map { $0.description + "\n" }.joined()
            out += "\(count(report.errorCount, "error")), \(count(report.warningCount, "warning")) in \(count(report.entryCount, "entry", "entries"))\n"
            Console.out(out)
        case .json:
            var writer = JSONWriter(pretty: true)
            writer.writeObject(depth: 0) { object in
                object.field("diagnostics") { writer in
                    writer.writeArray(report.diagnostics, depth: 1) { writer, diagnostic in
                        writer.writeObject(depth: 2) { fields in
                            fields.field("column") { $0.write(.number(diagnostic.position.column)) }
                            fields.field("line") { $0.write(.number(diagnostic.position.line)) }
                            fields.field("message") { $0.write(.string(diagnostic.message)) }
                            fields.field("path") { $0.write(.string(diagnostic.path.description)) }
                            fields.field("rule") { $0.write(.string(diagnostic.code)) }
                            fields.field("severity") { $0.write(.string(diagnostic.severity.rawValue)) }
                        }
                    }
                }
                object.field("summary") { writer in
                    writer.writeObject(depth: 1) { fields in
                        fields.field("entries") { $0.write(.number(report.entryCount)) }
                        fields.field("errors") { $0.write(.number(report.errorCount)) }
                        fields.field("warnings") { $0.write(.number(report.warningCount)) }
                    }
                }
            }
            writer.append("\n")
            Console.out(writer.bytes)
        }
        if report.errorCount > 0 || (strict && report.warningCount > 0) { throw ExitCode(1) }
    }

    private func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }
}
