import LoreKit
import Testing

private func parse(_ text: String) throws(ConfigurationError) -> Configuration {
    try Configuration.parse(Array(text.utf8))
}

private func error(_ text: String) -> String? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct ConfigurationTests {
    /// The example of FORMAT.md, verbatim.
    @Test func formatExampleReads() throws {
        let configuration = try parse("""
            version: 1
            kinds:
              postmortem:
                dir: postmortems                 # entries of this kind: .md files anywhere under this folder
                prefix: PM                       # ids are PM-0001, PM-0002, ...
                path: "{yyyy}/{date}-{slug}.md"  # where `lore new` writes, relative to dir
                ids: sequence                    # sequence | date | random
                template: postmortem             # .lore/templates/postmortem.md, else the built-in template
                statuses: [draft, in-review, published, closed]
                severities: [SEV1, SEV2, SEV3, SEV4]
                optional_sections: [Where we got lucky]
                fields:                          # declare or tighten fields beyond the common ones
                  services: { type: list, required: true }
              lesson:
                dir: lessons
                prefix: LL
                path: "{slug}.md"
                statuses: [active, superseded, archived]
              decision:
                dir: decisions
                prefix: DR
                path: "{nnnn}-{slug}.md"
                statuses: [proposed, accepted, rejected, deprecated, superseded]
            rules:                               # per-rule severity: error | warning | off
              unknown-field: off
            """)
        #expect(configuration.kinds.map(\.name) == ["postmortem", "lesson", "decision"])
        let postmortem = try #require(configuration.kind(named: "postmortem"))
        #expect(postmortem.field("services") == FieldSpec("services", .list, required: true))
        #expect(postmortem.field("severity") == FieldSpec("severity", .enumeration(["SEV1", "SEV2", "SEV3", "SEV4"]), required: true))
        #expect(postmortem.optionalSections == ["Where we got lucky"])
        #expect(configuration.ruleSeverities == ["unknown-field": "off"])
        #expect(configuration.kind(containing: GitPath("postmortems/2025/a.md"))?.name == "postmortem")
        #expect(configuration.kind(containing: GitPath("postmortemsX/a.md")) == nil)
    }

    @Test func whatInitWritesIsTheBuiltInConfiguration() throws {
        var configuration = try parse(Configuration.initialFileText)
        configuration.isFromFile = false
        // The built-in kinds, spelled out, then the retrospective kind it adds.
        let retrospective = try #require(configuration.kinds.last)
        #expect(retrospective.name == "retrospective" && retrospective.prefix == "RT" && retrospective.ids == .date)
        #expect(retrospective.template == "retrospective" && retrospective.dir == "retrospectives")
        configuration.kinds.removeLast()
        #expect(configuration == Configuration.builtIn)
        #expect(Configuration.initial.kinds.map(\.name) == ["postmortem", "lesson", "decision", "retrospective"])
    }

    @Test func customKindsAndDeclaredFields() throws {
        let configuration = try parse("""
            kinds:
              retrospective:
                dir: retros/
                prefix: RT
                ids: date
                statuses: [open, closed]
                fields:
                  team: string
                  rating: { type: enum, values: [good, bad] }
                  followups: { type: objects, fields: { what: { type: string, required: true }, when: date } }
            max_file_size: 512KiB
            """)
        let kind = try #require(configuration.kind(named: "retrospective"))
        #expect(kind.dir == "retros" && kind.prefix == "RT" && kind.ids == .date)
        #expect(kind.field("team") == FieldSpec("team", .string))
        #expect(kind.field("rating") == FieldSpec("rating", .enumeration(["good", "bad"])))
        #expect(kind.field("followups") == FieldSpec("followups", .objects([FieldSpec("what", .string, required: true), FieldSpec("when", .date)])))
        #expect(configuration.maxFileSize == 512 * 1024)
    }

    @Test(arguments: [
        ("version: 2\n", ".lore/config.yml:1:10: error: unsupported configuration version '2': this Lore reads version 1"),
        ("verison: 1\n", ".lore/config.yml:1:1: error: unknown key 'verison' in the configuration; expected one of version, kinds, rules, draft_statuses, max_file_size, sources, name"),
        ("rules:\n  brokenlink: off\n", ".lore/config.yml:2:3: error: unknown rule 'brokenlink'; `lore rules` lists them"),
        ("kinds:\n  lesson:\n    dirr: x\n", ".lore/config.yml:3:5: error: unknown key 'dirr' in kind 'lesson'; expected one of dir, prefix, path, ids, template, statuses, severities, optional_sections, fields, include, exclude, bundles, section_level, review_every_days, transitions"),
        ("kinds:\n  retro:\n    dir: retros\n    statuses: [a]\n", ".lore/config.yml:3:5: error: kind 'retro' needs 'prefix' (only postmortem, lesson and decision have defaults)"),
        ("kinds:\n  lesson:\n    prefix: pm\n", ".lore/config.yml:3:13: error: 'prefix' must be capital letters and digits, such as 'PM'"),
        ("kinds:\n  lesson:\n    path: \"{year}/{slug}.md\"\n", ".lore/config.yml:3:11: error: unknown placeholder '{year}' in 'path'; expected one of {yyyy}, {mm}, {dd}, {date}, {slug}, {id}, {nnnn}"),
        ("kinds:\n  lesson: {}\n  decision:\n    prefix: LL\n", ".lore/config.yml:3:3: error: kinds 'lesson' and 'decision' share the id prefix 'LL'"),
        ("kinds:\n  lesson: {}\n  decision:\n    dir: lessons/old\n", ".lore/config.yml:3:3: error: the folder 'lessons/old' of kind 'decision' overlaps the folder 'lessons' of another kind"),
        ("kinds:\n  lesson:\n    dir: ../elsewhere\n", ".lore/config.yml:3:10: error: 'dir' must be a folder inside the repository, such as 'postmortems'"),
        ("kinds:\n  lesson:\n    fields:\n      x: { type: number }\n", ".lore/config.yml:4:18: error: unknown field type 'number'; expected one of string, text, date, datetime, bool, int, url, email, enum, list, ids, globs, objects"),
        ("rules:\n  broken-link: fatal\n", ".lore/config.yml:2:16: error: the severity of rule 'broken-link' must be error, warning or off"),
        ("kinds: [a]\n", ".lore/config.yml:1:8: error: 'kinds' must map kind names to their settings"),
        ("kinds:\n  lesson:\n\tdir: x\n", ".lore/config.yml:3:1: error: while scanning for the next token: found character that cannot start any token (tabs cannot indent YAML; use spaces)"),
        ("kinds:\n  lesson:\n    dir: \"\"\n", ".lore/config.yml:3:10: error: 'dir' must be a single value, not empty"),
        ("- a\n", ".lore/config.yml:1:1: error: the configuration must be a mapping (version, kinds, rules), not a list"),
        ("max_file_size: lots\n", ".lore/config.yml:1:16: error: 'max_file_size' must be a size such as 1048576, 512KiB or 2MiB, not 'lots'"),
        // Overflow is a positioned error, never a trap (issue 20, item 1).
        ("max_file_size: 9999999999GiB\n", ".lore/config.yml:1:16: error: 'max_file_size' 9999999999GiB is too large; it must be at most 9223372036854775807 bytes"),
        ("max_file_size: 99999999999999999999\n", ".lore/config.yml:1:16: error: 'max_file_size' 99999999999999999999 is too large; it must be at most 9223372036854775807 bytes"),
        ("max_file_size: 9007199254740992KiB\n", ".lore/config.yml:1:16: error: 'max_file_size' 9007199254740992KiB is too large; it must be at most 9223372036854775807 bytes"),
        ("max_file_size: -5MiB\n", ".lore/config.yml:1:16: error: 'max_file_size' must be a size such as 1048576, 512KiB or 2MiB, not '-5MiB'"),
        ("max_file_size: 0\n", ".lore/config.yml:1:16: error: 'max_file_size' must be a size such as 1048576, 512KiB or 2MiB, not '0'"),
        // The git folder is never a kind's folder (issue 20, item 12).
        ("kinds:\n  lesson:\n    dir: .git\n", ".lore/config.yml:3:10: error: 'dir' must be a folder git tracks, not '.git' (the git folder, or a path with an empty component)"),
        ("kinds:\n  lesson:\n    dir: .GIT/objects\n", ".lore/config.yml:3:10: error: 'dir' must be a folder git tracks, not '.GIT/objects' (the git folder, or a path with an empty component)"),
        ("kinds:\n  lesson:\n    dir: docs/.git/x\n", ".lore/config.yml:3:10: error: 'dir' must be a folder git tracks, not 'docs/.git/x' (the git folder, or a path with an empty component)"),
        ("kinds:\n  lesson:\n    dir: docs/../../x\n", ".lore/config.yml:3:10: error: 'dir' must be a folder inside the repository, such as 'postmortems'"),
    ])
    func errorsNamePathLineAndColumn(text: String, expected: String) {
        #expect(error(text) == expected)
    }

    @Test func emptyFileMeansBuiltIn() throws {
        let configuration = try parse("# nothing yet\n")
        #expect(configuration.kinds == Configuration.builtIn.kinds)
    }
}
