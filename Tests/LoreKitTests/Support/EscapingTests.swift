import LoreKit
import Testing

/// One escaper for every output: each context's markup and its control-character policy.
@Suite struct EscapingTests {
    static let hostile = "a<b>&\"'\u{1B}[31m\u{7}\tx\ny\rz\u{FFFE}"

    @Test func html() {
        #expect(Escaping.html(Self.hostile) == "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}[31m\u{FFFD}\tx\ny\rz\u{FFFD}")
    }

    /// The byte-level HTML escaper the templates use writes exactly what `Escaping.html` does.
    @Test func appendHTMLIsHTML() {
        for text in [Self.hostile, "", "plain", "é <\u{0301}> \u{FFFF}\u{FFFE}\u{FFFD} 日本 \u{7F}\u{0}", "&&&"] {
            var bytes: [UInt8] = Array("x".utf8)
            Escaping.appendHTML(text, to: &bytes)
            #expect(bytes == Array(("x" + Escaping.html(text)).utf8), "\(text)")
        }
    }

    @Test func xml() {
        #expect(Escaping.xml(Self.hostile) == "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}[31m\u{FFFD}\tx\ny\rz\u{FFFD}")
    }

    @Test func xmlAttribute() {
        #expect(Escaping.xmlAttribute(Self.hostile) == "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}[31m\u{FFFD}&#9;x&#10;y&#13;z\u{FFFD}")
    }

    @Test func markdown() {
        let written = ##"[x](javascript:1) *a* _b_ `c` #d |e| !f ~g &h <i> \"##
        let escaped = ##"\[x\](javascript:1) \*a\* \_b\_ \`c\` \#d \|e\| \!f \~g \&h \<i\> \\"##
        #expect(Escaping.markdown(written) == escaped)
        #expect(Escaping.markdown(Self.hostile) == "a\\<b\\>\\&\"'\u{FFFD}\\[31m\u{FFFD} x y z\u{FFFD}")
    }

    @Test func terminal() {
        #expect(Escaping.terminal(Self.hostile) == #"a<b>&"'\x1B[31m\x07\tx\ny\rz"# + "\u{FFFE}")
        #expect(Escaping.terminal("lessons/a.md\n::warning file=x::forged\u{85}") == #"lessons/a.md\n::warning file=x::forged\u{85}"#)
    }

    @Test func dotAndMermaid() {
        #expect(Escaping.dotString(#"a "b" \ c"# + "\nd\u{1B}") == #"a \"b\" \\ c d"# + "\u{FFFD}")
        #expect(Escaping.mermaidLabel("a \"b\" <c> |d|\ne") == "a #quot;b#quot; #lt;c#gt; #124;d#124; e")
    }

    @Test func plainTextIsUnchangedInEveryContext() {
        for context in Escaping.allCases {
            #expect(context("Checkout latency doubled café 日本 🚀 (2025-03-14)") == "Checkout latency doubled café 日本 🚀 (2025-03-14)")
        }
    }

    @Test func icalendarAndCSV() {
        #expect(Escaping.icalendarText("a, b; c\\d\r\ne\nf\u{1B}") == #"a\, b\; c\\d\ne\nf"# + "\u{FFFD}")
        #expect(Escaping.csvField("plain") == "plain")
        #expect(Escaping.csvField("a, \"b\"\nc") == "\"a, \"\"b\"\"\nc\"")
        #expect(Escaping.csvField("=SUM(A1)") == "'=SUM(A1)")
    }
}
