import Foundation
import Testing
import TestSupport

private func read(_ repo: TemporaryRepository, _ path: String) throws -> String {
    try String(contentsOfFile: repo.path + "/" + path, encoding: .utf8)
}

/// Every `.md` file under a folder of the repository, relative to the repository, sorted.
private func files(_ repo: TemporaryRepository, under folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: repo.path + "/" + folder)
    var found: [String] = []
    while let next = enumerator?.nextObject() as? String {
        if next.hasSuffix(".md") { found.append(folder + "/" + next) }
    }
    return found.sorted()
}

@Suite struct NewCLITests {
    /// For each kind `lore init` sets up: an entry fresh from `lore new` is a draft, so it has one
    /// placeholder warning (never an error) per required section; once every section is written,
    /// `lore check` reports nothing.
    @Test func everyKindFromScaffoldToClean() throws {
        let repo = try TemporaryRepository()
        #expect(try lore(["init"], in: repo.path).status == 0)
        let cases: [(kind: String, extra: [String], path: String, severity: String, optional: Set<String>)] = [
            ("postmortem", ["--set", "severity=SEV2"], "postmortems/2025/2025-03-14-the-title.md", "warning", ["Where we got lucky"]),
            ("lesson", [], "lessons/the-title.md", "warning", []),
            ("decision", [], "decisions/0001-the-title.md", "warning", []),
            ("retrospective", [], "retrospectives/2025/2025-03-14-the-title.md", "warning", []),
        ]
        for (number, item) in cases.enumerated() {
            let entries = number == 0 ? "1 entry" : "\(number + 1) entries"
            let created = try lore(["new", item.kind, "The title", "--date", "2025-03-14"] + item.extra, in: repo.path)
            let id = item.kind == "retrospective" ? "RT-20250314-1" : ["postmortem": "PM", "lesson": "LL", "decision": "DR"][item.kind]! + "-0001"
            // The entries made before share the title: `lore new` names them as similar.
            let similar = ["", "similar entries:\n  PM-0001  The title  (words: title)\n",
                           "similar entries:\n  LL-0001  The title  (words: title)\n  PM-0001  The title  (words: title)\n",
                           "similar entries:\n  LL-0001  The title  (words: title)\n  DR-0001  The title  (words: title)\n  PM-0001  The title  (words: title)\n"][number]
            #expect(created == ProcessResult(stdout: "created \(item.path) (\(id))\n" + similar, stderr: "", status: 0), "\(item.kind)")
            let text = try read(repo, item.path)
            #expect(text.hasPrefix("---\nid: \(id)\ntitle: The title\ndate: 2025-03-14\nstatus: "), "\(item.kind)")
            #expect(text.contains("authors: [Ada Tester]"), "\(item.kind)")
            // One finding per required section, at its heading.
            var lines = text.components(separatedBy: "\n")
            var expected = ""
            var required = 0
            for (index, line) in lines.enumerated() where line.hasPrefix("## ") {
                let title = String(line.dropFirst(3))
                guard !item.optional.contains(title) else { continue }
                required += 1
                expected += "\(item.path):\(index + 1):1: \(item.severity): section '## \(title)' still holds the template's placeholder text [placeholder-section]\n"
            }
            #expect(required >= 4)
            let errors = item.severity == "error" ? required : 0
            expected += "\(errors) error\(errors == 1 ? "" : "s"), \(required - errors) warning\(required - errors == 1 ? "" : "s") in \(entries)\n"
            let unfilled = try lore(["check", item.path], in: repo.path)
            #expect(unfilled == ProcessResult(stdout: expected, stderr: "", status: errors > 0 ? 1 : 0), "\(item.kind)")
            // Fill every section (the guidance line two lines below each heading).
            for index in lines.indices where lines[index].hasPrefix("## ") {
                lines[index + 2] = "What we wrote about \(lines[index].dropFirst(3).lowercased())."
            }
            try repo.write(item.path, lines.joined(separator: "\n"))
            let filled = try lore(["check", item.path], in: repo.path)
            #expect(filled == ProcessResult(stdout: "0 errors, 0 warnings in \(entries)\n", stderr: "", status: 0), "\(item.kind)")
        }
        #expect(try lore(["check"], in: repo.path).status == 0)
    }

    /// Titles that try to leave the kind's folder stay inside it.
    @Test func pathTraversalTitlesStayInTheKindFolder() throws {
        let repo = try TemporaryRepository()
        let titles = ["../../etc/passwd", "/abs", "..", ".hidden", String(repeating: "é/..", count: 125), "../.git/hooks/pre-commit"]
        var paths: [String] = []
        for title in titles {
            let result = try lore(["new", "lesson", title, "--print-path", "--date", "2025-03-14"], in: repo.path)
            #expect(result.status == 0 && result.stderr == "", "\(title)")
            paths.append(result.stdout)
        }
        #expect(paths == ["lessons/etc-passwd.md\n", "lessons/abs.md\n", "lessons/untitled.md\n", "lessons/hidden.md\n",
                          "lessons/" + Array(repeating: "e", count: 30).joined(separator: "-") + ".md\n", "lessons/git-hooks-pre-commit.md\n"])
        #expect(files(repo, under: "lessons").count == titles.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path).sorted() == [".git", "lessons"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.base) == ["repo"])
        // Each title is kept exactly in the front-matter.
        for (title, path) in zip(titles, paths) {
            let show = try lore(["show", String(path.dropLast()), "--format", "json"], in: repo.path)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            #expect(json["title"] as? String == title)
        }
    }

    /// 40 concurrent runs in one repository: 40 files, 40 distinct ids, nothing lost.
    @Test func fortyConcurrentRuns() throws {
        let repo = try TemporaryRepository()
        var processes: [Process] = []
        for _ in 0..<40 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: loreBinary)
            process.arguments = ["new", "postmortem", "Same title", "--set", "severity=SEV2", "--date", "2025-03-14", "--print-path"]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            // Each run waits its turn for the creation lock; on a loaded machine 40 turns can take
            // longer than the default 30 s give-up, which is not what this test is about.
            process.environment = gitEnvironment(["LORE_LOCK_TIMEOUT": "600"])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let created = files(repo, under: "postmortems")
        #expect(created.count == 40)
        let ids = try created.map { path -> String in
            let text = try read(repo, path)
            return String(text.split(separator: "\n")[1].dropFirst(4))
        }
        #expect(Set(ids) == Set((1...40).map { String(format: "PM-%04d", $0) }))
        #expect(try lore(["check"], in: repo.path).stdout.hasSuffix("0 errors, 440 warnings in 40 entries\n"))
    }

    /// `sequence` counts past ids in the index, on other local branches and on remote-tracking ones.
    @Test func idsOnOtherBranchesAreNotReused() throws {
        let repo = try TemporaryRepository()
        let entry = { (id: String) in entryText(id: id, title: "T", status: "active") }
        try repo.write("lessons/a.md", entry("LL-0001"))
        try repo.commitAll("main")
        try repo.git(["checkout", "-q", "-b", "topic"])
        try repo.write("lessons/b.md", entry("LL-0005"))
        try repo.commitAll("topic")
        try repo.git(["checkout", "-q", "-b", "remote-work", "main"])
        try repo.write("lessons/c.md", entry("LL-0009"))
        try repo.commitAll("remote")
        let remoteTip = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["branch", "-q", "-D", "remote-work"])
        func next() throws -> String { try lore(["new", "lesson", "x", "--dry-run"], in: repo.path).stderr }
        #expect(try next() == "would create lessons/x.md (LL-0006)\n")
        try repo.git(["update-ref", "refs/remotes/origin/work", remoteTip])
        #expect(try next() == "would create lessons/x.md (LL-0010)\n")
        // Staged, then deleted from the working tree: still taken.
        try repo.write("lessons/d.md", entry("LL-0020"))
        try repo.git(["add", "lessons/d.md"])
        try FileManager.default.removeItem(atPath: repo.path + "/lessons/d.md")
        #expect(try next() == "would create lessons/x.md (LL-0021)\n")
        #expect(files(repo, under: "lessons") == ["lessons/a.md"])
    }

    @Test func missingRequiredValuesWithoutATerminal() throws {
        let repo = try TemporaryRepository()
        let result = try lore(["new", "postmortem", "Outage"], in: repo.path)
        #expect(result == ProcessResult(stdout: "", stderr: "error: a postmortem needs severity: add --set severity=SEV1|SEV2|SEV3|SEV4\n", status: 2))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/postmortems"))
        let bad = try lore(["new", "postmortem", "Outage", "--set", "severity"], in: repo.path)
        #expect(bad.status == 2 && bad.stderr.contains("--set takes KEY=VALUE, not 'severity'"))
        #expect(try lore(["new", "retro", "x"], in: repo.path)
                == ProcessResult(stdout: "", stderr: "error: unknown kind 'retro'; this repository has postmortem, lesson, decision\n", status: 2))
    }

    /// On a terminal, a missing required value is asked for with its allowed values, until valid.
    /// `script(1)` gives the command a pseudo-terminal; the test is skipped where it is missing.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func missingRequiredValuesAreAskedOnATerminal() throws {
        let repo = try TemporaryRepository()
        let command = "'\(loreBinary)' new postmortem Asked --date 2025-03-14"
        let result = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], in: repo.path,
                                    environment: gitEnvironment(), stdin: "SEV9\nSEV1\n")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("severity (SEV1, SEV2, SEV3, SEV4): not a valid severity"))
        #expect(result.stdout.contains("created postmortems/2025/2025-03-14-asked.md (PM-0001)"))
        #expect(try read(repo, "postmortems/2025/2025-03-14-asked.md").contains("\nseverity: SEV1\n"))
    }

    @Test func dryRunPrintPathIdAndEdit() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active"))
        let dry = try lore(["new", "lesson", "Pin: every \"timeout\"", "--dry-run", "--date", "2025-03-14", "--link", "LL-0001"], in: repo.path)
        #expect(dry.stderr == "would create lessons/pin-every-timeout.md (LL-0002)\n" && dry.status == 0)
        #expect(dry.stdout.hasPrefix("---\nid: LL-0002\ntitle: \"Pin: every \\\"timeout\\\"\"\ndate: 2025-03-14\nstatus: draft\nauthors: [Ada Tester]\ntags: []\nrelated: [LL-0001]\n---\n\n# Pin: every \"timeout\"\n"))
        #expect(files(repo, under: "lessons") == ["lessons/a.md"])
        #expect(try lore(["new", "lesson", "Taken", "--id", "LL-0001"], in: repo.path)
                == ProcessResult(stdout: "", stderr: "error: the id LL-0001 is already used (in the working tree, the index or a branch)\n", status: 1))
        #expect(try lore(["new", "lesson", "Mine", "--id", "LL-0042", "--print-path"], in: repo.path)
                == ProcessResult(stdout: "lessons/mine.md\n", stderr: "", status: 0))
        // The same title again: a new file beside it, never over it.
        #expect(try lore(["new", "lesson", "Mine"], in: repo.path)
                == ProcessResult(stdout: "created lessons/mine-2.md (LL-0043)\nsimilar entries:\n  LL-0042  Mine  (words: mine)\n", stderr: "", status: 0))
        // --edit runs $VISUAL (before $EDITOR) through the shell with the new file.
        let editor = repo.base + "/editor.sh"
        try "#!/bin/sh\nprintf 'edited\\n' >> \"$1\"\n".write(toFile: editor, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor)
        let edited = try lore(["new", "lesson", "Edited", "--edit"], in: repo.path, environment: ["VISUAL": editor, "EDITOR": "false"])
        #expect(edited == ProcessResult(stdout: "created lessons/edited.md (LL-0044)\n", stderr: "", status: 0))
        #expect(try read(repo, "lessons/edited.md").hasSuffix("it should change.\nedited\n"))
        let noEditor = try lore(["new", "lesson", "Nope", "--edit"], in: repo.path, environment: ["VISUAL": "", "EDITOR": ""])
        #expect(noEditor == ProcessResult(stdout: "", stderr: "error: --edit needs $VISUAL or $EDITOR to name an editor\n", status: 2))
    }

    /// `--supersedes` edits the superseded entry's bytes in place: `superseded_by` and status,
    /// keeping its comments, quoting and CRLF line endings.
    @Test func supersedesUpdatesTheOldEntryInPlace() throws {
        let repo = try TemporaryRepository()
        let old = "---\r\nid: DR-0001   # first\r\ntitle: 'Use one replica'\r\ndate: 2024-01-02\r\nstatus: \"accepted\"  # since March\r\n---\r\n\r\n## Context and problem statement\r\n\r\nx\r\n"
        try repo.write("decisions/0001-use-one-replica.md", old)
        let block = "---\nid: DR-0002\ntitle: Block\ndate: 2024-01-02\nstatus: accepted\nsuperseded_by:\n  - DR-0099   # elsewhere\n---\n"
        try repo.write("decisions/0002-block.md", block)
        let result = try lore(["new", "decision", "Use two replicas", "--supersedes", "DR-0001", "--supersedes", "DR-0002", "--date", "2025-03-14"], in: repo.path)
        #expect(result == ProcessResult(stdout: """
            created decisions/0003-use-two-replicas.md (DR-0003)
            updated decisions/0001-use-one-replica.md: superseded by DR-0003
            updated decisions/0002-block.md: superseded by DR-0003

            """, stderr: "", status: 0))
        #expect(try read(repo, "decisions/0001-use-one-replica.md")
                == old.replacingOccurrences(of: "\"accepted\"", with: "\"superseded\"")
                      .replacingOccurrences(of: "since March\r\n---", with: "since March\r\nsuperseded_by: [DR-0003]\r\n---"))
        #expect(try read(repo, "decisions/0002-block.md")
                == block.replacingOccurrences(of: "status: accepted", with: "status: superseded")
                        .replacingOccurrences(of: "# elsewhere\n", with: "# elsewhere\n  - DR-0003\n"))
        #expect(try read(repo, "decisions/0003-use-two-replicas.md").contains("\nsupersedes: [DR-0001, DR-0002]\n---\n"))
        let check = try lore(["check"], in: repo.path)
        #expect(!check.stdout.contains("DR-0003") && !check.stdout.contains("[supersession"), "\(check.stdout)")
    }

    @Test func initTemplatesAndRepositoryOverrides() throws {
        let repo = try TemporaryRepository()
        let first = try lore(["init", "--templates"], in: repo.path)
        #expect(first == ProcessResult(stdout: """
            created .lore/config.yml with kinds postmortem (postmortems/, PM-), lesson (lessons/, LL-), decision (decisions/, DR-), retrospective (retrospectives/, RT-)
            created .lore/templates/postmortem.md
            created .lore/templates/lesson.md
            created .lore/templates/decision.md
            created .lore/templates/retrospective.md

            """, stderr: "", status: 0))
        #expect(try lore(["init", "--templates"], in: repo.path).status == 1)
        #expect(try lore(["init"], in: repo.path).status == 1)
        // The repository's copy is the template now.
        try repo.write(".lore/templates/lesson.md", "---\nid: {{id}}\ntitle: {{title}}\ndate: {{date}}\nstatus: active\nteam: {{team}}\n---\n\n## Context\n\nSay where.\n\n## Lesson\n\nSay what.\n\n## Evidence\n\nSay why.\n\n## How to apply\n\nSay how.\n")
        let created = try lore(["new", "lesson", "Ours", "--set", "team=core # infra", "--date", "2025-03-14"], in: repo.path)
        #expect(created.status == 0)
        #expect(try read(repo, "lessons/ours.md") == "---\nid: LL-0001\ntitle: Ours\ndate: 2025-03-14\nstatus: active\nteam: \"core # infra\"\n---\n\n## Context\n\nSay where.\n\n## Lesson\n\nSay what.\n\n## Evidence\n\nSay why.\n\n## How to apply\n\nSay how.\n")
        let check = try lore(["check", "lessons/ours.md"], in: repo.path)
        #expect(check.stdout.hasSuffix("4 errors, 0 warnings in 1 entry\n"), "\(check.stdout)")
        // A template that is not valid Mustache is named with the place of its fault; nothing is written.
        try repo.write(".lore/templates/lesson.md", "---\nid: {{id}}\ntitle: {{title}}\n---\n\n## Context\n\n  {{#team}}never closed\n")
        let broken = try lore(["new", "lesson", "Broken", "--date", "2025-03-14"], in: repo.path)
        #expect(broken == ProcessResult(stdout: "", stderr: "error: .lore/templates/lesson.md:8:3: invalid Mustache in the body: the section 'team' is not closed\n", status: 2))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/lessons/broken.md"))
    }
}
