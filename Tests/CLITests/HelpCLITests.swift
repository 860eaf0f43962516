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

    /// The completion scripts call `lore ---completion COMMAND -- ARGUMENT CWORD CURSOR WORDS…`
    /// back: kinds, ids, statuses and rule ids come from the repository the shell is in (issue 19).
    @Test func completionsOfferKindsIDsStatusesAndRules() throws {
        let repo = try TemporaryRepository()
        try repo.write(".lore/config.yml", "kinds:\n  retro:\n    dir: retros\n    prefix: RT\n    statuses: [open, closed]\n")
        try repo.write("retros/a.md", entryText(id: "RT-0001", title: "A", status: "open"))
        try repo.write("retros/b.md", entryText(id: "RT-0002", title: "B", status: "closed"))
        func complete(_ words: [String]) throws -> String {
            try lore(["---completion"] + words, in: repo).stdout
        }
        #expect(try complete(["new", "--", "positional@0", "2", "0", "lore", "new", ""]) == "retro\n")
        #expect(try complete(["show", "--", "positional@0", "2", "4", "lore", "show", "RT-0"]) == "RT-0001\nRT-0002\n")
        #expect(try complete(["list", "--", "--status", "3", "1", "lore", "list", "--status", "c"]) == "closed\n")
        #expect(try complete(["rules", "--", "positional@0", "2", "9", "lore", "rules", "unknown-t"]) == "unknown-trailer\n")
        // Outside a repository: the built-in kinds, no ids, no error.
        #expect(try lore(["---completion", "new", "--", "positional@0", "2", "0", "lore", "new", ""], in: "/")
                == ProcessResult(stdout: "decision\nlesson\npostmortem\n", stderr: "", status: 0))
        for shell in ["bash", "zsh", "fish"] {
            #expect(try lore(["--generate-completion-script", shell], in: "/").stdout.contains("---completion show"), "\(shell)")
        }
        #expect(try lore(["rules", "unknown-trailer"], in: "/").stdout.hasPrefix("unknown-trailer (default: error)\nFinds: "))
        #expect(try lore(["rules", "nonsense"], in: "/").status == 2)
    }
}
