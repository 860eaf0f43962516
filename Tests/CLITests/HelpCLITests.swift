import Foundation
import Testing
import TestSupport

@Suite struct HelpCLITests {
    /// The subcommands `lore help` lists.
    static func subcommands() throws -> [String] {
        let help = try lore(["help"], in: "/").stdout
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        return help[start.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), let first = line.split(separator: " ").first, first.first?.isLetter == true else { return nil }
            return String(first)
        }
    }

    /// Every example `lore help COMMAND` prints (an indented line starting `lore `) runs as printed,
    /// without a terminal, in a repository holding the ids the examples name. A pipe into another
    /// program (`| dot -Tsvg`) is cut: that program may not be installed.
    @Test func helpExamplesRunAsPrinted() throws {
        let commands = try Self.subcommands()
        #expect(commands.contains("new") && commands.contains("graph") && commands.count > 15)
        var examples: [String] = []
        for command in commands {
            let help = try lore(["help", command], in: "/")
            #expect(help.status == 0, "lore help \(command)")
            examples += help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("lore ") }
        }
        #expect(examples.count >= 5)
        let repo = try TemporaryRepository()
        try repo.write("postmortems/2025-03-14-failover.md", entryText(id: "PM-0042", title: "Failover", extra: "severity: SEV2\nservices: [db]\n"))
        try repo.write("decisions/0003-replicas.md", entryText(id: "DR-0003", title: "One replica", status: "accepted"))
        try repo.commitAll("memory")
        let binFolder = URL(fileURLWithPath: loreBinary).deletingLastPathComponent().path
        let path = binFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for example in examples {
            let command = example.components(separatedBy: " | ")[0]
            let result = try runProcess("/bin/sh", ["-c", command + " >/dev/null"], in: repo.path,
                                        environment: gitEnvironment(["PATH": path, "EDITOR": "true", "VISUAL": "true"]))
            #expect(result.status == 0, "\(example): \(result.stderr)")
        }
    }
}
