import Foundation
import Testing
import TestSupport

/// `lore index`, `lore links` and `lore graph` on real repositories: history against the
/// generator's ground truth, renames, merges, shallow clones, the cache, and every link kind.
@Suite struct GraphCLITests {
    /// Commits with their own author and date.
    static func commit(_ repo: TemporaryRepository, _ message: String, day: Int, author: (String, String) = ("Ada Tester", "ada@example.com")) throws {
        let date = "2025-02-\(day < 10 ? "0" : "")\(day)T10:00:00+02:00"
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", message], environment: [
            "GIT_AUTHOR_NAME": author.0, "GIT_AUTHOR_EMAIL": author.1, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func entries(_ index: [String: Any]) throws -> [String: [String: Any]] {
        let list = try #require(index["entries"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: try list.map { (try #require($0["path"] as? String), $0) })
    }

    /// Validates with python3's jsonschema (Debian python3-jsonschema, installed by `make deps`).
    static func validate(_ file: String) throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/index.schema.json").path
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
        print("valid")
        """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script, schema, file])
        #expect(result.status == 0 && result.stdout == "valid\n", "\(result.stderr)")
    }

    /// A repository with every link kind, a rename across folders, a deleted and re-added entry,
    /// a merge, a mailmap and trailers.
    static func scenario() throws -> (repo: TemporaryRepository, commits: [String]) {
        let repo = try TemporaryRepository()
        let filler = (1...30).map { "Line \($0) of a lesson long enough for rename detection.\n" }.joined()
        try repo.write(".mailmap", "Bob Builder <bob@example.com> <bob@old.example>\n")
        try repo.write("src/pay/pool.go", "package pay\n")
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active",
                                                 extra: "related: [LL-0002, LL-0404]\naffects: [src/pay/**, src/gone/**]\n",
                                                 body: "## Lesson\n\nSee [[LL-0002]], [[LL-0405|gone]] and [b](b.md).\n"))
        try repo.write("lessons/b.md", entryText(id: "LL-0002", title: "B", status: "active", body: "## Lesson\n\n" + filler))
        try repo.write("lessons/c.md", entryText(id: "LL-0003", title: "C", status: "active"))
        try commit(repo, "Add lessons", day: 1)
        var commits = [try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)]
        try repo.write("lessons/b.md", entryText(id: "LL-0002", title: "B", status: "active", body: "## Lesson\n\n" + filler + "More.\n"))
        try commit(repo, "Edit B\n\nLore: LL-0001, LL-0999", day: 2, author: ("Bob", "bob@old.example"))
        try FileManager.default.createDirectory(atPath: repo.path + "/decisions", withIntermediateDirectories: true)
        try repo.git(["mv", "lessons/b.md", "decisions/0001-b.md"])
        try repo.git(["rm", "-q", "lessons/c.md"])
        try commit(repo, "Move B to decisions; drop C", day: 3)
        try repo.write("lessons/c.md", entryText(id: "LL-0003", title: "C again", status: "active"))
        try commit(repo, "Bring C back", day: 4, author: ("Bob", "bob@old.example"))
        commits.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        try repo.git(["checkout", "-q", "-b", "side"])
        try repo.write("lessons/d.md", entryText(id: "LL-0004", title: "D", status: "active",
                                                 extra: "commits: [\(commits[0].prefix(10)), deadbeef]\n",
                                                 body: "## Lesson\n\nFollows [C](c.md) and [B](../decisions/0001-b.md).\n"))
        try commit(repo, "Add D on a branch", day: 5, author: ("Carol", "carol@example.com"))
        commits.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        try repo.git(["checkout", "-q", "main"])
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A", status: "active",
                                                 extra: "related: [LL-0002, LL-0404]\naffects: [src/pay/**, src/gone/**]\n",
                                                 body: "## Lesson\n\nSee [[LL-0002]], [[LL-0405|gone]] and [b](b.md).\n\nEdited.\n"))
        try commit(repo, "Edit A", day: 6)
        commits.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        let date = "2025-02-07T10:00:00+02:00"
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge side", "side"], environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
        commits.append(try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        return (repo, commits)
    }

    @Test func historyFollowsRenamesMergesAndMailmap() throws {
        let (repo, commits) = try Self.scenario()
        let result = try lore(["index"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let index = try Self.json(result.stdout)
        let entries = try Self.entries(index)
        #expect(entries.keys.sorted() == ["decisions/0001-b.md", "lessons/a.md", "lessons/c.md", "lessons/d.md"])
        func history(_ path: String) throws -> [String: Any] { try #require(entries[path]?["history"] as? [String: Any]) }
        func id(_ commit: Any?) -> String? { (commit as? [String: Any])?["id"] as? String }
        func emails(_ value: Any?) -> [String] { ((value as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String } }

        let b = try history("decisions/0001-b.md")
        #expect(id(b["created"]) == commits[0])
        #expect(b["previous_paths"] as? [String] == ["lessons/b.md"])
        #expect(emails(b["authors"]) == ["ada@example.com", "bob@example.com"])    // mailmap applied
        #expect(b["commits"] as? Int == 3)
        #expect((b["created"] as? [String: Any])?["time"] as? String == "2025-02-01T10:00:00+02:00")

        let c = try history("lessons/c.md")                                          // deleted, then added again
        #expect(id(c["created"]) == commits[1] && c["commits"] as? Int == 1)
        #expect(emails(c["authors"]) == ["bob@example.com"])

        let d = try history("lessons/d.md")                                          // added on a branch, merged
        #expect(id(d["created"]) == commits[2] && id(d["updated"]) == commits[2])
        #expect(emails(d["authors"]) == ["carol@example.com"])

        let a = try history("lessons/a.md")
        #expect(id(a["updated"]) == commits[3] && a["commits"] as? Int == 2 && a["partial"] as? Bool == false)
        #expect((index["snapshot"] as? [String: Any])?["commit"] as? String == commits[4])
    }

    @Test func everyLinkKindResolvedOrMarked() throws {
        let (repo, commits) = try Self.scenario()
        let result = try lore(["index"], in: repo.path)
        let index = try Self.json(result.stdout)
        let entries = try Self.entries(index)
        func links(_ path: String, _ direction: String) -> [[String: Any]] {
            ((entries[path]?["links"] as? [String: Any])?[direction] as? [[String: Any]]) ?? []
        }
        let out = links("lessons/a.md", "out").map { "\($0["kind"]!) \($0["written"]!) \(($0["resolved"] as? Bool) ?? false) \($0["target"] ?? "-")@\($0["line"]!)" }
        #expect(out == ["relation LL-0002 true decisions/0001-b.md@6", "relation LL-0404 false <null>@6",
                        "affects src/pay/** true <null>@7", "affects src/gone/** false <null>@7",
                        "wiki LL-0002 true decisions/0001-b.md@14", "wiki LL-0405 false <null>@14", "file b.md false <null>@14"])
        let d = links("lessons/d.md", "out").map { "\($0["kind"]!) \($0["written"]!) \($0["target"] ?? "-")" }
        #expect(d == ["commit \(commits[0].prefix(10)) \(commits[0])", "commit deadbeef <null>",
                      "file c.md lessons/c.md", "file ../decisions/0001-b.md decisions/0001-b.md"])
        let into = links("decisions/0001-b.md", "in").map { "\($0["kind"]!) \($0["from_id"]!)" }
        #expect(into == ["relation LL-0001", "wiki LL-0001", "file LL-0004"])
        let trailer = links("lessons/a.md", "in")
        #expect(trailer.count == 1 && trailer.first?["kind"] as? String == "trailer" && trailer.first?["line"] as? Int == 3)
        let unresolved = try #require(index["unresolved_trailers"] as? [[String: Any]])
        #expect(unresolved.map { $0["id"] as? String } == ["LL-0999"])

        let text = try lore(["links", "LL-0002"], in: repo.path)
        #expect(text.status == 0)
        #expect(text.stdout == """
            LL-0002  decisions/0001-b.md  B
            outgoing (0):
            incoming (3):
              TYPE     FROM     WRITTEN AT
              related  LL-0001  lessons/a.md:6:11
              wiki     LL-0001  lessons/a.md:14:5
              file     LL-0004  lessons/d.md:13:23

            """)
        // The entry's file names it as well as its id, as with `lore show` (from a subfolder too).
        #expect(try lore(["links", "decisions/0001-b.md"], in: repo.path) == text)
        #expect(try lore(["links", "0001-b.md"], in: repo.path + "/decisions") == text)
        let unknown = try lore(["links", "LL-0777"], in: repo.path)
        #expect(unknown.status == 2 && unknown.stderr == "error: no entry has the id 'LL-0777'\n")

        let mermaid = try lore(["graph", "--format", "mermaid", "--from", "LL-0004", "--depth", "1"], in: repo.path)
        #expect(mermaid.stdout == """
            graph LR
              n0["LL-0002: B"]
              n1["LL-0003: C again"]
              n2["LL-0004: D"]
              n2 -->|file| n1
              n2 -->|file| n0

            """)
        // LL-0001 names LL-0002 twice (related: and [[LL-0002]]): one arrow with both labels.
        let pair = try lore(["graph", "--format", "mermaid", "--from", "LL-0001", "--depth", "1"], in: repo.path)
        #expect(pair == ProcessResult(stdout: "graph LR\n  n0[\"LL-0002: B\"]\n  n1[\"LL-0001: A\"]\n  n1 -->|related, wiki| n0\n",
                                      stderr: "", status: 0))
        let dot = try lore(["graph", "--kind", "decision"], in: repo.path)
        #expect(dot.stdout == "digraph lore {\n  rankdir=LR;\n  node [shape=box];\n  \"LL-0002\" [label=\"LL-0002\\nB\", kind=\"decision\"];\n}\n")
    }

    @Test func incrementalRunEqualsColdRun() throws {
        let (repo, _) = try Self.scenario()
        let first = try lore(["index"], in: repo.path)
        #expect(first.status == 0)
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/lore/history-cache"))
        try repo.write("lessons/e.md", entryText(id: "LL-0005", title: "E", status: "active"))
        try Self.commit(repo, "Add E\n\nLore: LL-0005", day: 8)
        try FileManager.default.createDirectory(atPath: repo.path + "/postmortems", withIntermediateDirectories: true)
        try repo.git(["mv", "lessons/a.md", "postmortems/a.md"])
        try Self.commit(repo, "Move A", day: 9)
        let warm = try lore(["index"], in: repo.path)
        let cold = try lore(["index"], in: repo.path, environment: ["LORE_NO_CACHE": "1"])
        #expect(warm.status == 0 && cold.status == 0)
        #expect(warm.stdout == cold.stdout)
        let moved = try Self.entries(try Self.json(warm.stdout))["postmortems/a.md"]?["history"] as? [String: Any]
        #expect(moved?["previous_paths"] as? [String] == ["lessons/a.md"] && moved?["commits"] as? Int == 3)
    }

    @Test func shallowCloneIsPartialNotWrong() throws {
        let (repo, _) = try Self.scenario()
        let shallow = repo.base + "/shallow"
        try repo.git(["clone", "-q", "--depth", "3", "file://" + repo.path, shallow])
        let result = try lore(["index", "--format", "jsonl"], in: shallow)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("note: history is incomplete (shallow clone)") && result.stderr.contains("git fetch --unshallow"))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try Self.json(lines[0])
        #expect((header["history"] as? [String: Any])?["partial"] as? Bool == true)
        let records = try lines.dropFirst().map(Self.json)
        let byPath = Dictionary(uniqueKeysWithValues: try records.map {
            (try #require($0["path"] as? String), try #require($0["history"] as? [String: Any]))
        })
        // The boundary commits are never "created"; d came in the merge's side branch, inside the clone.
        #expect(byPath["lessons/c.md"]?["partial"] as? Bool == true && byPath["lessons/c.md"]?["created"] is NSNull)
        #expect(byPath["lessons/a.md"]?["partial"] as? Bool == true && byPath["lessons/a.md"]?["created"] is NSNull)
        #expect(byPath["lessons/d.md"]?["partial"] as? Bool == false)
        #expect((byPath["lessons/d.md"]?["created"] as? [String: Any])?["time"] as? String == "2025-02-05T10:00:00+02:00")
    }

    /// `--output` writes through the library's one atomic writer: an existing file is replaced
    /// whole and keeps its permissions, nothing is left beside it, and a folder that does not exist
    /// is an error naming the file.
    @Test func indexOutputReplacesAFileWhole() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/a.md", entryText(id: "LL-0001", title: "A lesson", status: "active"))
        try repo.commitAll("one lesson")
        let output = repo.base + "/index.json"
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        chmod(output, 0o640)
        let written = try lore(["index", "--output", output], in: repo)
        #expect(written == ProcessResult(stdout: "", stderr: "", status: 0))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == (try lore(["index"], in: repo)).stdout)
        #expect((try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.base).sorted() == ["index.json", "repo"])
        let missing = repo.base + "/missing/index.json"
        #expect(try lore(["index", "--output", missing], in: repo) ==
                ProcessResult(stdout: "", stderr: "error: cannot write \(missing): No such file or directory\n", status: 1))
    }

    @Test func generatedCorpusHistoryMatchesTruthAndSchema() throws {
        try #require(FileManager.default.fileExists(atPath: GeneratedCorpusTests.generator))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try runProcess("/usr/bin/env", ["python3", GeneratedCorpusTests.generator, folder, "--entries", "300", "--commits", "600", "--seed", "3"],
                                       environment: gitEnvironment())
        try #require(generated.status == 0, "\(generated.stderr)")
        let output = folder + "/.git/index.json"
        let tokyo = try runProcess(loreBinary, ["index", "--output", output], in: folder,
                                   environment: gitEnvironment(["TZ": "Asia/Tokyo", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"]))
        #expect(tokyo.status == 0, "\(tokyo.stderr)")
        let utc = try lore(["index"], in: folder, environment: ["TZ": "UTC", "LANG": "C", "LORE_NO_CACHE": "1"])
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written == utc.stdout)   // byte-identical across time zone, locale and cache
        try Self.validate(output)

        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/truth.json"))) as? [String: [String: Any]])
        let entries = try Self.entries(try Self.json(written))
        #expect(entries.count == truth.count)
        let formatter = ISO8601DateFormatter()
        func utcText(_ commit: Any?) -> String? {
            guard let time = (commit as? [String: Any])?["time"] as? String, let date = formatter.date(from: time) else { return nil }
            return formatter.string(from: date).replacingOccurrences(of: "Z", with: "+00:00")
        }
        var mismatches: [String] = []
        for (path, expected) in truth {
            guard let history = entries[path]?["history"] as? [String: Any] else { mismatches.append(path); continue }
            let authors = ((history["authors"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String }
            let previous = (history["previous_paths"] as? [String]) ?? []
            if utcText(history["created"]) != expected["created"] as? String || utcText(history["updated"]) != expected["updated"] as? String
                || authors != (expected["authors"] as? [String] ?? []) || previous.last != expected["renamed_from"] as? String {
                mismatches.append(path)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) entries differ from truth.json: \(mismatches.prefix(5))")
        #expect(truth.values.contains { $0["renamed_from"] != nil })
    }
}
