import Foundation
import LoreKit
import Testing
import TestSupport

/// Every rule's own examples, run through the real checker on a real repository: each `↓` is a
/// finding of that rule at exactly that place, and the non-triggering examples give none.
@Suite struct RuleExampleTests {
    static let rules = Checker.descriptions.map(\.id)

    /// Writes an example into a fresh repository; returns the expected positions by path.
    static func materialize(_ example: RuleExample, enabling rule: String, lineEndings: String = "\n") throws -> (TemporaryRepository, Set<String>) {
        let repo = try TemporaryRepository()
        // Rules that are off by default are switched on for their own examples.
        if Checker.descriptions.first(where: { $0.id == rule })?.defaultSeverity == .off {
            try repo.write(".lore/config.yml", "rules:\n  \(rule): warning\n")
        }
        var expected = Set<String>()
        for file in example.files {
            var text = ""
            var line = 1, column = 1
            for character in file.text {
                if character == "↓" {
                    expected.insert("\(file.path):\(line):\(column)")
                    continue
                }
                text.append(character)
                if character == "\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
            }
            if lineEndings != "\n" { text = text.replacingOccurrences(of: "\n", with: lineEndings) }
            try repo.write(nameBytes: Array(file.path.utf8), bytes: Array(text.utf8))
        }
        return (repo, expected)
    }

    static func found(_ rule: String, in repo: TemporaryRepository, today: String?) throws -> Set<String> {
        let memory = try MemoryRepository(discoveringFrom: repo.path)
        let report = try Checker.check(memory, source: .workingTree, today: today ?? "2025-03-20")
        return Set(report.diagnostics.filter { $0.code == rule }.map { "\($0.path.description):\($0.position.line):\($0.position.column)" })
    }

    @Test(arguments: rules)
    func examplesTriggerExactlyAtTheMarkers(rule: String) throws {
        let description = try #require(Checker.descriptions.first { $0.id == rule })
        for example in description.triggering {
            let (repo, expected) = try Self.materialize(example, enabling: rule)
            #expect(!expected.isEmpty, "a triggering example of \(rule) has no ↓")
            #expect(try Self.found(rule, in: repo, today: example.today) == expected, "\(rule)")
        }
        for example in description.nonTriggering {
            let (repo, _) = try Self.materialize(example, enabling: rule)
            #expect(try Self.found(rule, in: repo, today: example.today).isEmpty, "\(rule) on a non-triggering example")
        }
    }

    /// The same examples with CRLF line endings report at the same places.
    @Test(arguments: rules)
    func crlfDoesNotMovePositions(rule: String) throws {
        let description = try #require(Checker.descriptions.first { $0.id == rule })
        for example in description.triggering where !example.files.contains(where: { $0.text.contains("\u{0}") }) {
            let (repo, expected) = try Self.materialize(example, enabling: rule, lineEndings: "\r\n")
            #expect(try Self.found(rule, in: repo, today: example.today) == expected, "\(rule) with CRLF")
        }
    }

    /// Emoji and CJK before a problem on its line move the column by characters, not bytes.
    @Test func multibyteTextBeforeAProblem() throws {
        let example = RuleExample(["lessons/a.md": "---\nid: LL-0001\ntitle: 日本🙂\ndate: 2025-03-14\nstatus: active\nrelated: [\"🙂日本\", ↓LL-0404]\n---\n\n🙂 日本語 ↓[[LL-0405]] and é ↓[x](gone.md)\n"])
        let (repo, expected) = try Self.materialize(example, enabling: "broken-link")
        let found = try Self.found("broken-link", in: repo, today: nil)
        #expect(expected.isSubset(of: found))
        #expect(found.subtracting(expected) == ["lessons/a.md:6:11"])   // "🙂日本" is an id nobody has, too
    }

    @Test func everyRuleHasATriggeringOrAnExplainedMissingExample() {
        // Four findings come from bytes or index states an example cannot hold as text (each has its own test).
        // status-transition judges a change against the previous commit, which an example of
        // files cannot hold: HookLifecycleTests commit each transition through the hook.
        // unknown-trailer judges commit messages, not entries (HookTests and CLI tests of `lore trailers`).
        let withoutExamples: Set<String> = ["invalid-utf8", "file-too-large", "non-utf8-path", "unmerged-file", "symlink-entry", "unreadable-file",
                                            "unknown-trailer", "status-transition"]
        for description in Checker.descriptions {
            #expect(!description.triggering.isEmpty || withoutExamples.contains(description.id), "\(description.id)")
            #expect(!description.nonTriggering.isEmpty, "\(description.id)")
            #expect(description.id.allSatisfy { $0.isLowercase || $0 == "-" || $0.isNumber }, "\(description.id)")
        }
        #expect(Set(Checker.descriptions.map(\.id)).count == Checker.descriptions.count)
    }

    @Test func docsRulesIsCurrent() throws {
        let root = packageRoot
        let onDisk = try String(contentsOf: root.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(onDisk == RuleReference.markdown(), "docs/rules.md is stale: run `lore rules --format markdown > docs/rules.md`")
    }

    /// The configuration is read below the rules, from its own list of rule ids: it must name
    /// exactly the rules the checker runs.
    @Test func configurationKnowsEveryRule() {
        #expect(RuleIdentifiers.all == Checker.descriptions.map(\.id))
    }

    @Test func builtInTemplatesMatchTemplatesFolder() throws {
        let root = packageRoot
        for kind in BuiltInTemplates.names {
            let onDisk = try String(contentsOf: root.appendingPathComponent("Templates/\(kind).md"), encoding: .utf8)
            #expect(BuiltInTemplates.text(for: kind) == onDisk, "\(kind) differs: run make embed")
        }
        // Every entry template of the folder is built in (`theme/`, the site's templates, is checked by PublishTests).
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Templates").path).filter { $0.hasSuffix(".md") }
        #expect(files.sorted() == BuiltInTemplates.names.map { "\($0).md" }.sorted())
    }
}

@Suite struct BuiltInHookTests {
    @Test func hooksMatchTheHooksFolder() throws {
        let root = packageRoot
        for name in BuiltInHooks.names {
            #expect(BuiltInHooks.script(for: name) == (try String(contentsOf: root.appendingPathComponent("Hooks/\(name)"), encoding: .utf8)), "\(name)")
        }
    }

    @Test func trailerPositions() {
        #expect(LoreTrailers.references(in: "fix\n\nLore: PM-1, LL-2\n# Lore: XX-9\nlore:PM-3") == [
            .init(id: "PM-1", position: SourcePosition(line: 3, column: 7)),
            .init(id: "LL-2", position: SourcePosition(line: 3, column: 13)),
            .init(id: "PM-3", position: SourcePosition(line: 5, column: 6)),
        ])
    }
}
