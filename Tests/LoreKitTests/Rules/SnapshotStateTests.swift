import Foundation
import LoreKit
import Testing
import TestSupport

/// The kept snapshot state (`lore/check-state-*`) changes nothing but speed: after any sequence of
/// commits, staged edits, renames, deletions and working-tree changes, a check through it reports
/// byte for byte what a check without any cache reports; a damaged, truncated, foreign or
/// concurrently written state is noticed and built again.
@Suite struct SnapshotStateTests {
    /// A deterministic generator (SplitMix64): the same seed, the same sequence on every machine.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ list: [T]) -> T { list[below(list.count)] }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    /// A small generated collection: entries that link, supersede, share ids, name code and
    /// commits, carry due action items; some are broken.
    struct Corpus {
        var random: Generator
        let repo: TemporaryRepository
        var entries: [String] = []     // entry paths in the working tree
        var code: [String] = []        // code files
        var counter = 0
        var commit = "deadbeefdeadbeef"

        static let folders = ["lessons", "decisions", "postmortems/2025"]

        mutating func id() -> String {
            let prefix = random.pick(["LL", "DR", "PM"])
            return "\(prefix)-\(String(format: "%04d", random.below(12) + 1))"
        }

        mutating func text() -> String {
            let id = id()
            var extra = ""
            if random.chance(50) { extra += "related: [\(self.id())]\n" }
            if random.chance(25) { extra += "supersedes: [\(self.id())]\n" }
            if random.chance(25) { extra += "superseded_by: [\(self.id())]\n" }
            if random.chance(30) { extra += "affects: [src/\(random.pick(["pay", "auth", "gone"]))/**]\n" }
            if random.chance(10) { extra += "affects: [\"src/*/f1.go\"]\n" }
            if random.chance(20) { extra += "commits: [\(random.chance(50) ? commit : "deadbeef")]\n" }
            if random.chance(20) {
                extra += "action_items:\n  - title: Fix\n    owner: ana\n    due: 2025-0\(random.below(9) + 1)-01\n"
            }
            var body = "## Summary\n\nSee [[\(self.id())]]"
            if random.chance(40), let target = entries.isEmpty ? nil : random.pick(entries) {
                body += " and [x](../\(target.split(separator: "/").count > 2 ? "../" : "")\(target))"
            }
            body += ".\n"
            if random.chance(5) { return "---\nid: [\n---\n" }
            if random.chance(5) { return "no front-matter at all\n" }
            let status = random.pick(["active", "accepted", "published", "superseded", "bogus"])
            return "---\nid: \(id)\ntitle: T \(counter)\ndate: 2025-03-14\nstatus: \(status)\nseverity: SEV2\n\(extra)---\n\n\(body)"
        }

        mutating func newPath() -> String {
            counter += 1
            let folder = random.pick(Self.folders)
            return folder == "decisions" ? "decisions/\(String(format: "%04d", counter))-d.md" : "\(folder)/e\(counter).md"
        }

        /// One random step; returns what it did.
        mutating func step() throws -> String {
            switch random.below(10) {
            case 0, 1:
                let path = newPath()
                try repo.write(path, text())
                entries.append(path)
                try repo.git(["add", path])
                return "add \(path)"
            case 2, 3:
                guard !entries.isEmpty else { return "nothing" }
                let path = random.pick(entries)
                try repo.write(path, text())
                try repo.git(["add", path])
                return "stage edit \(path)"
            case 4:
                guard !entries.isEmpty else { return "nothing" }
                let index = random.below(entries.count)
                let path = entries.remove(at: index)
                try repo.git(["rm", "-q", "-f", "--cached", path])
                try FileManager.default.removeItem(atPath: repo.path + "/" + path)
                return "delete \(path)"
            case 5:
                guard !entries.isEmpty else { return "nothing" }
                let index = random.below(entries.count)
                let to = newPath()
                try repo.git(["add", entries[index]])
                try FileManager.default.createDirectory(atPath: repo.path + "/" + (to as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try repo.git(["mv", entries[index], to])
                entries[index] = to
                return "rename to \(to)"
            case 6:
                let path = "src/\(random.pick(["pay", "auth"]))/f\(random.below(3)).go"
                if code.contains(path) {
                    try repo.git(["rm", "-q", "-f", path])
                    code.removeAll { $0 == path }
                    return "delete code \(path)"
                }
                try repo.write(path, "package x\n")
                try repo.git(["add", path])
                code.append(path)
                return "add code \(path)"
            case 7:
                guard !entries.isEmpty else { return "nothing" }
                let path = random.pick(entries)
                try repo.write(path, text())   // the working tree only
                return "edit working tree \(path)"
            default:
                try repo.git(["commit", "-q", "--allow-empty", "-m", "step \(counter)"])
                commit = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                return "commit"
            }
        }
    }

    static func report(_ repo: TemporaryRepository, _ source: SnapshotSource, caching: Bool, today: String,
                       changedSince: String? = nil) throws -> String {
        let memory = try MemoryRepository(discoveringFrom: repo.path, caching: caching)
        let report = try Checker.check(memory, source: source, options: CheckOptions(today: today, changedSince: changedSince))
        return ReportFormat.json.render(report, colour: false) + "\n" + ReportFormat.text.render(report, colour: false)
            + "\nentries \(report.entryCount) checked \(report.checkedPaths.map(\.description))"
    }

    /// Every result through the kept state equals the cold one, after every step.
    @Test(arguments: [1, 2] as [UInt64])
    func randomSequencesEqualColdRuns(seed: UInt64) throws {
        let repo = try TemporaryRepository()
        var corpus = Corpus(random: Generator(state: seed), repo: repo)
        try repo.write("src/pay/pool.go", "package pay\n")
        for _ in 0..<8 {
            let path = corpus.newPath()
            try repo.write(path, corpus.text())
            corpus.entries.append(path)
        }
        try repo.commitAll("start")
        let checkCache = repo.path + "/.git/lore/check-cache"
        for step in 0..<20 {
            let did = try corpus.step()
            let today = step % 7 == 6 ? "2025-0\(step % 9 + 1)-15" : "2025-06-01"
            // The state is brought up to date, not made again: the check cache is not even opened.
            if step > 0 { try? FileManager.default.removeItem(atPath: checkCache) }
            for (source, since) in [(SnapshotSource.index(file: nil), "HEAD"), (.index(file: nil), nil), (.revision("HEAD"), nil),
                                    (.revision("HEAD"), "HEAD~1"), (.workingTree, nil)] as [(SnapshotSource, String?)] {
                if since == "HEAD~1", (try? repo.git(["rev-parse", "-q", "--verify", "HEAD~1"])) == nil { continue }
                let cold = try Self.report(repo, source, caching: false, today: today, changedSince: since)
                let warm = try Self.report(repo, source, caching: true, today: today, changedSince: since)
                #expect(warm == cold, "seed \(seed), step \(step) (\(did)): \(source) since \(since ?? "-")")
                if warm != cold { return }
                if step > 0, source != .workingTree { #expect(!FileManager.default.fileExists(atPath: checkCache), "step \(step)") }
            }
            // `lore recall` reads the summaries from the state.
            for changes in [RecallChanges.staged, .paths(["src/pay/f0.go", "src/auth/f1.go"]), .revisions("HEAD")] {
                if case .revisions = changes, step == 0 { continue }
                let cold = try Recall.find(MemoryRepository(discoveringFrom: repo.path, caching: false), changes: changes)
                let warm = try Recall.find(MemoryRepository(discoveringFrom: repo.path, caching: true), changes: changes)
                #expect(warm.entries == cold.entries && warm.changedPaths == cold.changedPaths && warm.notes == cold.notes,
                        "seed \(seed), step \(step): recall \(changes)")
            }
            // `lore new` counts past the id tables of the working tree, the index and the branch tips.
            for kind in ["lesson", "decision", "postmortem"] {
                let request = NewEntryRequest(kind: kind, title: "Next", values: [("severity", "SEV2")], date: "2025-06-01", author: "A")
                let cold = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path, caching: false)).preview(request)
                let warm = try EntryScaffold(memory: MemoryRepository(discoveringFrom: repo.path, caching: true)).preview(request)
                #expect(warm.id == cold.id && warm.path == cold.path && warm.text == cold.text, "seed \(seed), step \(step): lore new \(kind)")
            }
        }
    }

    static func stateFile(_ repo: TemporaryRepository, _ slot: String) -> String { repo.path + "/.git/lore/check-state-\(slot)" }

    /// A state file that is damaged, cut short, of another format or version, or written by two
    /// processes at once reads as no state: the check is the cold one, and the state is made again.
    @Test(arguments: ["flipped", "truncated", "foreign", "empty", "garbage appended"])
    func damagedStateIsRebuilt(damage: String) throws {
        let repo = try CheckCacheTests.repository()
        try repo.write("lessons/new.md", "---\nid: LL-0009\ntitle: N\ndate: 2025-03-14\nstatus: active\nrelated: [LL-0404]\n---\n")
        try repo.git(["add", "-A"])
        let cold = try Self.report(repo, .index(file: nil), caching: false, today: "2025-06-01", changedSince: "HEAD")
        #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01", changedSince: "HEAD") == cold)
        for slot in ["index", "tree"] {
            let path = Self.stateFile(repo, slot)
            var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
            switch damage {
            case "flipped": bytes[bytes.count / 2] ^= 0x5A
            case "truncated": bytes.removeLast(bytes.count / 3)
            case "foreign": bytes = Array("lore check state 0 0.0.1\n".utf8) + bytes.drop { $0 != UInt8(ascii: "\n") }.dropFirst()
            case "empty": bytes = []
            default: bytes += Array("\u{1}\u{2}junk".utf8)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01", changedSince: "HEAD") == cold)
        // Made again, and read.
        let remade = try #require(FileManager.default.contents(atPath: Self.stateFile(repo, "index")))
        #expect(remade.starts(with: Array("lore check state 2 ".utf8)))
        #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01", changedSince: "HEAD") == cold)
    }

    /// A change is appended to the kept state as a journal record, not written whole; once the
    /// journal is long, the state is written whole again. Every result equals the cold one.
    @Test func changesAreAppendedThenCompacted() throws {
        let repo = try CheckCacheTests.repository()
        let path = Self.stateFile(repo, "index")
        _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
        var previous = try #require(FileManager.default.contents(atPath: path))
        var appended = 0, compacted = 0
        for step in 0..<40 {
            try repo.write("lessons/s\(step % 5).md",
                           "---\nid: LL-00\(10 + step)\ntitle: S\(step)\ndate: 2025-03-14\nstatus: active\nrelated: [LL-00\(9 + step), LL-0001]\n---\n")
            try repo.git(["add", "-A"])
            let cold = try Self.report(repo, .index(file: nil), caching: false, today: "2025-06-01", changedSince: "HEAD")
            #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01", changedSince: "HEAD") == cold, "step \(step)")
            let now = try #require(FileManager.default.contents(atPath: path))
            if now.count > previous.count && now.starts(with: previous) { appended += 1 } else { compacted += 1 }
            previous = now
        }
        #expect(appended > 20)
        #expect(compacted > 0)
    }

    /// Journal records appended by two processes from the same state, or after another process
    /// wrote the file whole, are not applied on top of each other: what is read is a state one of
    /// them wrote, and the check equals the cold one. A damaged journal record ends the journal.
    @Test(arguments: ["first then second", "second then first", "damaged last", "after a rewrite"])
    func interleavedJournalsReadAsAWrittenState(order: String) throws {
        let repo = try CheckCacheTests.repository()
        let path = Self.stateFile(repo, "index")
        _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
        let start = try #require(FileManager.default.contents(atPath: path))
        try repo.write("lessons/a.md", "---\nid: LL-0031\ntitle: A\ndate: 2025-03-14\nstatus: active\nrelated: [LL-0032]\n---\n")
        try repo.git(["add", "-A"])
        _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
        let first = try #require(FileManager.default.contents(atPath: path))
        #expect(first.count > start.count && first.starts(with: start))
        try start.write(to: URL(fileURLWithPath: path))
        try repo.write("lessons/b.md", "---\nid: LL-0032\ntitle: B\ndate: 2025-03-14\nstatus: active\nsupersedes: [LL-0001]\n---\n")
        try repo.git(["add", "-A"])
        _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
        let second = try #require(FileManager.default.contents(atPath: path))
        #expect(second.count > start.count && second.starts(with: start))
        var bytes: Data
        switch order {
        case "first then second": bytes = first + second.dropFirst(start.count)
        case "second then first": bytes = second + first.dropFirst(start.count)
        case "damaged last":
            bytes = first + second.dropFirst(start.count)
            bytes[bytes.count - 12] ^= 0x5A
        default:
            // The file written whole by another process, then a record from the first appended.
            try FileManager.default.removeItem(atPath: path)
            _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
            bytes = try #require(FileManager.default.contents(atPath: path)) + first.dropFirst(start.count)
        }
        try bytes.write(to: URL(fileURLWithPath: path))
        for step in 0..<2 {
            let cold = try Self.report(repo, .index(file: nil), caching: false, today: "2025-06-01", changedSince: "HEAD")
            #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01", changedSince: "HEAD") == cold,
                    "\(order), step \(step)")
            try repo.write("lessons/a.md", "---\nid: LL-0033\ntitle: A\ndate: 2025-03-14\nstatus: active\n---\n")
            try repo.git(["add", "-A"])
        }
    }

    /// Checks running at once, each keeping its state, leave a state that reads and is right.
    @Test func concurrentWritersLeaveAUsableState() async throws {
        let repo = try CheckCacheTests.repository()
        // Kept whole first, so that the writers at once each append a journal record to it.
        _ = try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01")
        try repo.write("lessons/c.md", "---\nid: LL-0003\ntitle: C\ndate: 2025-03-14\nstatus: active\nrelated: [LL-0001]\n---\n")
        try repo.git(["add", "-A"])
        let cold = try Self.report(repo, .index(file: nil), caching: false, today: "2025-06-01")
        let path = repo.path
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<6 {
                group.addTask {
                    let memory = try MemoryRepository(discoveringFrom: path)
                    let source: SnapshotSource = index % 2 == 0 ? .index(file: nil) : .revision("HEAD")
                    let report = try Checker.check(memory, source: source, options: CheckOptions(today: "2025-06-01"))
                    return source == .revision("HEAD") ? "" : ReportFormat.json.render(report, colour: false)
                }
            }
            for try await _ in group {}
        }
        try repo.write("lessons/l.md", "---\nid: LL-0002\ntitle: L\ndate: 2025-03-14\nstatus: active\n---\n")
        try repo.git(["add", "-A"])
        let after = try Self.report(repo, .index(file: nil), caching: false, today: "2025-06-01")
        #expect(after != cold)
        #expect(try Self.report(repo, .index(file: nil), caching: true, today: "2025-06-01") == after)
    }

    /// The state is kept in the common git directory, which linked worktrees share.
    @Test func worktreesShareTheState() throws {
        let repo = try CheckCacheTests.repository()
        _ = try Self.report(repo, .revision("HEAD"), caching: true, today: "2025-06-01")
        let other = repo.base + "/other"
        try repo.git(["worktree", "add", "-q", other, "-b", "other"])
        try? FileManager.default.removeItem(atPath: repo.path + "/.git/lore/check-cache")
        let memory = try MemoryRepository(discoveringFrom: other)
        let warm = try Checker.check(memory, source: .revision("HEAD"), options: CheckOptions(today: "2025-06-01"))
        let cold = try Checker.check(MemoryRepository(discoveringFrom: other, caching: false), source: .revision("HEAD"),
                                     options: CheckOptions(today: "2025-06-01"))
        #expect(warm.diagnostics == cold.diagnostics)
        // Served by the kept state: the worktree's own check cache was not needed.
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/other/lore/check-cache"))
    }
}
