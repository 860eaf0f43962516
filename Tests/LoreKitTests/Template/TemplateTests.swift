import LoreKit
import Testing

/// Lore's Mustache engine against the behaviours of the Mustache specification it supports,
/// with exact output, and its errors with their positions.
@Suite struct TemplateTests {
    func render(_ text: String, _ value: TemplateValue, partials: [String: String] = [:], escaping: Bool = true) throws -> String {
        var library = TemplateLibrary()
        for (name, partial) in partials { try library.register(partial, named: name) }
        try library.register(text, named: "main")
        return library.render("main", value, escaping: escaping)
    }

    func error(_ text: String) -> TemplateError? {
        do {
            _ = try Template(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Interpolation

    @Test func interpolation() throws {
        #expect(try render("Hello, {{subject}}!", ["subject": "world"]) == "Hello, world!")
        #expect(try render("No tags here.\n", [:]) == "No tags here.\n")
        #expect(try render("{{forbidden}}", ["forbidden": "& \" < > '"]) == "&amp; &quot; &lt; &gt; &#39;")
        #expect(try render("{{{forbidden}}}", ["forbidden": "& \" < >"]) == "& \" < >")
        #expect(try render("{{&forbidden}}", ["forbidden": "& \" < >"]) == "& \" < >")
        #expect(try render("{{ forbidden }}|{{{ forbidden }}}|{{& forbidden }}", ["forbidden": "<"]) == "&lt;|<|<")
        #expect(try render("{{n}} {{{n}}} {{yes}} {{no}}", ["n": 85, "yes": true, "no": false]) == "85 85 true false")
        #expect(try render("I ({{cannot}}) be seen!", [:]) == "I () be seen!")
        #expect(try render("{{list}}{{object}}", ["list": ["a"], "object": ["a": "b"]]) == "")
        // Control characters are made U+FFFD, as `Escaping.html` does.
        #expect(try render("{{c}}", ["c": "a\u{1B}b\tc"]) == "a\u{FFFD}b\tc")
        #expect(try render("{{c}}", ["c": "é <\u{0301}"]) == "é &lt;\u{0301}")
    }

    @Test func dottedNames() throws {
        let value: TemplateValue = ["person": ["name": "Joe"], "a": ["b": ["c": "deep"]], "name": "outer"]
        #expect(try render("{{person.name}} {{{person.name}}} {{&person.name}}", value) == "Joe Joe Joe")
        #expect(try render("{{a.b.c}}", value) == "deep")
        #expect(try render("[{{a.b.x}}]", value) == "[]")
        // A dotted name's first part is found up the stack, the rest only inside it.
        #expect(try render("{{#a}}{{person.name}}{{/a}}", value) == "Joe")
        #expect(try render("{{#a}}[{{b.name}}]{{/a}}", value) == "[]")
        // A broken chain does not resolve against the stack.
        #expect(try render("{{#a}}[{{b.c.name}}]{{/a}}", value) == "[]")
    }

    @Test func implicitIterator() throws {
        #expect(try render("{{#list}}({{.}}){{/list}}", ["list": ["a", "<b>", 3]]) == "(a)(&lt;b&gt;)(3)")
        #expect(try render("{{#list}}({{{.}}}){{/list}}", ["list": ["<b>"]]) == "(<b>)")
        #expect(try render("{{#list}}{{#.}}[{{.}}]{{/.}}{{/list}}", ["list": [["a", "b"], ["c"]]]) == "[a][b][c]")
    }

    // MARK: Sections

    @Test func sections() throws {
        #expect(try render("\"{{#boolean}}This should be rendered.{{/boolean}}\"", ["boolean": true]) == "\"This should be rendered.\"")
        #expect(try render("\"{{#boolean}}This should not be rendered.{{/boolean}}\"", ["boolean": false]) == "\"\"")
        #expect(try render("\"{{#missing}}Found key 'missing'!{{/missing}}\"", [:]) == "\"\"")
        #expect(try render("\"{{#context}}Hi {{name}}.{{/context}}\"", ["context": ["name": "Joe"]]) == "\"Hi Joe.\"")
        #expect(try render("\"{{#list}}{{item}}{{/list}}\"", ["list": [["item": 1], ["item": 2], ["item": 3]]]) == "\"123\"")
        #expect(try render("\"{{#list}}Yay lists!{{/list}}\"", ["list": []]) == "\"\"")
        // Inner names fall back to outer contexts.
        let nested: TemplateValue = ["a": ["one": 1], "b": ["two": 2], "c": ["three": 3]]
        #expect(try render("{{#a}}{{one}}{{#b}}{{one}}{{two}}{{#c}}{{one}}{{two}}{{three}}{{/c}}{{/b}}{{/a}}", nested) == "112123")
        // Strings and numbers are true, and go on the stack.
        #expect(try render("{{#s}}[{{.}}]{{/s}}{{#n}}[{{.}}]{{/n}}{{#e}}[empty]{{/e}}", ["s": "x", "n": 0, "e": ""]) == "[x][0][empty]")
        // A true boolean does not push itself.
        #expect(try render("{{#flag}}{{name}}{{/flag}}", ["flag": true, "name": "n"]) == "n")
        #expect(try render("{{#a.b}}yes{{/a.b}}", ["a": ["b": true]]) == "yes")
    }

    @Test func invertedSections() throws {
        #expect(try render("\"{{^boolean}}This should be rendered.{{/boolean}}\"", ["boolean": false]) == "\"This should be rendered.\"")
        #expect(try render("\"{{^boolean}}No{{/boolean}}\"", ["boolean": true]) == "\"\"")
        #expect(try render("\"{{^list}}Empty{{/list}}\"", ["list": []]) == "\"Empty\"")
        #expect(try render("\"{{^list}}Empty{{/list}}\"", ["list": [1]]) == "\"\"")
        #expect(try render("\"{{^missing}}Missing{{/missing}}\"", [:]) == "\"Missing\"")
        #expect(try render("\"{{^context}}No{{/context}}\"", ["context": ["a": 1]]) == "\"\"")
    }

    // MARK: Whitespace

    @Test func standaloneLines() throws {
        #expect(try render("| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n", ["boolean": true]) == "| This Is\n|\n| A Line\n")
        #expect(try render("| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n", ["boolean": true]) == "| This Is\n|\n| A Line\n")
        #expect(try render("| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n", ["boolean": false]) == "| This Is\n|\n| A Line\n")
        #expect(try render("|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", ["boolean": true]) == "|\r\n|")
        #expect(try render("  {{#boolean}}\n#{{/boolean}}\n/", ["boolean": true]) == "#\n/")
        #expect(try render("#{{#boolean}}\n/\n  {{/boolean}}", ["boolean": true]) == "#\n/\n")
        // Not standalone: other text or tags on the line.
        #expect(try render(" | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n", ["boolean": true]) == " |  \n  | \n")
        #expect(try render(" {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n", ["boolean": true]) == " YES\n GOOD\n")
        // Interpolation is never standalone.
        #expect(try render("  {{string}}\n", ["string": "---"]) == "  ---\n")
    }

    @Test func comments() throws {
        #expect(try render("12345{{! Comment Block! }}67890", [:]) == "1234567890")
        #expect(try render("12345{{!\n  This is a\n  multi-line comment...\n}}67890\n", [:]) == "1234567890\n")
        #expect(try render("Begin.\n{{! Comment Block! }}\nEnd.\n", [:]) == "Begin.\nEnd.\n")
        #expect(try render("Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", [:]) == "Begin.\nEnd.\n")
        #expect(try render("  12 {{! 34 }}\n", [:]) == "  12 \n")
        #expect(try render("!\n  {{! I'm Still Standalone }}", [:]) == "!\n")
    }

    // MARK: Partials

    @Test func partials() throws {
        #expect(try render("\"{{>text}}\"", [:], partials: ["text": "from partial"]) == "\"from partial\"")
        #expect(try render("\"{{>missing}}\"", [:]) == "\"\"")
        #expect(try render("\"{{>partial}}\"", ["text": "content"], partials: ["partial": "*{{text}}*"]) == "\"*content*\"")
        #expect(try render("{{#list}}{{> item}}{{/list}}", ["list": [["n": 1], ["n": 2]]], partials: ["item": "<{{n}}>"]) == "<1><2>")
        // Recursion ends where the data does.
        let tree: TemplateValue = ["content": "X", "nodes": [["content": "Y", "nodes": []]]]
        #expect(try render("{{>node}}", tree, partials: ["node": "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>"]) == "X<Y<>>")
        // A standalone partial is indented as its line, each of its lines.
        #expect(try render("\\\n {{>partial}}\n/\n", ["content": "<\n->"], partials: ["partial": "|\n{{{content}}}\n|\n"])
                == "\\\n |\n <\n->\n |\n/\n")
        #expect(try render("|\r\n{{>partial}}\r\n|", [:], partials: ["partial": ">"]) == "|\r\n>|")
        #expect(try render("  {{>partial}}\n>", [:], partials: ["partial": ">\n>"]) == "  >\n  >>")
        // Inline partials are not indented.
        #expect(try render("  {{data}}  {{> partial}}\n", ["data": "|"], partials: ["partial": ">\n>"]) == "  |  >\n>\n")
        // A partial that includes itself forever stops.
        #expect(try render("{{>loop}}", [:], partials: ["loop": "a{{>loop}}"]) == String(repeating: "a", count: 100))
    }

    // MARK: Set delimiters

    @Test func setDelimiters() throws {
        #expect(try render("{{=<% %>=}}(<%text%>)", ["text": "Hey!"]) == "(Hey!)")
        #expect(try render("({{=[ ]=}}[text])", ["text": "It worked!"]) == "(It worked!)")
        #expect(try render("[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n\n{{= | | =}}\n|#section|\n  {{data}}\n  |data|\n|/section|\n]\n",
                           ["section": true, "data": "I got interpolated."])
                == "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n  I got interpolated.\n]\n")
        #expect(try render("{{= | | =}}{{a}}|a||&a|", ["a": "<"]) == "{{a}}&lt;<")
        #expect(try render("Begin.\n{{=@ @=}}\nEnd.\n", [:]) == "Begin.\nEnd.\n")
        // Partials keep the default delimiters.
        #expect(try render("[ {{>include}} ]\n{{= | | =}}\n[ |>include| ]\n", ["value": "yes"], partials: ["include": ".{{value}}."])
                == "[ .yes. ]\n[ .yes. ]\n")
    }

    @Test func pragmasAreIgnored() throws {
        #expect(try render("{{% CONTENT_TYPE: TEXT }}\n{{x}}", ["x": "<"]) == "&lt;")
    }

    @Test func textOutputWritesVariablesRaw() throws {
        #expect(try render("{{x}} {{{x}}}", ["x": "<a & b>"], escaping: false) == "<a & b> <a & b>")
    }

    // MARK: Errors

    @Test func errorsNameTheirPosition() {
        #expect(error("ok\n  {{#open}}\nnever closed") == TemplateError(line: 2, column: 3, message: "the section 'open' is not closed"))
        #expect(error("{{#a}}\n x {{/b}}") == TemplateError(line: 2, column: 4, message: "{{/b}} does not close the open section 'a' (opened at line 1, column 1)"))
        #expect(error("text {{/b}}") == TemplateError(line: 1, column: 6, message: "{{/b}} closes a section that is not open"))
        #expect(error("é {{name") == TemplateError(line: 1, column: 3, message: "an unclosed tag"))
        #expect(error("{{}}") == TemplateError(line: 1, column: 1, message: "a tag without a name"))
        #expect(error("\n\n{{a b}}") == TemplateError(line: 3, column: 1, message: "a name cannot hold spaces: 'a b'"))
        #expect(error("{{a..b}}") == TemplateError(line: 1, column: 1, message: "'a..b' is not a valid name"))
        #expect(error("{{=<% =}}") == TemplateError(line: 1, column: 1, message: "a set-delimiter tag needs two delimiters without '=' between blanks, as {{=<% %>=}}"))
        #expect(error("{{<parent}}{{/parent}}") == TemplateError(line: 1, column: 1, message: "template inheritance ({{<…}}) is not supported"))
        #expect(error("{{{a}}") == TemplateError(line: 1, column: 1, message: "an unclosed tag"))
        #expect(error("{{>}}") == TemplateError(line: 1, column: 1, message: "a partial tag without a name"))
        #expect(TemplateError(line: 2, column: 3, message: "x").description == "line 2, column 3: x")
    }
}
