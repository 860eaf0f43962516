import Foundation
import Testing
import TestSupport

/// One memory for many repositories (issue 15): sources read as git repositories and as published
/// index.json files served over HTTP on the loopback address, qualified links both ways, the
/// organization's view, and every way a source can fail without taking the memory down.
@Suite struct SourcesCLITests {
    /// Serves a folder over HTTP on 127.0.0.1 (Python's http.server on a port the system picks),
    /// stopped when the value goes away. Files are sent with `Last-Modified` (and answer
    /// `If-Modified-Since` with 304 as http.server does); a file whose name holds `etag` is sent with
    /// an `ETag` instead (its SHA-1) and answers a matching `If-None-Match` with 304. Each request is
    /// logged to `requestLog`: `GET /index.json 304 if-none-match=no if-modified-since=yes`.
    final class HTTPServer {
        let process = Process()
        let port: Int
        let requestLog: String

        init(serving folder: String) throws {
            let portFile = folder + "/.port"
            requestLog = folder + ".requests"
            let script = """
            import http.server, functools, sys, os, io, hashlib
            class Handler(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *args):
                    pass
                def log_request(self, code="-", size="-"):
                    has = lambda name: "yes" if self.headers.get(name) else "no"
                    with open(sys.argv[3], "a") as log:
                        log.write(f"{self.command} {self.path} {getattr(code, 'value', code)} if-none-match={has('If-None-Match')} if-modified-since={has('If-Modified-Since')}\\n")
                def send_head(self):
                    path = self.translate_path(self.path)
                    if "etag" not in os.path.basename(path) or not os.path.isfile(path):
                        return super().send_head()
                    data = open(path, "rb").read()
                    tag = '"' + hashlib.sha1(data).hexdigest() + '"'
                    if self.headers.get("If-None-Match") == tag:
                        self.send_response(304); self.send_header("ETag", tag); self.end_headers()
                        return None
                    self.send_response(200); self.send_header("ETag", tag); self.send_header("Content-Length", str(len(data))); self.end_headers()
                    return io.BytesIO(data)
            handler = functools.partial(Handler, directory=sys.argv[1])
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
            import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
            server.serve_forever()
            """
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, folder, portFile, requestLog]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var found: Int?
            for _ in 0..<200 where found == nil {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let number = Int(text) { found = number } else { usleep(25_000) }
            }
            port = try #require(found, "the HTTP server did not start")
        }

        deinit {
            // SIGKILL: a child started from a thread that blocks SIGTERM inherits the block.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

        /// The requests logged since the last call.
        func takeRequests() -> [String] {
            let text = (try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: requestLog)
            return text.split(separator: "\n").map(String.init).sorted()
        }
    }

    /// The three repositories of an organization: `payments` (read as git), `platform` (read as
    /// its published index.json over HTTP) and `central` (the memory reading them, named `central`).
    struct Organization {
        let payments: TemporaryRepository
        let platform: TemporaryRepository
        let central: TemporaryRepository
        let served: String
        let server: HTTPServer

        static let rules = "rules: { missing-section: off, missing-field: off }\n"

        init() throws {
            payments = try TemporaryRepository()
            try payments.write("postmortems/2025/a.md", entryText(id: "PM-0001", title: "Card outage", extra: "severity: SEV2\nrelated: [central:LL-0001]\n",
                                                                  body: "## Summary\n\nCards timed out; see [[platform:DR-0001]].\n"))
            try payments.commitAll("First postmortem")
            try payments.write("postmortems/2025/a.md", entryText(id: "PM-0001", title: "Card outage", extra: "severity: SEV2\nrelated: [central:LL-0001]\n",
                                                                  body: "## Summary\n\nCards timed out for 20 minutes; see [[platform:DR-0001]].\n"))
            try payments.commitAll("Say how long")
            platform = try TemporaryRepository()
            try platform.write("decisions/0001-queues.md", entryText(id: "DR-0001", title: "Use queues", status: "accepted",
                                                                     extra: "related: [payments:PM-0001]\n"))
            try platform.commitAll("Decide")
            served = platform.base + "/served"
            try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
            let published = try lore(["index", "-o", served + "/index.json"], in: platform)
            #expect(published.status == 0, "\(published.stderr)")
            server = try HTTPServer(serving: served)
            central = try TemporaryRepository()
            try central.write(".lore/config.yml", """
                version: 1
                name: central
                sources:
                  payments: { git: \(payments.path), ref: main }
                  platform: { index: \(server.url("index.json")) }
                \(Self.rules)
                """)
            try central.write("lessons/budgets.md", entryText(id: "LL-0001", title: "Timeouts need budgets", status: "active",
                                                              extra: "related: [payments:PM-0001]\n",
                                                              body: "## Lesson\n\nFrom [[payments:PM-0001|the card outage]].\n"))
            try central.commitAll("Lesson")
        }

        func commit(_ repository: TemporaryRepository) throws -> String {
            try repository.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func sync(_ arguments: [String] = []) throws -> ProcessResult { try lore(["sources", "sync"] + arguments, in: central) }
    }

    @Test func syncsGitAndHTTPSourcesAndResolvesQualifiedLinksBothWays() throws {
        let org = try Organization()
        // Never synced: qualified ids are notes, not errors.
        let before = try lore(["check"], in: org.central)
        #expect(before.status == 0, "\(before.stdout)")
        #expect(before.stderr.contains("note: lessons/budgets.md:6:11: payments:PM-0001 names source 'payments', which was never synced (`lore sources sync`)\n"))
        let listBefore = try lore(["sources", "list"], in: org.central)
        #expect(listBefore.stdout.contains("payments  \(org.payments.path) (main)"))
        #expect(listBefore.stdout.contains("never synced"))

        let sync = try org.sync()
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let digest = try #require(sync.stdout.split(separator: "\n").last.map(String.init)).suffix(7)
        #expect(sync.stdout == "payments: updated: 1 entry at \(try org.commit(org.payments).prefix(7))\nplatform: updated: 1 entry, index \(digest)\n")
        let listed = try lore(["sources", "list"], in: org.central)
        #expect(listed.stdout.contains("1 entries, commit \(try org.commit(org.payments).prefix(7))") || listed.stdout.contains("1 entries, commit"))

        // Synced: a qualified id the source does not have is an error, with its position.
        try org.central.write("lessons/budgets.md", entryText(id: "LL-0001", title: "Timeouts need budgets", status: "active",
                                                              extra: "related: [payments:PM-0001, payments:PM-0404]\n",
                                                              body: "## Lesson\n\nFrom [[payments:PM-0001|the card outage]] and [[platform:DR-0404]].\n"))
        let check = try lore(["check"], in: org.central)
        #expect(check.status == 1)
        #expect(check.stdout == """
            lessons/budgets.md:6:29: error: 'related' names PM-0404, which the synced source 'payments' does not have [broken-link]
            lessons/budgets.md:13:47: error: [[platform:DR-0404]] names DR-0404, which the synced source 'platform' does not have [broken-link]
            2 errors, 0 warnings in 1 entry

            """)
        try org.central.git(["checkout", "--", "lessons/budgets.md"])

        // Both directions: this repository's links out, and other repositories' backlinks in.
        let links = try lore(["links", "LL-0001"], in: org.central)
        #expect(links.status == 0, "\(links.stderr)")
        #expect(links.stdout == """
            LL-0001  lessons/budgets.md  Timeouts need budgets
            outgoing (2):
              TYPE     TARGET                                             WRITTEN AT
              related  payments:PM-0001 (payments:postmortems/2025/a.md)  lessons/budgets.md:6:11
              wiki     payments:PM-0001 (payments:postmortems/2025/a.md)  lessons/budgets.md:13:6
            incoming (1):
              TYPE     FROM              WRITTEN AT
              related  payments:PM-0001  payments:postmortems/2025/a.md:7:11

            """)
        let back = try lore(["links", "--org", "platform:DR-0001"], in: org.central)
        #expect(back.stdout.hasSuffix("""
            incoming (1):
              TYPE  FROM              WRITTEN AT
              wiki  payments:PM-0001  payments:postmortems/2025/a.md:14:37

            """), "\(back.stdout)")

        // The organization's view: one memory, ids qualified, filtered by source.
        let list = try lore(["list", "--org"], in: org.central)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout == """
            ID                KIND        DATE        STATUS     TITLE
            payments:PM-0001  postmortem  2025-03-14  published  Card outage
            LL-0001           lesson      2025-03-14  active     Timeouts need budgets
            platform:DR-0001  decision    2025-03-14  accepted   Use queues

            """)
        let only = try lore(["list", "--org", "--source", "platform", "--format", "json"], in: org.central)
        #expect(only.stdout.contains("\"id\": \"platform:DR-0001\""))
        #expect(!only.stdout.contains("LL-0001") && !only.stdout.contains("PM-0001\","))
        let unknown = try lore(["list", "--org", "--source", "nope"], in: org.central)
        #expect(unknown.status == 2 && unknown.stderr == "error: unknown source 'nope'; .lore/config.yml lists payments, platform\n")
        let show = try lore(["show", "--org", "payments:PM-0001"], in: org.central)
        #expect(show.stdout.contains("path:    payments:postmortems/2025/a.md"), "\(show.stdout)")
        let withoutOrg = try lore(["list", "--source", "payments"], in: org.central)
        #expect(withoutOrg.status == 2)
    }

    @Test func aSourceChangedBetweenTwoSyncsIsReadAgainAndOnlyIt() throws {
        let org = try Organization()
        #expect(try org.sync().status == 0)
        let first = try org.commit(org.payments)
        try org.payments.write("postmortems/2025/b.md", entryText(id: "PM-0002", title: "Second outage", extra: "severity: SEV3\n"))
        try org.payments.commitAll("Second")
        let second = try org.sync()
        #expect(second.status == 0)
        let lines = second.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "payments: updated: 2 entries at \(try org.commit(org.payments).prefix(7)) (was \(first.prefix(7)))")
        #expect(lines.last?.hasPrefix("platform: unchanged: 1 entry, index ") == true)
        let list = try lore(["list", "--org", "--source", "payments"], in: org.central)
        #expect(list.stdout.contains("payments:PM-0002  postmortem  2025-03-14  published  Second outage"))
        // Only the named source is synced.
        let one = try org.sync(["platform"])
        #expect(one.stdout.hasPrefix("platform: unchanged:") && !one.stdout.contains("payments"))
    }

    @Test func badSourcesNeverTakeTheMemoryDown() throws {
        let org = try Organization()
        #expect(try org.sync().status == 0)
        let stateFile = org.central.path + "/.git/lore/sources/platform.synced"
        let synced = try Data(contentsOf: URL(fileURLWithPath: stateFile))

        // A malformed index.json, then one of another version: named, previous state kept.
        try "{\"format\": \"lore-index\", ".write(toFile: org.served + "/index.json", atomically: true, encoding: .utf8)
        let malformed = try org.sync()
        #expect(malformed.status == 1)
        #expect(malformed.stdout.contains("platform: failed: malformed index.json: not JSON"), "\(malformed.stdout)")
        #expect(malformed.stdout.contains("; kept the state synced "))
        #expect(malformed.stdout.hasPrefix("payments: unchanged: 1 entry at "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: stateFile)) == synced)
        try "{\"format\": \"lore-index\", \"version\": 2, \"entries\": []}".write(toFile: org.served + "/index.json", atomically: true, encoding: .utf8)
        let version = try org.sync(["platform"])
        #expect(version.stdout.hasPrefix("platform: failed: index.json is lore-index version 2; this Lore reads version 1; kept the state synced "))
        #expect(try Data(contentsOf: URL(fileURLWithPath: stateFile)) == synced)
        try FileManager.default.removeItem(atPath: org.served + "/index.json")
        let missing = try org.sync(["platform"])
        #expect(missing.stdout.contains("platform: failed: cannot fetch \(org.server.url("index.json")): HTTP status 404"), "\(missing.stdout)")
        // The others are still read and published.
        let list = try lore(["list", "--org"], in: org.central)
        #expect(list.status == 0 && list.stdout.contains("platform:DR-0001") && list.stdout.contains("payments:PM-0001"))

        // An unreachable repository.
        let moved = org.payments.base + "/moved"
        try FileManager.default.moveItem(atPath: org.payments.path, toPath: moved)
        let unreachable = try org.sync(["payments"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stdout.hasPrefix("payments: failed: cannot fetch \(org.payments.path): "), "\(unreachable.stdout)")
        #expect(unreachable.stdout.contains("; kept the state synced "))
        try FileManager.default.moveItem(atPath: moved, toPath: org.payments.path)

        // A force-pushed branch: said, and the branch's new state is read.
        let before = try org.commit(org.payments)
        try org.payments.git(["reset", "-q", "--hard", "HEAD~1"])
        try org.payments.write("postmortems/2025/a.md", entryText(id: "PM-0001", title: "Card outage, rewritten", extra: "severity: SEV2\n"))
        try org.payments.git(["commit", "-q", "-a", "--amend", "-m", "Rewritten"])
        let forced = try org.sync(["payments"])
        #expect(forced.status == 0)
        #expect(forced.stdout == """
            payments: updated: 1 entry at \(try org.commit(org.payments).prefix(7)) (was \(before.prefix(7)))
            payments: warning: 'main' was rewritten (force-pushed): the synced commit \(before.prefix(7)) is no longer in its history; now at \(try org.commit(org.payments).prefix(7))

            """)

        // Two sources reading the same repository: the second is named and skipped.
        try org.central.write(".lore/config.yml", """
            version: 1
            name: central
            sources:
              payments: { git: \(org.payments.path), ref: main }
              payments-again: { git: \(org.payments.path), ref: main }
              ghost: { git: \(org.payments.base)/nowhere, ref: main }
            \(Organization.rules)
            """)
        let duplicate = try org.sync()
        #expect(duplicate.status == 1)
        let lines = duplicate.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("payments: unchanged: 1 entry at "))
        #expect(lines[1] == "payments-again: failed: reads the same repository as source 'payments' (\(org.payments.path) (main)); skipped")
        #expect(lines[2].hasPrefix("ghost: failed: cannot fetch \(org.payments.base)/nowhere: ") && lines[2].hasSuffix("; never synced"))
        // A source never synced is a note; the memory is still published.
        let site = org.central.base + "/site"
        let publish = try lore(["publish", "--org", "--out", site, "--today", "2025-06-01"], in: org.central)
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(publish.stderr.contains("note: source 'ghost' was never synced (`lore sources sync`); its entries are left out\n"))
        #expect(publish.stdout.hasPrefix("published 2 entries"))
    }

    @Test func aCycleOfLinksBetweenRepositoriesResolvesBothWays() throws {
        let org = try Organization()
        #expect(try org.sync().status == 0)
        // payments → central (central:LL-0001) and central → payments: the cycle resolves, once.
        let index = try lore(["index", "--org"], in: org.central)
        #expect(index.status == 0, "\(index.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(index.stdout.utf8)) as? [String: Any])
        let entries = try #require(document["entries"] as? [[String: Any]])
        #expect(entries.map { $0["source"] as? String } == ["central", "payments", "platform"])
        let pm = try #require(entries.first { $0["id"] as? String == "payments:PM-0001" })
        let out = try #require((pm["links"] as? [String: Any])?["out"] as? [[String: Any]])
        #expect(out.map { $0["target_id"] as? String } == ["LL-0001", "platform:DR-0001"])
        let incoming = try #require((pm["links"] as? [String: Any])?["in"] as? [[String: Any]])
        #expect(incoming.map { $0["from_id"] as? String } == ["LL-0001", "LL-0001", "platform:DR-0001"])
        try GraphCLITests.validate(try { let file = org.central.base + "/index.json"; try index.stdout.write(toFile: file, atomically: true, encoding: .utf8); return file }())
    }

    @Test func theMergedIndexAndSiteAreTheSameAcrossRunsAndTimeZones() throws {
        let org = try Organization()
        #expect(try org.sync().status == 0)
        var sites: [[String: Data]] = []
        for (number, zone) in ["UTC", "Asia/Tokyo", "America/Los_Angeles"].enumerated() {
            let out = org.central.base + "/site\(number)"
            let result = try lore(["publish", "--org", "--out", out, "--today", "2025-06-01"], in: org.central, environment: ["TZ": zone])
            #expect(result.status == 0, "\(result.stderr)")
            var files: [String: Data] = [:]
            for case let path as String in FileManager.default.enumerator(atPath: out)! where !path.hasSuffix("/") {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: out + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                    files[path] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))
                }
            }
            sites.append(files)
        }
        #expect(sites[0] == sites[1] && sites[1] == sites[2])
        let index = String(decoding: try #require(sites[0]["index.json"]), as: UTF8.self)
        #expect(index.contains("\"source\": \"payments\"") && index.contains("\"source\": \"platform\"") && index.contains("\"source\": \"central\""))
        #expect(sites[0]["entries/payments-pm-0001.html"] != nil, "\(sites[0].keys.sorted())")
        try GraphCLITests.validate(org.central.base + "/site0/index.json")
    }

    @Test func searchesEveryRepositoryAsOneMemory() throws {
        let org = try Organization()
        // A git source is searched whole (from its mirror), past what an index.json keeps of a section.
        let padding = String(repeating: "The pool filled slowly while retries piled up. ", count: 6)
        try org.payments.write("postmortems/2025/b.md", entryText(id: "PM-0002", title: "Pool exhaustion", extra: "severity: SEV1\n",
                                                                  body: "## Summary\n\n\(padding)A zeppelin of retries.\n"))
        try org.payments.commitAll("Second")
        let never = try lore(["search", "--org", "queues"], in: org.central)
        #expect(never.status == 0)
        #expect(never.stderr.contains("note: source 'payments' was never synced (`lore sources sync`); its entries are left out\n"))
        #expect(try org.sync().status == 0)

        let queues = try lore(["search", "--org", "queues"], in: org.central)
        #expect(queues.status == 0, "\(queues.stderr)")
        #expect(queues.stdout == """
            platform:DR-0001  decision  2025-03-14  Use queues
              platform:decisions/0001-queues.md
              Use queues

            """)
        let deep = try lore(["search", "--org", "zeppelin"], in: org.central)
        #expect(deep.stdout.hasPrefix("payments:PM-0002  postmortem  2025-03-14  Pool exhaustion\n  payments:postmortems/2025/b.md\n  …"), "\(deep.stdout)")
        #expect(deep.stdout.hasSuffix("…A zeppelin of retries.\n"), "\(deep.stdout)")
        let marked = try lore(["search", "--org", "zeppelin", "--format", "json"], in: org.central)
        #expect(marked.stdout.contains("A **zeppelin** of retries."))
        // Ranked together: a title match (×10) before body matches, this repository's among them.
        let cards = try lore(["search", "--org", "card", "--format", "json"], in: org.central)
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(cards.stdout.utf8)) as? [[String: Any]])
        #expect(hits.map { $0["id"] as? String } == ["payments:PM-0001", "LL-0001"], "\(cards.stdout)")
        #expect(hits.map { $0["path"] as? String } == ["payments:postmortems/2025/a.md", "lessons/budgets.md"])
        // Without --org only this repository is searched; --source keeps one source.
        let local = try lore(["search", "card"], in: org.central)
        #expect(local.stdout.hasPrefix("LL-0001  lesson") && !local.stdout.contains("PM-0001  postmortem"))
        let only = try lore(["search", "--org", "--source", "payments", "card", "--format", "json"], in: org.central)
        #expect(only.stdout.contains("\"payments:PM-0001\"") && !only.stdout.contains("LL-0001"))
        let filtered = try lore(["search", "--org", "--kind", "decision", "queues OR card"], in: org.central)
        #expect(filtered.stdout.hasPrefix("platform:DR-0001  decision") && !filtered.stdout.contains("PM-0001"))
        // The same bytes every time.
        #expect(try lore(["search", "--org", "card", "--format", "json"], in: org.central).stdout == cards.stdout)
        let unknown = try lore(["search", "--org", "--source", "nope", "card"], in: org.central)
        #expect(unknown.status == 2 && unknown.stderr == "error: unknown source 'nope'; .lore/config.yml lists payments, platform\n")
    }

    @Test func recallsOtherTeamsLessonsByAffectsAndServices() throws {
        let org = try Organization()
        // payments: a postmortem on the same service; platform: a decision whose affects names our code.
        try org.payments.write("postmortems/2025/b.md", entryText(id: "PM-0002", title: "Cards declined", extra: "severity: SEV1\nservices: [Cards]\n"))
        try org.payments.write("postmortems/2025/c.md", entryText(id: "PM-0003", title: "Unrelated", extra: "services: [search]\naffects: [\"docs/**\"]\n"))
        try org.payments.commitAll("More")
        try org.platform.write("decisions/0002-retry.md", entryText(id: "DR-0002", title: "Retry with jitter", status: "accepted",
                                                                     extra: "affects: [\"src/pay/*.go\"]\n"))
        try org.platform.commitAll("Retry")
        #expect(try lore(["index", "-o", org.served + "/index.json"], in: org.platform).status == 0)
        try org.central.write("src/pay/client.go", "package pay\n")
        try org.central.write("lessons/pay.md", entryText(id: "LL-0002", title: "Client timeouts", status: "active",
                                                          extra: "services: [cards]\naffects: [\"src/pay/**\"]\n", body: "## Lesson\n\nSet budgets.\n"))
        try org.central.commitAll("Client")
        #expect(try org.sync().status == 0)
        try org.central.write("src/pay/client.go", "package pay\n\n// changed\n")
        _ = try org.central.git(["add", "src/pay/client.go"])

        let recall = try lore(["recall", "--staged", "--org"], in: org.central)
        #expect(recall.status == 0, "\(recall.stderr)")
        #expect(recall.stdout == """
            3 entries recalled for 1 changed path

            payments:PM-0002  SEV1  2025-03-14  Cards declined
              payments:postmortems/2025/b.md
              - service cards, as this repository's recalled entries

            LL-0002  2025-03-14  Client timeouts
              lessons/pay.md
              - affects src/pay/**

            platform:DR-0002  2025-03-14  Retry with jitter
              platform:decisions/0002-retry.md
              - affects src/pay/*.go

            """)
        let plain = try lore(["recall", "--staged"], in: org.central)
        #expect(plain.stdout.hasPrefix("1 entry recalled for 1 changed path\n"))
        let others = try lore(["recall", "--staged", "--org", "--source", "payments", "--format", "json"], in: org.central)
        #expect(others.stdout.contains("\"service\": \"cards\"") && !others.stdout.contains("LL-0002") && !others.stdout.contains("DR-0002"),
                "\(others.stdout)")
        let markdown = try lore(["recall", "--staged", "--org", "--format", "markdown"], in: org.central)
        #expect(markdown.stdout.contains("  - service `cards`, as this repository's recalled entries\n"))
    }

    @Test func indexSourcesAreAskedOnlyIfTheyChanged() throws {
        let org = try Organization()
        let index = org.served + "/index.json", tagged = org.served + "/etag-index.json"
        try FileManager.default.copyItem(atPath: index, toPath: tagged)
        // Written an hour ago: its Last-Modified is older than the answer's Date, so it can be trusted.
        func age(_ path: String, by seconds: TimeInterval) throws {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: path)
        }
        try age(index, by: 3600)
        try org.central.write(".lore/config.yml", """
            version: 1
            name: central
            sources:
              platform: { index: \(org.server.url("index.json")) }
              tagged: { index: \(org.server.url("etag-index.json")) }
            \(Organization.rules)
            """)
        let first = try org.sync()
        #expect(first.status == 0, "\(first.stdout)")
        #expect(org.server.takeRequests() == ["GET /etag-index.json 200 if-none-match=no if-modified-since=no",
                                              "GET /index.json 200 if-none-match=no if-modified-since=no"])
        let state = org.central.path + "/.git/lore/sources/platform.synced"
        let synced = try Data(contentsOf: URL(fileURLWithPath: state))

        // Nothing changed: both answered 304, the state is kept as it was and the check recorded.
        let again = try org.sync()
        #expect(again.status == 0)
        let digest = try #require(first.stdout.split(separator: "\n").first).suffix(7)
        #expect(again.stdout == """
            platform: unchanged: 1 entry, index \(digest) (not modified)
            tagged: unchanged: 1 entry, index \(digest) (not modified)

            """)
        #expect(org.server.takeRequests() == ["GET /etag-index.json 304 if-none-match=yes if-modified-since=no",
                                              "GET /index.json 304 if-none-match=no if-modified-since=yes"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == synced)
        let checked = try String(contentsOfFile: org.central.path + "/.git/lore/sources/checked.json", encoding: .utf8)
        #expect(checked.hasPrefix("{\"platform\":") && checked.contains("\"tagged\":"))
        #expect(try lore(["sources", "list"], in: org.central).stdout.contains(" second"))

        // Changed: each is read again although the request was conditional.
        try org.platform.write("decisions/0002-retry.md", entryText(id: "DR-0002", title: "Retry with jitter", status: "accepted"))
        try org.platform.commitAll("Retry")
        #expect(try lore(["index", "-o", tagged], in: org.platform).status == 0)
        #expect(try lore(["index", "-o", index], in: org.platform).status == 0)
        try age(index, by: 1800)
        let changed = try org.sync()
        #expect(changed.stdout.contains("platform: updated: 2 entries, index ") && changed.stdout.contains("tagged: updated: 2 entries, index "),
                "\(changed.stdout)")
        #expect(org.server.takeRequests() == ["GET /etag-index.json 200 if-none-match=yes if-modified-since=no",
                                              "GET /index.json 200 if-none-match=no if-modified-since=yes"])

        // A Last-Modified not before the answer's Date may hide a change made within the same
        // second: it is not sent back, and the index is downloaded every time.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: index)
        #expect(try org.sync(["platform"]).stdout.hasPrefix("platform: unchanged: 2 entries, index "))
        _ = org.server.takeRequests()
        #expect(try org.sync(["platform"]).stdout.hasPrefix("platform: unchanged: 2 entries, index "))
        #expect(org.server.takeRequests() == ["GET /index.json 200 if-none-match=no if-modified-since=no"])
    }

    @Test func sourcesAreCheckedWhereTheConfigurationNamesThem() throws {
        let repo = try TemporaryRepository()
        for (config, message) in [
            ("sources:\n  Pay: { git: ../p }\n", ".lore/config.yml:3:3: error: source name 'Pay' must be lowercase letters, digits, '-' and '_', starting with a letter"),
            ("sources:\n  pay: { git: ../p, index: x.json }\n", ".lore/config.yml:3:28: error: source 'pay' has both 'git' and 'index'; give one"),
            ("sources:\n  pay: { url: ../p }\n", ".lore/config.yml:3:10: error: unknown key 'url' in source 'pay'; expected one of git, ref, index"),
            ("sources:\n  pay: { index: x.json, ref: main }\n", ".lore/config.yml:3:30: error: 'ref' belongs to a git source; source 'pay' reads an index.json"),
            ("name: pay\nsources:\n  pay: { index: x.json }\n", ".lore/config.yml:4:3: error: source 'pay' has this repository's own name ('name: pay')"),
        ] {
            try repo.write(".lore/config.yml", "version: 1\n" + config)
            let result = try lore(["list"], in: repo)
            #expect(result.status == 2)
            #expect(result.stderr == message + "\n")
        }
    }
}
