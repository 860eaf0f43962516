import Foundation
import LoreKit
import TestSupport
import Testing

/// The pieces of `lore publish` that need no repository: escaping, forge URLs, the embedded theme.
@Suite struct PublishTests {
    @Test func safeURLKeepsOnlyWebMailAndRelativeLinks() {
        for kept in ["https://example.com/a?b=c#d", "http://x.test", "mailto:ops@example.com", "../entries/pm-0001.html",
                     "#top", "notes/file.md", "/absolute/path", "?q=1", "a/b:c"] {
            #expect(SiteEscaping.safeURL(kept) == kept, "\(kept)")
        }
        for refused in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                        "java\nscript:alert(1)", "data:text/html,<script>", "vbscript:msgbox", "file:///etc/passwd", "", "  "] {
            #expect(SiteEscaping.safeURL(refused) == nil, "\(refused)")
        }
    }

    @Test func scriptJSONCannotCloseTheScript() {
        let escaped = SiteEscaping.scriptJSON(Array("{\"t\":\"</script><!-- & \u{2028}\u{2029}\"}".utf8))
        #expect(escaped == #"{"t":"\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029"}"#)
    }

    @Test func htmlAndXMLEscaping() {
        #expect(Escaping.html(#"<a href="x" onclick='y'>&"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;")
        #expect(Escaping.xml("a\u{1}<b>&\"'") == "a\u{FFFD}&lt;b&gt;&amp;&quot;&apos;")
    }

    @Test func slugsAreFileNames() {
        #expect(SiteEscaping.slug("PM-0001") == "pm-0001")
        #expect(SiteEscaping.slug("../../etc/passwd") == "etc-passwd")
        #expect(SiteEscaping.slug("<script>") == "script")
        #expect(SiteEscaping.slug("日本") == "_")
    }

    /// "Edit this page" opens the forge's editor on the default branch (issue 19).
    @Test func forgeEditLinks() throws {
        #expect(try #require(Forge(repositoryURL: "git@github.com:acme/memory.git")).editURL("lessons/a b.md")
                == "https://github.com/acme/memory/edit/HEAD/lessons/a%20b.md")
        #expect(try #require(Forge(repositoryURL: "https://gitlab.com/acme/memory")).editURL("x.md") == "https://gitlab.com/acme/memory/-/edit/HEAD/x.md")
        #expect(try #require(Forge(repositoryURL: "https://bitbucket.org/acme/memory")).editURL("x.md")
                == "https://bitbucket.org/acme/memory/src/HEAD/x.md?mode=edit")
    }

    /// Trend charts show every period between the first and the last, empty ones too (issue 19).
    @Test func chartsShowEveryPeriod() {
        #expect(StatsCharts.everyPeriod(between: ["2024-Q3", "2025-Q2"]) == ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"])
        #expect(StatsCharts.everyPeriod(between: ["2024-11", "2025-02"]) == ["2024-11", "2024-12", "2025-01", "2025-02"])
        #expect(StatsCharts.everyPeriod(between: ["2023", "2025"]) == ["2023", "2024", "2025"])
        #expect(StatsCharts.everyPeriod(between: ["2025-Q1"]) == ["2025-Q1"])
        #expect(StatsCharts.everyPeriod(between: ["2025-Q1", "odd"]) == ["2025-Q1", "odd"])
        let svg = StatsCharts.stackedBars(title: "t", periods: ["2024-Q4", "2025-Q1"], series: ["a"], colours: ["#000"]) { _, _ in 1 }
        #expect(svg.contains(">2024-Q4</text>") && svg.contains(">2025-Q1</text>") && svg.contains("font-size=\"12\""))
    }

    @Test func forgeFromRemoteURLs() throws {
        let github = try #require(Forge(repositoryURL: "git@github.com:acme/memory.git"))
        #expect(github.base == "https://github.com/acme/memory")
        #expect(github.commitURL("abc") == "https://github.com/acme/memory/commit/abc")
        #expect(github.fileURL("lessons/a b.md", commit: "c1") == "https://github.com/acme/memory/blob/c1/lessons/a%20b.md")
        let gitlab = try #require(Forge(repositoryURL: "https://gitlab.example.com/group/sub/memory"))
        #expect(gitlab.folderURL("src/pay", commit: "c1") == "https://gitlab.example.com/group/sub/memory/-/tree/c1/src/pay")
        let bitbucket = try #require(Forge(repositoryURL: "ssh://git@bitbucket.org:7999/team/memory.git"))
        #expect(bitbucket.commitURL("abc") == "https://bitbucket.org/team/memory/commits/abc")
        #expect(Forge(repositoryURL: "https://git.example.com/a/b") == nil)
        #expect(Forge(repositoryURL: "javascript:alert(1)//github.com/a/b") == nil)
        #expect(Forge(repositoryURL: "/srv/git/memory.git") == nil)
    }

    /// `Templates/theme/` is the source of truth; `make embed` regenerates the copies.
    @Test func embeddedThemeMatchesTemplatesFolder() throws {
        let folder = packageRoot.appendingPathComponent("Templates/theme")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".mustache") || $0.hasSuffix(".css") || $0.hasSuffix(".js") }.sorted()
        #expect(BuiltInTheme.files.map(\.name) == onDisk)
        for file in BuiltInTheme.files {
            let text = try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8)
            #expect(file.text == text, "\(file.name) differs: run make embed")
        }
    }
}
