import Foundation
import Testing
import TestSupport

/// Every file of a folder by relative path, with its bytes.
private func files(_ folder: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
    while let relative = enumerator.nextObject() as? String {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder)
        if !isFolder.boolValue { out[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative)) }
    }
    return out
}

/// The inode of a file: the same after a publish when the page was taken from the previous site.
private func inode(_ path: String) -> UInt64? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return UInt64(info.st_ino)
}

/// A small deterministic generator (the same sequence on every machine).
struct SeededRandom {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

/// `lore index --output` and `lore publish --out` after a change read only what the change
/// touched (the history state in the git folder, the previous site's manifest) and give exactly
/// the bytes of a cold run with caches off, whatever the change and whatever state was left.
@Suite struct IncrementalCLITests {
    /// A repository with a few linked entries of two kinds.
    final class Memory {
        let repo: TemporaryRepository
        var day = 1
        var next = 1
        /// Path → id of the entries now in the working tree.
        var entries: [String: String] = [:]

        init() throws {
            repo = try TemporaryRepository()
            try repo.write("src/pay/pool.go", "package pay\n")
            for _ in 0..<4 { try add() }
            try commit("Start the memory")
        }

        func text(_ id: String, title: String, links: [String], tags: [String], body: String) -> String {
            let related = links.isEmpty ? "" : "related: [\(links.joined(separator: ", "))]\n"
            let wiki = links.first.map { " See [[\($0)]]." } ?? ""
            return entryText(id: id, title: title, status: "active", extra: "tags: [\(tags.joined(separator: ", "))]\n\(related)",
                             body: "## Summary\n\n\(body)\(wiki)\n")
        }

        func add(random: inout SeededRandom) throws {
            try add(linkTo: entries.values.sorted().first.map { [$0] } ?? [], tag: ["db", "net", "ops"][random.next(3)])
        }

        func add(linkTo links: [String] = [], tag: String = "db") throws {
            let number = next
            next += 1
            let lesson = number % 2 == 0
            let id = (lesson ? "LL-" : "PM-") + String(format: "%04d", number)
            let path = lesson ? "lessons/l\(number).md" : "postmortems/2025/p\(number).md"
            try repo.write(path, text(id, title: "Entry \(number)", links: links, tags: [tag], body: "Entry \(number) happened."))
            entries[path] = id
        }

        func commit(_ message: String, author: String = "Ada Tester") throws {
            let date = "2025-03-\(day < 10 ? "0" : "")\(day)T10:00:00+01:00"
            day += 1
            try repo.git(["add", "-A"])
            try repo.git(["commit", "-q", "-m", message], environment: [
                "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": author.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.com",
                "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
        }

        /// One random change, committed: an edit, an added entry, a rename, a deletion, or a
        /// commit naming an entry in a `Lore:` trailer.
        func change(_ random: inout SeededRandom) throws {
            let paths = entries.keys.sorted()
            let author = ["Ada Tester", "Bob Builder", "Cy Writer"][random.next(3)]
            switch paths.count < 3 ? 1 : random.next(5) {
            case 0:
                let path = paths[random.next(paths.count)], id = entries[path]!
                let others = entries.values.filter { $0 != id }.sorted()
                let links = others.isEmpty ? [] : [others[random.next(others.count)]]
                try repo.write(path, text(id, title: "Entry \(id) edited \(day)", links: links, tags: [["db", "net", "ops"][random.next(3)]],
                                          body: "Edited on day \(day)."))
                try commit("Edit \(id)", author: author)
            case 1:
                try add(random: &random)
                try commit("Add an entry", author: author)
            case 2:
                let path = paths[random.next(paths.count)]
                let target = path.hasPrefix("lessons/") ? "lessons/moved-\(day).md" : "postmortems/2025/moved-\(day).md"
                try repo.git(["mv", path, target])
                entries[target] = entries.removeValue(forKey: path)
                try commit("Move \(path)", author: author)
            case 3:
                let path = paths[random.next(paths.count)]
                try repo.git(["rm", "-q", path])
                entries[path] = nil
                try commit("Delete \(path)", author: author)
            default:
                try repo.write("src/pay/pool.go", "package pay\n// day \(day)\n")
                let id = entries.values.sorted()[random.next(entries.count)]
                try commit("Tune the pool\n\nLore: \(id)", author: author)
            }
        }
    }

    /// The incremental outputs (kept from run to run) equal cold runs with caches off.
    static func expectSameAsCold(_ memory: Memory, site: String, json: String, jsonl: String, step: String) throws {
        let repo = memory.repo
        let today = ["--today", "2025-06-01"]
        #expect(try lore(["index", "--output", json], in: repo).status == 0, "\(step)")
        #expect(try lore(["index", "--format", "jsonl", "--output", jsonl], in: repo).status == 0, "\(step)")
        let published = try lore(["publish", "--out", site] + today, in: repo)
        #expect(published.status == 0, "\(step): \(published.stderr)")
        let cold = ["LORE_NO_CACHE": "1"]
        let coldJSON = try lore(["index"], in: repo, environment: cold)
        let coldLines = try lore(["index", "--format", "jsonl"], in: repo, environment: cold)
        #expect(try String(contentsOfFile: json, encoding: .utf8) == coldJSON.stdout, "\(step): JSON index differs")
        #expect(try String(contentsOfFile: jsonl, encoding: .utf8) == coldLines.stdout, "\(step): JSONL index differs")
        let coldSite = repo.base + "/cold-site"
        try? FileManager.default.removeItem(atPath: coldSite)
        #expect(try lore(["publish", "--out", coldSite] + today, in: repo, environment: cold).status == 0)
        let warm = try files(site), fresh = try files(coldSite)
        #expect(warm.keys.sorted() == fresh.keys.sorted(), "\(step): the site's files differ")
        for (path, bytes) in fresh.sorted(by: { $0.key < $1.key }) where warm[path] != bytes {
            Issue.record("\(step): \(path) differs from a cold publish")
        }
    }

    @Test(arguments: [1, 2, 3]) func randomCommitsGiveTheColdBytes(seed: UInt64) throws {
        let memory = try Memory()
        let site = memory.repo.base + "/site", json = memory.repo.base + "/index.json", jsonl = memory.repo.base + "/index.jsonl"
        var random = SeededRandom(state: seed)
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "seed \(seed), start")
        for step in 1...6 {
            try memory.change(&random)
            try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "seed \(seed), step \(step)")
        }
    }

    /// Repeated incidents in the hook: `recurring-incident` judges only the pairs of postmortems a
    /// change touches, and says exactly what a cold run (every pair judged, caches off) says:
    /// a new repeat, an earlier postmortem's items closed or reopened, a service dropped, a
    /// postmortem moved or deleted, a code file staged beside them, the configuration changed.
    @Test(arguments: [11, 12] as [UInt64]) func recurringIncidentsInTheHookAreTheColdOnes(seed: UInt64) throws {
        let repo = try TemporaryRepository()
        var random = SeededRandom(state: seed)
        func postmortem(_ number: Int, day: Int, services: [String], open: Bool) -> String {
            let item = "  - title: Fix \(number)\n    owner: ana\n    due: 2025-04-01\n" + (open ? "" : "    status: done\n")
            return "---\nid: PM-\(String(format: "%04d", number))\ntitle: Incident \(number)\ndate: 2025-03-\(String(format: "%02d", day))\n"
                + "status: published\nseverity: SEV2\nservices: [\(services.joined(separator: ", "))]\n"
                + "affects:\n  - \"src/\(services[0])/**\"\naction_items:\n\(item)---\n\n# Incident \(number)\n\n## Summary\n\nIt broke.\n"
        }
        let services = ["payments", "search", "ledger"]
        var next = 1
        for _ in 0..<6 {
            try repo.write("postmortems/p\(next).md", postmortem(next, day: next, services: [services[random.next(3)]], open: random.next(2) == 0))
            next += 1
        }
        try repo.write("src/payments/pool.go", "package payments\n")
        try repo.commitAll("Start")
        let hook = ["check", "--staged", "--changed-since", "HEAD", "--today", "2025-06-01"]
        var repeats = 0
        for step in 1...10 {
            let present = (1..<next).filter { FileManager.default.fileExists(atPath: repo.path + "/postmortems/p\($0).md") }
            switch random.next(6) {
            case 0:
                try repo.write("postmortems/p\(next).md", postmortem(next, day: 20, services: [services[random.next(3)]], open: true))
                next += 1
            case 1:
                let number = present[random.next(present.count)]
                try repo.write("postmortems/p\(number).md", postmortem(number, day: number, services: [services[random.next(3)]], open: random.next(2) == 0))
            case 2:
                let number = present[random.next(present.count)]
                try repo.git(["mv", "postmortems/p\(number).md", "postmortems/moved-\(step)-p\(number).md"])
            case 3:
                if present.count > 2 { try repo.git(["rm", "-q", "postmortems/p\(present[random.next(present.count)]).md"]) }
            case 4:
                try repo.write("src/payments/pool.go", "package payments // \(step)\n")
                try repo.write("postmortems/p\(next).md", postmortem(next, day: 21, services: ["payments", "search"], open: false))
                next += 1
            default:
                try repo.write(".lore/config.yml", "kinds:\n  postmortem:\n    severities: [SEV1, SEV2, SEV3\(step % 2 == 0 ? ", SEV4" : "")]\n")
            }
            try repo.git(["add", "-A"])
            let warm = try lore(hook, in: repo.path)
            let cold = try lore(hook, in: repo.path, environment: ["LORE_NO_CACHE": "1"])
            #expect(warm.stdout == cold.stdout && warm.stderr == cold.stderr && warm.status == cold.status,
                    "seed \(seed), step \(step):\nwarm: \(warm.stdout)\(warm.stderr)\ncold: \(cold.stdout)\(cold.stderr)")
            repeats += cold.stdout.components(separatedBy: "[recurring-incident]").count - 1
            if random.next(3) == 0 { try repo.commitAll("Step \(step)") }
        }
        #expect(repeats > 0, "the sequence made no repeated incident to judge")
    }

    /// The pre-commit hook's check (`lore check --staged --changed-since HEAD`) after each of a
    /// seeded sequence of staged edits, added entries, renames, deletions, working-tree edits and
    /// commits prints exactly what a cold run (caches off) prints; the index's kept state grows by
    /// a journal record, not written whole each time; a damaged or cut journal is rebuilt.
    @Test(arguments: [7, 8] as [UInt64]) func hookEqualsColdRuns(seed: UInt64) throws {
        let memory = try Memory()
        let repo = memory.repo
        var random = SeededRandom(state: seed)
        let hook = ["check", "--staged", "--changed-since", "HEAD", "--today", "2025-06-01"]
        let state = repo.path + "/.git/lore/check-state-index"
        var appended = 0
        for step in 1...12 {
            let paths = memory.entries.keys.sorted()
            switch random.next(6) {
            case 0:
                let path = paths[random.next(paths.count)], id = memory.entries[path]!
                let others = memory.entries.values.filter { $0 != id }.sorted()
                try repo.write(path, memory.text(id, title: "Edited \(step)", links: others.isEmpty ? [] : [others[random.next(others.count)]],
                                                 tags: ["db"], body: "Edited at step \(step)."))
                try repo.git(["add", path])
            case 1:
                try memory.add(linkTo: ["LL-0404", memory.entries.values.sorted()[0]])
                try repo.git(["add", "-A"])
            case 2:
                let path = paths[random.next(paths.count)]
                let target = path.hasPrefix("lessons/") ? "lessons/moved-\(step).md" : "postmortems/2025/moved-\(step).md"
                try repo.git(["mv", path, target])
                memory.entries[target] = memory.entries.removeValue(forKey: path)
            case 3 where paths.count > 2:
                let path = paths[random.next(paths.count)]
                try repo.git(["rm", "-q", "-f", path])
                memory.entries[path] = nil
            case 4:
                let path = paths[random.next(paths.count)]
                try repo.write(path, "---\nid: [\n---\n")   // the working tree only: the hook does not see it
            default:
                try memory.commit("Step \(step)")
            }
            let before = FileManager.default.contents(atPath: state)
            if step == 6, let before {
                // A journal cut short by a crash: read as far as it goes, then rebuilt.
                try Data(before.dropLast(5)).write(to: URL(fileURLWithPath: state))
            }
            let warm = try lore(hook, in: repo)
            let cold = try lore(hook, in: repo, environment: ["LORE_NO_CACHE": "1"])
            #expect(warm.stdout == cold.stdout && warm.stderr == cold.stderr && warm.status == cold.status,
                    "seed \(seed), step \(step): \(warm.stdout) vs \(cold.stdout)")
            if let before, step != 6, let after = FileManager.default.contents(atPath: state), after.count > before.count,
               after.starts(with: before) {
                appended += 1
            }
        }
        #expect(appended > 3, "the kept state was written whole every time")
    }

    /// The searches and recalls compared with cold runs: several queries and options, each
    /// snapshot.
    static let searches: [[String]] = [
        ["search", "entry"], ["search", "happened OR edited", "--format", "json"], ["search", "entry", "--kind", "lesson", "--limit", "2"],
        ["search", "entr*", "--tag", "db", "--format", "jsonl"], ["search", "edited", "--highlight", "always"],
        ["search", "--staged", "entry", "--format", "json"], ["search", "--rev", "HEAD", "happened"],
        ["search", "entry", "--status", "active", "--where", "title~Entry", "--format", "json"],
        ["recall", "--staged"], ["recall", "--staged", "--format", "json"], ["recall", "src/pay/pool.go"],
    ]

    /// `lore search` and `lore recall` as they run (index and states kept from run to run) equal
    /// runs on a copy of the repository with no index and caches off.
    static func expectSearchesSameAsCold(_ memory: Memory, step: String) throws {
        let repo = memory.repo
        let warm = try searches.map { try lore($0, in: repo) }
        let cold = repo.base + "/cold-copy"
        try? FileManager.default.removeItem(atPath: cold)
        try FileManager.default.copyItem(atPath: repo.path, toPath: cold)
        try FileManager.default.removeItem(atPath: cold + "/.git/lore")
        for (arguments, warm) in zip(searches, warm) {
            let fresh = try lore(arguments, in: cold, environment: ["LORE_NO_CACHE": "1"])
            #expect(warm.stdout == fresh.stdout, "\(step): lore \(arguments.joined(separator: " "))")
            #expect(warm.status == fresh.status, "\(step): lore \(arguments.joined(separator: " "))")
        }
    }

    /// An entry's text changed in place with its size and modification time kept (the same
    /// second, as an edit within the timestamp's resolution leaves them: git's racy-clean case).
    static func editKeepingSizeAndTime(_ memory: Memory, _ path: String, random: inout SeededRandom) throws {
        let file = memory.repo.path + "/" + path
        var info = stat()
        #expect(lstat(file, &info) == 0)
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let letter = ["q", "x", "z"][random.next(3)]
        if let range = text.range(of: "happened") ?? text.range(of: "Edited") {
            text.replaceSubrange(range, with: String(repeating: letter, count: text[range].count))
        }
        try memory.repo.write(path, text)
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, file, &times, AT_SYMLINK_NOFOLLOW) == 0)
    }

    /// Commits, staged edits, renames, deletions and working-tree edits (one keeping the file's
    /// size and time), with searches and recalls between them: each gives what a cold run gives.
    @Test(arguments: [4, 5]) func searchAndRecallGiveTheColdResults(seed: UInt64) throws {
        let memory = try Memory()
        var random = SeededRandom(state: seed)
        try Self.expectSearchesSameAsCold(memory, step: "seed \(seed), start")
        for step in 1...8 {
            let paths = memory.entries.keys.sorted()
            let path = paths[random.next(paths.count)]
            switch random.next(5) {
            case 0:
                if try !memory.repo.git(["status", "--porcelain"]).isEmpty { try memory.commit("Commit what is pending") }
                try memory.change(&random)
            case 1:
                try memory.repo.write(path, memory.text(memory.entries[path]!, title: "Staged \(step)", links: [], tags: ["net"],
                                                        body: "Edited and staged on step \(step)."))
                try memory.repo.write("src/pay/pool.go", "package pay\n// staged \(step)\n")
                try memory.repo.git(["add", "-A"])
            case 2:
                try memory.repo.write(path, memory.text(memory.entries[path]!, title: "Working \(step)", links: [], tags: ["ops"],
                                                        body: "Edited in the working tree on step \(step)."))
            case 3:
                try Self.editKeepingSizeAndTime(memory, path, random: &random)
            default:
                let target = path.hasPrefix("lessons/") ? "lessons/renamed-\(step).md" : "postmortems/2025/renamed-\(step).md"
                try memory.repo.git(["mv", path, target])
                memory.entries[target] = memory.entries.removeValue(forKey: path)
                if random.next(2) == 0, let other = memory.entries.keys.sorted().first(where: { $0 != target }) {
                    try memory.repo.git(["rm", "-q", "-f", other])
                    memory.entries[other] = nil
                }
            }
            try Self.expectSearchesSameAsCold(memory, step: "seed \(seed), step \(step)")
        }
    }

    /// `lore new`'s ids (read from the id tables kept beside the snapshots' states) and `lore
    /// recall --staged` equal cold runs (caches off): the commands compared.
    static let newAndRecall: [[String]] = [
        ["new", "lesson", "Next one", "--dry-run", "--date", "2025-06-01"],
        ["new", "postmortem", "Next one", "--set", "severity=SEV2", "--dry-run", "--date", "2025-06-01"],
        ["recall", "--staged"], ["recall", "--staged", "--format", "json"],
    ]

    static func expectNewAndRecallSameAsCold(_ memory: Memory, step: String) throws {
        for arguments in newAndRecall {
            let warm = try lore(arguments, in: memory.repo)
            let cold = try lore(arguments, in: memory.repo, environment: ["LORE_NO_CACHE": "1"])
            #expect(warm == cold, "\(step): lore \(arguments.joined(separator: " "))")
        }
    }

    /// Commits, staged edits that change an entry's id, untracked entries, renames, deletions and
    /// branches made, left and deleted: after each, the id `lore new` takes and what `lore recall
    /// --staged` prints are what a cold run gives.
    @Test(arguments: [21, 22] as [UInt64]) func newAndRecallGiveTheColdResults(seed: UInt64) throws {
        let memory = try Memory()
        let repo = memory.repo
        var random = SeededRandom(state: seed)
        let trunk = try repo.git(["symbolic-ref", "--short", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var branches: [String] = []
        try Self.expectNewAndRecallSameAsCold(memory, step: "seed \(seed), start")
        // The ids come from the tables: with the states gone, `lore new` does not make them again.
        let lore_ = repo.path + "/.git/lore/"
        #expect(FileManager.default.fileExists(atPath: lore_ + "check-ids-tree"))
        for slot in ["tree", "index"] { try? FileManager.default.removeItem(atPath: lore_ + "check-state-" + slot) }
        let fromTables = try lore(Self.newAndRecall[0], in: repo)
        #expect(fromTables == (try lore(Self.newAndRecall[0], in: repo, environment: ["LORE_NO_CACHE": "1"])))
        #expect(!FileManager.default.fileExists(atPath: lore_ + "check-state-tree"))
        #expect(!FileManager.default.fileExists(atPath: lore_ + "check-state-index"))
        for step in 1...14 {
            let paths = memory.entries.keys.sorted()
            let path = paths[random.next(paths.count)]
            let number = String(format: "%04d", 100 + random.next(900))
            let prefix = path.hasPrefix("lessons/") ? "LL-" : "PM-"
            switch random.next(8) {
            case 0:
                if try !repo.git(["status", "--porcelain"]).isEmpty { try memory.commit("Commit what is pending") }
                try memory.change(&random)
            case 1:
                memory.entries[path] = prefix + number
                try repo.write(path, memory.text(prefix + number, title: "Staged \(step)", links: [], tags: ["net"], body: "Renumbered."))
                try repo.write("src/pay/pool.go", "package pay\n// staged \(step)\n")
                try repo.git(["add", "-A"])
            case 2:
                let added = "lessons/untracked-\(step).md"
                try repo.write(added, memory.text("LL-" + number, title: "Untracked \(step)", links: [], tags: ["db"], body: "Only here."))
                memory.entries[added] = "LL-" + number
            case 3:
                let target = path.hasPrefix("lessons/") ? "lessons/renamed-\(step).md" : "postmortems/2025/renamed-\(step).md"
                try repo.git(["add", "-A"])
                try repo.git(["mv", path, target])
                memory.entries[target] = memory.entries.removeValue(forKey: path)
            case 4 where paths.count > 2:
                try repo.git(["rm", "-q", "-f", path])
                memory.entries[path] = nil
            case 5:
                let branch = "side-\(step)"
                if try !repo.git(["status", "--porcelain"]).isEmpty { try memory.commit("Commit what is pending") }
                try repo.git(["checkout", "-q", "-b", branch])
                try repo.write("lessons/side-\(step).md", memory.text("LL-" + number, title: "Side \(step)", links: [], tags: ["db"], body: "Side."))
                try memory.commit("On a side branch")
                try repo.git(["checkout", "-q", trunk])
                branches.append(branch)
            case 6 where !branches.isEmpty:
                try repo.git(["branch", "-q", "-D", branches.removeFirst()])
            default:
                try repo.write("src/pay/pool.go", "package pay\n// working \(step)\n")
                try repo.git(["add", "src/pay/pool.go"])
            }
            try Self.expectNewAndRecallSameAsCold(memory, step: "seed \(seed), step \(step)")
        }
        // Other branches' tips are read as diffs from `HEAD`'s table: still no state made.
        #expect(!branches.isEmpty, "seed \(seed): no branch to read")
        for slot in ["tree", "index"] { try? FileManager.default.removeItem(atPath: lore_ + "check-state-" + slot) }
        #expect(try lore(Self.newAndRecall[1], in: repo) == (try lore(Self.newAndRecall[1], in: repo, environment: ["LORE_NO_CACHE": "1"])))
        #expect(!FileManager.default.fileExists(atPath: lore_ + "check-state-tree"), "seed \(seed)")
    }

    /// A damaged, truncated or foreign-version id or recall table is not used: the ids and the
    /// recalled entries are the cold ones, and the table is written again.
    @Test func damagedIDAndRecallTablesAreRebuilt() throws {
        let memory = try Memory()
        let repo = memory.repo
        let folder = repo.path + "/.git/lore/"
        let damages: [(String, (Data) -> Data)] = [
            ("truncated", { $0.prefix($0.count / 2) }),
            ("a flipped byte", { var data = $0; data[data.count - 12] ^= 0x5A; return data }),
            ("foreign version", { Data("lore check ids 1 9.9.9\n".utf8) + $0.drop { $0 != 0x0A }.dropFirst() }),
            ("garbage", { _ in Data("not a table at all".utf8) }),
        ]
        for (number, (name, damage)) in damages.enumerated() {
            // A renumbered entry in HEAD and in the index: a table that still said the old id would take it again.
            let path = memory.entries.keys.sorted()[0]
            let prefix = path.hasPrefix("lessons/") ? "LL-" : "PM-"
            memory.entries[path] = prefix + "07\(number)0"
            try repo.write(path, memory.text(prefix + "07\(number)0", title: "Renumbered", links: [], tags: ["db"], body: "Renumbered."))
            try memory.commit("Renumber \(name)")
            try repo.write("src/pay/pool.go", "package pay\n// \(name)\n")
            try repo.git(["add", "-A"])
            try Self.expectNewAndRecallSameAsCold(memory, step: "\(name), before")
            var damaged = 0
            for table in ["check-ids-tree", "check-ids-index", "check-recall-tree", "check-recall-index"] {
                guard let bytes = FileManager.default.contents(atPath: folder + table) else { continue }
                try damage(bytes).write(to: URL(fileURLWithPath: folder + table))
                damaged += 1
            }
            #expect(damaged >= 2, "\(name): no tables to damage")
            try Self.expectNewAndRecallSameAsCold(memory, step: "\(name), the same snapshots")
            try memory.add()
            try repo.git(["add", "-A"])
            try Self.expectNewAndRecallSameAsCold(memory, step: name)
            #expect(FileManager.default.fileExists(atPath: folder + "check-ids-tree"), "\(name)")
            #expect(FileManager.default.fileExists(atPath: folder + "check-recall-index"), "\(name)")
        }
    }

    /// A damaged, truncated or foreign search index is rebuilt, with the cold results.
    @Test func damagedSearchIndexIsRebuilt() throws {
        let memory = try Memory()
        let index = memory.repo.path + "/.git/lore/search.sqlite"
        try Self.expectSearchesSameAsCold(memory, step: "start")
        let whole = try Data(contentsOf: URL(fileURLWithPath: index))
        let damages: [(String, Data)] = [
            ("truncated", whole.prefix(whole.count / 2)),
            ("damaged", whole.prefix(4096) + Data(repeating: 0x5A, count: max(0, whole.count - 4096))),
            ("foreign", Data("not a database at all\n".utf8)),
        ]
        for (name, bytes) in damages {
            try bytes.write(to: URL(fileURLWithPath: index))
            try Self.expectSearchesSameAsCold(memory, step: name)
        }
        // A stale working-tree record beside a good index: read again, not trusted.
        try memory.repo.write(memory.entries.keys.sorted()[0], "---\nid: PM-0001\ntitle: Rewritten\n---\nRewritten entry.\n")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: index + ".worktree"))
        try Self.expectSearchesSameAsCold(memory, step: "record replaced")
    }

    /// Two commits at once, a merge, and a branch rewritten under the recorded state (a force
    /// push): each is read right.
    @Test func mergesAndRewrittenBranchesGiveTheColdBytes() throws {
        let memory = try Memory()
        let repo = memory.repo
        let site = repo.base + "/site", json = repo.base + "/index.json", jsonl = repo.base + "/index.jsonl"
        var random = SeededRandom(state: 7)
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "start")
        try memory.change(&random)
        try memory.change(&random)
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "two commits")
        try repo.git(["checkout", "-q", "-b", "side"])
        try memory.add()
        try memory.commit("Add on a branch", author: "Bob Builder")
        try repo.git(["checkout", "-q", "main"])
        try repo.write("lessons/main-only.md", entryText(id: "LL-0900", title: "Main only", status: "active"))
        try memory.commit("Add on main")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge side", "side"], environment: [
            "GIT_AUTHOR_DATE": "2025-04-01T10:00:00+00:00", "GIT_COMMITTER_DATE": "2025-04-01T10:00:00+00:00"])
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "merge")
        try memory.change(&random)
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "after the merge")
        try repo.git(["reset", "-q", "--hard", "HEAD~2"])
        try repo.write("lessons/rewritten.md", entryText(id: "LL-0901", title: "Rewritten", status: "active"))
        try memory.commit("Another story")
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "rewritten branch")
    }

    /// A damaged, truncated or foreign history state or site manifest, or a page changed behind
    /// Lore's back, is noticed: the result is still the cold one.
    @Test func damagedStateIsReadAgain() throws {
        let memory = try Memory()
        let repo = memory.repo
        let site = repo.base + "/site", json = repo.base + "/index.json", jsonl = repo.base + "/index.jsonl"
        let state = repo.path + "/.git/lore/history-state"
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "start")
        #expect(FileManager.default.fileExists(atPath: state))
        let damages: [(String, (Data) -> Data)] = [
            ("truncated", { $0.prefix($0.count / 2) }),
            ("a flipped byte", { var data = $0; data[data.count - 20] ^= 0x5A; return data }),
            ("foreign version", { Data("lore history state 1 9.9.9\n".utf8) + $0.dropFirst(27) }),
            ("garbage", { _ in Data("not a state at all".utf8) }),
        ]
        var random = SeededRandom(state: 11)
        for (name, damage) in damages {
            try memory.change(&random)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
            try damage(bytes).write(to: URL(fileURLWithPath: state))
            try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "history state \(name)")
        }
        let marker = site + "/.lore-site"
        let manifestDamages: [(String, (String) -> String)] = [
            ("truncated", { String($0.prefix($0.count / 2)) }),
            ("foreign version", { $0.replacingOccurrences(of: "lore site manifest 1 ", with: "lore site manifest 7 ") }),
            ("wrong digests", { text in
                text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.count > 40 && line.first != "T" ? "0" + line.dropFirst() : String(line)
                }.joined(separator: "\n")
            }),
            ("marker only", { _ in "This folder is a site written by `lore publish`; the next publish replaces it whole.\n" }),
        ]
        for (name, damage) in manifestDamages {
            try memory.change(&random)
            try damage(try String(contentsOfFile: marker, encoding: .utf8)).write(toFile: marker, atomically: false, encoding: .utf8)
            try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "manifest \(name)")
        }
        // A page truncated, and one replaced by a symbolic link, after publishing: written again.
        let page = site + "/all.html"
        try Data("<html>".utf8).write(to: URL(fileURLWithPath: page))
        let entryPage = try #require(try files(site).keys.filter { $0.hasPrefix("entries/") }.sorted().first)
        try FileManager.default.removeItem(atPath: site + "/" + entryPage)
        try FileManager.default.createSymbolicLink(atPath: site + "/" + entryPage, withDestinationPath: "/etc/hostname")
        try Self.expectSameAsCold(memory, site: site, json: json, jsonl: jsonl, step: "pages changed behind Lore's back")
    }

    /// After a commit, history is resumed from the recorded state: the commit cache is not even
    /// opened (removed, it is not made again), and the result is still the cold one. After a
    /// merge, the whole history is replayed (the commit cache comes back) and the state recorded
    /// again.
    @Test func historyResumesFromTheRecordedState() throws {
        let memory = try Memory()
        let repo = memory.repo
        let folder = repo.path + "/.git/lore/"
        #expect(try lore(["index"], in: repo).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "history-state"))
        try FileManager.default.removeItem(atPath: folder + "history-cache")
        var random = SeededRandom(state: 5)
        try memory.change(&random)
        let warm = try lore(["index"], in: repo)
        #expect(warm.status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "history-cache"))
        #expect(warm.stdout == (try lore(["index"], in: repo, environment: ["LORE_NO_CACHE": "1"])).stdout)
        try repo.git(["checkout", "-q", "-b", "side"])
        try memory.add()
        try memory.commit("On a branch")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "Merge", "side"])
        let merged = try lore(["index"], in: repo)
        #expect(FileManager.default.fileExists(atPath: folder + "history-cache"))
        #expect(merged.stdout == (try lore(["index"], in: repo, environment: ["LORE_NO_CACHE": "1"])).stdout)
    }

    /// `lore index --output FILE` (JSON and JSONL) copies the records of unchanged entries from
    /// the previous FILE: after every kind of change — edits, additions, renames, deletions,
    /// `Lore:` trailers, a link to an unchanged entry (a new backlink), a configuration change —
    /// and whatever happened to FILE or its record in the git folder, FILE holds the cold bytes.
    @Test(arguments: [21, 22] as [UInt64])
    func reusedIndexRecordsGiveTheColdBytes(seed: UInt64) throws {
        let memory = try Memory()
        let repo = memory.repo
        let json = repo.base + "/index.json", jsonl = repo.base + "/out/index.jsonl"
        try FileManager.default.createDirectory(atPath: repo.base + "/out", withIntermediateDirectories: true)
        func expectCold(_ step: String) throws {
            let warmJSON = try lore(["index", "--output", json], in: repo)
            #expect(warmJSON.status == 0, "\(step): \(warmJSON.stderr)")
            // The JSONL output named relative to the folder lore runs in.
            let warmLines = try lore(["index", "--format", "jsonl", "--output", "../../out/index.jsonl"], in: repo.path + "/lessons")
            #expect(warmLines.status == 0, "\(step): \(warmLines.stderr)")
            let cold = ["LORE_NO_CACHE": "1"]
            #expect(try String(contentsOfFile: json, encoding: .utf8) == (try lore(["index"], in: repo, environment: cold)).stdout,
                    "\(step): JSON index differs")
            #expect(try String(contentsOfFile: jsonl, encoding: .utf8)
                    == (try lore(["index", "--format", "jsonl"], in: repo, environment: cold)).stdout, "\(step): JSONL index differs")
        }
        var random = SeededRandom(state: seed)
        try expectCold("start")
        for step in 1...8 {
            try memory.change(&random)
            try expectCold("step \(step)")
        }
        // A new entry linking to an unchanged one: the unchanged entry gains a backlink.
        let target = try #require(memory.entries.values.sorted().last)
        try memory.add(linkTo: [target])
        try memory.commit("Link to \(target)")
        try expectCold("a new backlink")
        // A history-only change: a commit naming an entry in a trailer.
        try repo.write("src/pay/pool.go", "package pay\n// trailer\n")
        try memory.commit("Tune\n\nLore: \(target)")
        try expectCold("a trailer")
        // Uncommitted edits of the working tree.
        try memory.add()
        try expectCold("an uncommitted entry")
        try memory.commit("Commit it")
        // Configuration: a change that leaves the records alone, then one that drops a kind.
        try repo.write(".lore/config.yml", "rules:\n  unknown-field: warning\n")
        try expectCold("rules configured")
        try repo.write(".lore/config.yml", "version: 1\nkinds:\n  lesson:\n    dir: lessons\n    ids: sequence\n")
        try expectCold("only lessons")
        try FileManager.default.removeItem(atPath: repo.path + "/.lore/config.yml")
        try expectCold("configuration removed")
        // The outputs changed behind Lore's back, then the records in the git folder.
        let damages: [(String, (Data) -> Data)] = [
            ("truncated", { $0.prefix($0.count / 2) }),
            ("one byte changed", { var data = $0; data[data.count / 2] ^= 0x01; return data }),
            ("a line added", { $0 + Data("{}\n".utf8) }),
            ("emptied", { _ in Data() }),
        ]
        for (name, damage) in damages {
            try memory.change(&random)
            for path in [json, jsonl] {
                try damage(try Data(contentsOf: URL(fileURLWithPath: path))).write(to: URL(fileURLWithPath: path))
            }
            try expectCold("output \(name)")
        }
        let records = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/lore").filter { $0.hasPrefix("index-output-") }
        #expect(records.count == 2)
        for (number, name) in ["truncated", "garbage"].enumerated() {
            try memory.change(&random)
            for record in records {
                let url = URL(fileURLWithPath: repo.path + "/.git/lore/" + record)
                let bytes = try Data(contentsOf: url)
                try (number == 0 ? bytes.prefix(bytes.count - 9) : Data("lore index output 1 garbage".utf8)).write(to: url)
            }
            try expectCold("record \(name)")
        }
        // The two forms swapped between the two files.
        try memory.change(&random)
        #expect(try lore(["index", "--format", "jsonl", "--output", json], in: repo).status == 0)
        #expect(try lore(["index", "--output", jsonl], in: repo).status == 0)
        #expect(try String(contentsOfFile: json, encoding: .utf8)
                == (try lore(["index", "--format", "jsonl"], in: repo, environment: ["LORE_NO_CACHE": "1"])).stdout)
        try expectCold("forms swapped back")
    }

    /// After one edit, the pages that do not show the entry are taken from the previous site
    /// (the same file), the entry's own page and the lists showing it are written anew.
    @Test func onlyPagesWhoseInputsChangedAreWritten() throws {
        let memory = try Memory()
        let repo = memory.repo
        let site = repo.base + "/site"
        #expect(try lore(["publish", "--out", site, "--today", "2025-06-01"], in: repo).status == 0)
        let paths = try files(site).keys.sorted()
        var before: [String: UInt64] = [:]
        for path in paths { before[path] = inode(site + "/" + path) }
        // LL-0004 links to nothing and nothing links to it; edit its body only, with the same words
        // (each page's "Similar entries" depends on every entry's words: new words may change them).
        let edited = "lessons/l4.md"
        try repo.write(edited, memory.text("LL-0004", title: "Entry 4", links: [], tags: ["db"], body: "Happened: entry 4."))
        try memory.commit("Reword LL-0004")
        #expect(try lore(["publish", "--out", site, "--today", "2025-06-01"], in: repo).status == 0)
        var kept: [String] = [], written: [String] = []
        for path in paths {
            if inode(site + "/" + path) == before[path] { kept.append(path) } else { written.append(path) }
        }
        #expect(written.contains("entries/ll-0004.html"))
        #expect(kept.contains("entries/pm-0001.html"))
        #expect(kept.contains("entries/pm-0003.html"))
        #expect(kept.contains("tags/db.html") || written.contains("tags/db.html"))
        #expect(!written.contains("search.html"))
    }
}
