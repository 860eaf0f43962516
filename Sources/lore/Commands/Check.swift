import ArgumentParser
import Foundation
import LoreKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check entries against the kinds' fields, templates and links.",
        discussion: """
        Prints one line per finding, `path:line:col: error|warning: message [rule-id]`, sorted by path and
        position, then a summary. Exits 1 when there are errors (or warnings, with --strict).
        `lore rules` lists the rules; `.lore/config.yml` sets their severity.
        """)


    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @Option(help: "Colour the text output: auto (on a terminal, unless NO_COLOR is set and not empty), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @OptionGroup var today: TodayOption

    @Option(name: .customLong("changed-since"), help: ArgumentHelp(
        "Report findings in entries changed since REV, and findings the changes caused elsewhere.", valueName: "REV"))
    var changedSince: String?

    @Argument(help: "Report findings only in these files or folders (relative to -C or the current folder; each must exist in the snapshot).")
    var paths: [String] = []

    func run() throws {
        let memory = try snapshot.open()
        let resolver = RepositoryPaths(repo: snapshot.repo, repository: memory.repository)
        let scopes = try paths.map { try resolver.require($0) }
        let report: CheckReport
        do {
            // A path naming nothing in the snapshot is a mistake (a typo would pass silently).
            if !scopes.isEmpty {
                let read = try memory.snapshot(snapshot.source)
                for (typed, scope) in zip(paths, scopes) where try read.files(under: [GitPath(scope)]).isEmpty {
                    throw Failure.usage("\(typed): no such file or folder in the \(read.source)")
                }
            }
            report = try Checker.check(memory, source: snapshot.source, options: CheckOptions(
                today: today.today, changedSince: changedSince, paths: scopes))
        } catch let error as LoreError {
            throw Failure(error)
        } catch let error as GitError {
            throw Failure(.repository(error))
        }
        for note in report.notes { Console.err("note: \(note)\n") }
        Console.out(format.render(report, colour: format == .text && color.isOn(for: 1)))
        if report.errorCount > 0 || (strict && report.warningCount > 0) { throw ExitCode(1) }
    }
}

extension ReportFormat: ExpressibleByArgument {}
