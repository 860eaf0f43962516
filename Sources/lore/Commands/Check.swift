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


    @OptionGroup var snapshot: SnapshotOptions

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @OptionGroup var today: TodayOption

    @Option(name: .customLong("changed-since"), help: ArgumentHelp(
        "Report findings in entries changed since REV, and findings the changes caused elsewhere.", valueName: "REV"))
    var changedSince: String?

    @Argument(help: "Report findings only in these files or folders.")
    var paths: [String] = []

    func run() throws {
        let memory = try snapshot.open()
        let report: CheckReport
        do {
            report = try Checker.check(memory, source: snapshot.source, options: CheckOptions(
                today: today.today, changedSince: changedSince, paths: repositoryRelative(paths, root: memory.repository.workingDirectory)))
        } catch {
            throw Failure(error)
        }
        for note in report.notes { Console.err("note: \(note)\n") }
        Console.out(format.render(report, colour: format == .text && isatty(1) == 1 && getenv("NO_COLOR") == nil))
        if report.errorCount > 0 || (strict && report.warningCount > 0) { throw ExitCode(1) }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// Paths as the user typed them (relative to the current folder) made relative to the repository.
func repositoryRelative(_ paths: [String], root: String?) -> [String] {
    guard let root else { return paths }
    let here = FileManager.default.currentDirectoryPath
    return paths.map { path in
        let absolute = URL(fileURLWithPath: path.hasPrefix("/") ? path : here + "/" + path).standardizedFileURL.path
        let top = URL(fileURLWithPath: root).standardizedFileURL.path
        if absolute == top { return "" }
        return absolute.hasPrefix(top + "/") ? String(absolute.dropFirst(top.count + 1)) : path
    }
}
