import Foundation
import Testing
import TestSupport

/// Every file of a folder by relative path, with its bytes.
private func tree(_ folder: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
    while let relative = enumerator.nextObject() as? String {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder)
        if !isFolder.boolValue { out[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative)) }
    }
    return out
}

private func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

/// `lore publish` on real repositories: the pages, index.json and feed.xml, untrusted content,
/// determinism, a publish that dies half-way, and where it refuses to write.
@Suite struct PublishCLITests {
    static func scenario() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("src/pay/pool.go", "package pay\n")
        try repo.write("postmortems/2025/2025-03-14-pool.md", entryText(
            id: "PM-0001", title: "Payments pool exhausted",
            extra: "severity: SEV2\nservices: [payments-api]\ntags: [database]\nrelated: [LL-0001]\naffects: [src/pay/**]\n"
                + "action_items:\n  - title: Cap the pool\n    owner: Ada\n    due: 2025-03-20\n  - title: Alert on connections\n    owner: Bob\n    due: 2025-09-01\n    status: done\n",
            body: "## Summary\n\nThe reconciliation batch starved payments of connections. See [[LL-0001]].\n"))
        try repo.write("lessons/pools.md", entryText(id: "LL-0001", title: "Size pools from the database down", status: "active",
                                                     body: "## Lesson\n\nEvery client gets a budget; see [the incident](../postmortems/2025/2025-03-14-pool.md).\n"))
        try GraphCLITests.commit(repo, "Add the pool postmortem and its lesson", day: 1)
        try repo.write("lessons/pools.md", entryText(id: "LL-0001", title: "Size pools from the database down", status: "active",
                                                     body: "## Lesson\n\nEvery client gets a budget, written down; see [the incident](../postmortems/2025/2025-03-14-pool.md).\n"))
        try GraphCLITests.commit(repo, "Reword the lesson", day: 3, author: ("Bob Builder", "bob@example.com"))
        return repo
    }

    @Test func publishesPagesIndexAndFeed() throws {
        let repo = try Self.scenario()
        let out = repo.path + "-site"
        defer { try? FileManager.default.removeItem(atPath: out) }
        // SOURCE_DATE_EPOCH (2025-02-03T10:00:00Z, HEAD's commit time) fixes "today" for the build,
        // as the reproducible-builds convention asks; without it, the clock's date is used.
        let result = try lore(["publish", "--out", out, "--repo-url", "git@github.com:acme/memory.git"], in: repo.path,
                              environment: ["SOURCE_DATE_EPOCH": "1738576800"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "published 2 entries (24 files) to \(out)\n")
        #expect(result.stderr == "")
        let files = try tree(out)
        for page in ["index.html", "all.html", "browse.html", "timeline.html", "actions.html", "stats.html", "search.html", "search.js",
                     "search-index.js", "style.css", "feed.xml", "actions.ics", "loop.html", "index.json", ".lore-site", "entries/pm-0001.html",
                     "entries/ll-0001.html", "kinds/lesson.html", "tags/database.html", "services/payments-api.html",
                     "statuses/active.html", "years/2025.html"] {
            #expect(files[page] != nil, "\(page)")
        }
        // index.json is exactly what `lore index` writes.
        let index = try lore(["index"], in: repo.path)
        #expect(String(decoding: files["index.json"]!, as: UTF8.self) == index.stdout)
        try GraphCLITests.validate(out + "/index.json")
        // Every page, byte for byte, as the fixture holds it (`LORE_UPDATE_FIXTURES=1` rewrites the
        // fixture from this run; review the diff). Overdue is judged against 2025-02-03: nothing is
        // overdue.
        try Self.expectSite(out, equals: "site")
        // With --today, the open item is overdue: the actions page and the home page say so.
        let later = try lore(["publish", "--out", out, "--today", "2025-04-01"], in: repo.path, environment: ["SOURCE_DATE_EPOCH": "1738576800"])
        #expect(later == ProcessResult(stdout: "published 2 entries (24 files) to \(out)\n", stderr: "", status: 0))
        try Self.expectSite(out, equals: "site-2025-04-01")
    }

    /// Compares a published site with the expected one in `Fixtures/NAME`, every file exactly.
    static func expectSite(_ out: String, equals name: String) throws {
        let expected = packageRoot.appendingPathComponent("Tests/CLITests/Fixtures/\(name)").path
        let actual = try tree(out)
        if ProcessInfo.processInfo.environment["LORE_UPDATE_FIXTURES"] != nil {
            try? FileManager.default.removeItem(atPath: expected)
            for (path, data) in actual {
                let target = URL(fileURLWithPath: expected + "/" + path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: target)
            }
        }
        let fixture = try tree(expected)
        #expect(actual.keys.sorted() == fixture.keys.sorted())
        for (path, data) in fixture.sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: actual[path] ?? Data(), as: UTF8.self)
            #expect(text == String(decoding: data, as: UTF8.self), "\(name)/\(path) differs (LORE_UPDATE_FIXTURES=1 rewrites the fixture)")
        }
    }

    /// A postmortem written from the template has its own `## Action items` prose: the tracked list
    /// from the front-matter is headed differently, so the page does not say "Action items" twice.
    @Test func trackedActionItemsAreNotASecondActionItemsHeading() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/p.md", entryText(
            id: "PM-0001", title: "P", extra: "severity: SEV2\naction_items:\n  - title: Cap the pool\n    owner: Ada\n    due: 2025-03-20\n",
            body: "## Summary\n\nS.\n\n## Action items\n\nWhat we will change.\n"))
        try repo.commitAll("P")
        let out = repo.base + "/site"
        #expect(try lore(["publish", "--out", out, "--today", "2025-03-01"], in: repo).status == 0)
        let page = try read(out + "/entries/pm-0001.html")
        #expect(page.components(separatedBy: "<h2 id=\"action-items\">Tracked action items</h2>").count == 2)
        #expect(page.components(separatedBy: ">Action items</h2>").count == 2)   // the body's own section, once
    }

    /// Summaries on pages and in the feed are plain text; drafts stay out of the site unless
    /// --include-drafts; a long entry gets a table of contents and an "Edit this page" link (issue 19).
    @Test func plainSummariesNoDraftsContentsAndEditLink() throws {
        let repo = try Self.scenario()
        let long = (1...5).map { "## Part \($0)\n\nText \($0).\n" }.joined(separator: "\n")
        try repo.write("lessons/long.md", entryText(id: "LL-0002", title: "Long", status: "active", body: long))
        try repo.write("lessons/draft.md", entryText(id: "LL-0003", title: "Half written", status: "draft",
                                                     body: "## Context\n\nWhat happened, and why it matters.\n"))
        try repo.commitAll("More lessons")
        let out = repo.base + "/site"
        let result = try lore(["publish", "--out", out, "--today", "2025-03-01", "--repo-url", "https://github.com/acme/memory"], in: repo)
        #expect(result == ProcessResult(stdout: "published 3 entries (25 files) to \(out)\n",
                                        stderr: "note: 1 draft left out (--include-drafts publishes them)\n", status: 0))
        let home = try read(out + "/index.html")
        #expect(home.contains("<p>The reconciliation batch starved payments of connections. See LL-0001.</p>"))
        #expect(try read(out + "/feed.xml").contains("Every client gets a budget, written down; see the incident.</summary>"))
        #expect(!home.contains("Half written") && !FileManager.default.fileExists(atPath: out + "/entries/ll-0003.html"))
        let page = try read(out + "/entries/ll-0002.html")
        #expect(page.contains("<nav class=\"toc\" aria-label=\"Contents\">"))
        #expect(page.contains("<li><a href=\"#section-part-1\">Part 1</a></li>") && page.contains("<h2 id=\"section-part-5\">Part 5</h2>"))
        #expect(page.contains("<a class=\"edit\" href=\"https://github.com/acme/memory/edit/HEAD/lessons/long.md\">Edit this page</a>"))
        #expect(!(try read(out + "/entries/ll-0001.html")).contains("class=\"toc\""))
        let drafts = try lore(["publish", "--out", out, "--today", "2025-03-01", "--include-drafts"], in: repo)
        #expect(drafts.stdout == "published 4 entries (27 files) to \(out)\n")
        #expect(try read(out + "/index.html").contains("Half written"))
    }

    @Test func feedIsAtomWithStableIDs() throws {
        let repo = try Self.scenario()
        let out = repo.path + "-site"
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try lore(["publish", "--out", out, "--base-url", "https://memory.example.com/docs"], in: repo.path).status == 0)
        let script = """
        import sys, xml.etree.ElementTree as ET
        A = '{http://www.w3.org/2005/Atom}'
        root = ET.parse(sys.argv[1]).getroot()
        assert root.tag == A + 'feed', root.tag
        for name in ('id', 'title', 'updated'):
            assert root.find(A + name) is not None and root.find(A + name).text, name
        entries = root.findall(A + 'entry')
        for entry in entries:
            for name in ('id', 'title', 'updated', 'published'):
                assert entry.find(A + name).text, name
            assert entry.find(A + 'author/' + A + 'name').text
            assert entry.find(A + 'link').get('href').startswith('https://memory.example.com/docs/entries/')
        print(root.find(A + 'updated').text, ' '.join(e.find(A + 'id').text for e in entries))
        """
        let parsed = try runProcess("/usr/bin/env", ["python3", "-c", script, out + "/feed.xml"])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        // Ids are tag: URIs from the first commit's date whatever --base-url says (the same as in
        // Fixtures/site/feed.xml, published without one), so moving the site changes no id.
        #expect(parsed.stdout == "2025-02-03T10:00:00+02:00 tag:lore.invalid,2025-02-01:LL-0001 tag:lore.invalid,2025-02-01:PM-0001\n")
    }

    @Test func untrustedContentRunsNoScript() throws {
        let repo = try TemporaryRepository()
        try repo.write("lessons/xss.md", """
            ---
            id: LL-0001
            title: "</script><script>alert('title')</script><img src=x onerror=alert(1)>"
            date: 2025-03-14
            status: "active\\" onmouseover=\\"alert(2)"
            tags: ["<svg onload=alert(3)>", "javascript:alert(4)"]
            authors: ["<b onclick=alert(5)>eve</b>"]
            owner_link: "javascript:alert(6)"
            action_items:
              - title: "<script>alert(7)</script>"
                owner: "<img src=x onerror=alert(8)>"
                due: 2025-01-01
                link: "javascript:alert(9)"
              - title: data link
                link: "data:text/html,<script>alert(10)</script>"
            ---

            # Raw HTML

            <script>alert(11)</script>
            <img src="x" onerror="alert(12)">
            <div onmouseover="alert(13)">hover</div>
            [click](javascript:alert(14)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)
            [[LL-0001|<img src=x onerror=alert(15)>]]
            <a href="javascript:alert(16)">raw link</a>

            ```html
            <script>alert(17)</script>
            ```
            """)
        try repo.commitAll("XSS corpus")
        let out = repo.path + "-site"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try lore(["publish", "--out", out, "--today", "2025-06-01"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let handler = try NSRegularExpression(pattern: #"<[a-zA-Z][^>]*\son[a-z]+\s*="#)
        let badURL = try NSRegularExpression(pattern: #"(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):"#, options: .caseInsensitive)
        let script = try NSRegularExpression(pattern: #"<script\b[^>]*>"#, options: .caseInsensitive)
        var pages = 0
        for (path, data) in try tree(out) where path.hasSuffix(".html") {
            pages += 1
            let html = String(decoding: data, as: UTF8.self)
            let range = NSRange(html.startIndex..., in: html)
            #expect(handler.firstMatch(in: html, range: range) == nil, "event handler in \(path)")
            #expect(badURL.firstMatch(in: html, range: range) == nil, "script URL in \(path)")
            let scripts = script.matches(in: html, range: range).map { (html as NSString).substring(with: $0.range) }
            #expect(scripts == (path == "search.html" ? [#"<script src="search-index.js">"#, #"<script src="search.js">"#] : []), "\(path): \(scripts)")
        }
        #expect(pages >= 10)
        let entry = try read(out + "/entries/ll-0001.html")
        #expect(entry.contains("<h1>&lt;/script&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</h1>"))
        #expect(entry.contains("&lt;script&gt;alert(17)&lt;/script&gt;"))          // the code block, shown as text
        #expect(!entry.contains("alert(11)") && !entry.contains("alert(12)"))    // raw HTML left out
        let index = try read(out + "/search-index.js")
        #expect(!index.contains("<") && !index.contains(">") && index.hasPrefix("window.LORE_SEARCH = {"))
    }

    @Test func sameSnapshotSameBytesAcrossTimeZonesAndLocales() throws {
        let repo = try Self.scenario()
        let first = repo.path + "-one", second = repo.path + "-two"
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        // "Today" is the clock's date, which differs between time zones; SOURCE_DATE_EPOCH (read as a
        // UTC date) fixes it, as a reproducible build does.
        let epoch = "1738576800"
        let one = try lore(["publish", "--out", first], in: repo.path, environment: ["TZ": "UTC", "LANG": "C", "LC_ALL": "C", "SOURCE_DATE_EPOCH": epoch])
        let two = try lore(["publish", "--out", second], in: repo.path,
                           environment: ["TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "tr_TR.UTF-8", "LORE_NO_CACHE": "1",
                                         "SOURCE_DATE_EPOCH": epoch])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let a = try tree(first), b = try tree(second)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (path, bytes) in a { #expect(b[path] == bytes, "\(path) differs") }
    }

    @Test func failedPublishLeavesThePreviousSite() throws {
        let repo = try Self.scenario()
        let out = repo.path + "-site"
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try lore(["publish", "--out", out], in: repo.path).status == 0)
        let before = try tree(out)
        try repo.write("lessons/new.md", entryText(id: "LL-0002", title: "A new lesson", status: "active"))
        try GraphCLITests.commit(repo, "Add a lesson", day: 5)
        let crashed = try lore(["publish", "--out", out], in: repo.path, environment: ["LORE_TEST_CRASH_AFTER_FILES": "10"])
        #expect(crashed.status == 97)
        #expect(try tree(out) == before)
        let parent = (out as NSString).deletingLastPathComponent, name = (out as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).contains { $0.hasPrefix(".\(name).lore-publish-") })
        let again = try lore(["publish", "--out", out], in: repo.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try tree(out)["entries/ll-0002.html"] != nil)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: parent).contains { $0.hasPrefix(".\(name).lore-") })
    }

    @Test func refusesToReplaceWhatIsNotASite() throws {
        let repo = try Self.scenario()
        for out in [repo.path, ".", (repo.path as NSString).deletingLastPathComponent, repo.path + "/.git"] {
            let result = try lore(["publish", "--out", out], in: repo.path)
            #expect(result.status == 1, "\(out)")
            #expect(result.stderr.hasPrefix("error: --out \(out) holds the repository"), "\(result.stderr)")
        }
        let foreign = repo.path + "-foreign"
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: foreign + "/notes.txt"))
        let refused = try lore(["publish", "--out", foreign], in: repo.path)
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: --out \(foreign) is not empty and was not written by lore publish (no .lore-site); pass --force to replace it whole\n")
        #expect(try read(foreign + "/notes.txt") == "mine\n")
        let forced = try lore(["publish", "--out", foreign, "--force"], in: repo.path)
        #expect(forced.status == 0)
        #expect(!FileManager.default.fileExists(atPath: foreign + "/notes.txt"))
        let usage = try lore(["publish"], in: repo.path)
        #expect(usage.status == 2)
        #expect(try lore(["publish", "--out", foreign, "--base-url", "javascript:alert(1)"], in: repo.path).status == 2)
    }

    /// `-C` means "as if started there": a relative --out lands in that folder, and a site inside
    /// the working tree (GitLab's `public/`) is allowed since it holds no part of the repository.
    @Test func relativeOutFollowsDashC() throws {
        let repo = try Self.scenario()
        let elsewhere = (repo.path as NSString).deletingLastPathComponent
        let result = try lore(["publish", "-C", repo.path, "--out", "public"], in: elsewhere)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "published 2 entries (24 files) to \(repo.path)/public\n")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/public/entries/ll-0001.html"))
    }

    @Test func themeOverridesAndPrintTheme() throws {
        let repo = try Self.scenario()
        let printed = repo.path + "-theme"
        let out = repo.path + "-site"
        defer { try? FileManager.default.removeItem(atPath: printed); try? FileManager.default.removeItem(atPath: out) }
        let result = try lore(["publish", "--print-theme", printed], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let templates = packageRoot.appendingPathComponent("Templates/theme").path
        let expected = try tree(templates).filter { !$0.key.hasSuffix(".py") }
        #expect(try tree(printed) == expected)
        let again = try lore(["publish", "--print-theme", printed], in: repo.path)
        #expect(again == ProcessResult(stdout: "", stderr: "error: \(printed)/actions.mustache already exists; not changed\n", status: 1))

        try repo.write(".lore/theme/style.css", "body { color: rebeccapurple; }\n")
        try repo.write(".lore/theme/list.mustache", "<h1>Custom {{heading}}</h1>{{> entry-list}}\n")
        try repo.write(".lore/theme/logo.svg", "<svg/>\n")
        try repo.commitAll("Theme")
        let themed = try lore(["publish", "--out", out], in: repo.path)
        #expect(themed.status == 0)
        #expect(themed.stderr == "note: .lore/theme/logo.svg is not a theme file; ignored\n")
        #expect(try read(out + "/style.css") == "body { color: rebeccapurple; }\n")
        #expect(try read(out + "/all.html").contains("<h1>Custom All entries</h1>"))

        try repo.write(".lore/theme/home.mustache", "{{#recent}}unclosed\n")
        let broken = try lore(["publish", "--out", out], in: repo.path)
        #expect(broken.status == 2)
        #expect(broken.stderr == ".lore/theme/home.mustache:1:1: error: not a valid Mustache template: the section 'recent' is not closed\n")
        #expect(try read(out + "/style.css") == "body { color: rebeccapurple; }\n")
    }
}
