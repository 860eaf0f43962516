import LoreKit
import Testing

private func value(_ yaml: String) throws -> YAMLValue {
    try #require(try YAMLReader.read("v: " + yaml)?["v"])
}

@Suite struct FieldTypeTests {
    @Test func textStaysAsWrittenUnlessTheTypeSaysOtherwise() throws {
        #expect(try FieldType.string.interpret(try value("NO"), field: "v") == .string("NO"))
        #expect(try FieldType.bool.interpret(try value("NO"), field: "v") == .bool(false))
        #expect(try FieldType.string.interpret(try value("1.10"), field: "v") == .string("1.10"))
        #expect(try FieldType.int.interpret(try value("042"), field: "v") == .int(42))
        #expect(try FieldType.list.interpret(try value("[a, 1.10, yes]"), field: "v") == .list(["a", "1.10", "yes"]))
    }

    @Test func datesBareOrQuoted() throws {
        #expect(try FieldType.date.interpret(try value("2025-03-14"), field: "date") == .string("2025-03-14"))
        #expect(try FieldType.date.interpret(try value("\"2025-03-14\""), field: "date") == .string("2025-03-14"))
        #expect(throws: FieldProblem(position: SourcePosition(line: 1, column: 4), message: "'date' must be a date YYYY-MM-DD, not '2025-02-30'")) {
            try FieldType.date.interpret(try value("2025-02-30"), field: "date")
        }
    }

    @Test(arguments: ["2025-03-14T09:12:00Z", "2025-03-14T09:12:00+01:00", "2025-03-14 09:12:00.25-05:30"])
    func validDateTimes(text: String) throws {
        #expect(try FieldType.datetime.interpret(try value(text), field: "started") == .string(text))
    }

    @Test(arguments: ["2025-03-14T09:12:00", "2025-03-14T09:12Z", "2025-03-14", "yesterday"])
    func invalidDateTimes(text: String) throws {
        #expect(throws: FieldProblem.self) { try FieldType.datetime.interpret(try value(text), field: "started") }
    }

    @Test func enumsUrlsEmailsCommits() throws {
        #expect(try FieldType.enumeration(["SEV1", "SEV2"]).interpret(try value("SEV2"), field: "severity") == .string("SEV2"))
        #expect(throws: FieldProblem(position: SourcePosition(line: 1, column: 4), message: "'severity' must be one of SEV1, SEV2, not 'SEV9'")) {
            try FieldType.enumeration(["SEV1", "SEV2"]).interpret(try value("SEV9"), field: "severity")
        }
        #expect(try FieldType.url.interpret(try value("https://x.example/a"), field: "link") == .string("https://x.example/a"))
        #expect(throws: FieldProblem.self) { try FieldType.url.interpret(try value("not a url"), field: "link") }
        #expect(try FieldType.email.interpret(try value("a@b.example"), field: "owner") == .string("a@b.example"))
        #expect(try FieldType.commits.interpret(try value("[abc1234, ABCDEF0123]"), field: "commits") == .list(["abc1234", "ABCDEF0123"]))
        #expect(throws: FieldProblem(position: SourcePosition(line: 1, column: 5), message: "'xyz' in 'commits' is not a commit id (7 to 40 hexadecimal digits)")) {
            try FieldType.commits.interpret(try value("[xyz]"), field: "commits")
        }
    }

    @Test func actionItemsAreObjectsWithRequiredTitle() throws {
        let kind = try #require(Configuration.builtIn.kind(named: "postmortem"))
        let type = try #require(kind.field("action_items")?.type)
        let items = try #require(try YAMLReader.read("a:\n  - title: Fix it\n    due: 2025-04-01\n    status: done\n  - owner: me\n")?["a"])
        #expect(throws: FieldProblem(position: SourcePosition(line: 5, column: 5), message: "an item of 'action_items' is missing 'title'")) {
            try type.interpret(items, field: "action_items")
        }
    }
}
