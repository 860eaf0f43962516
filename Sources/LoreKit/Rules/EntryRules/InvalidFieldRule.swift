/// A field's value does not fit its type.
public struct InvalidFieldRule: EntryRule {
    public static let description = RuleDescription(
        id: "invalid-field", summary: "a field's value does not fit its type (date, datetime, url, email, list, ids, globs, objects …)",
        rationale: "a date that is not a date or a list that is a string breaks sorting, search and every tool downstream",
        defaultSeverity: .error,
        triggering: [.postmortem(exampleEntry("severity: SEV2\nstarted: ↓yesterday\n")),
                     .postmortem(exampleEntry("severity: SEV2\naction_items:\n  - ↓owner: me\n")),
                     .postmortem("---\nid: PM-0001\ntitle: T\ndate: ↓2025-02-30\nstatus: draft\nseverity: SEV2\n---\n")],
        nonTriggering: [.postmortem(exampleEntry("severity: SEV2\nstarted: 2025-03-14T09:00:00Z\naction_items:\n  - title: Fix\n    due: 2025-04-01\n"))])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let kind = context.kind(of: entry) else { return [] }
        var findings: [Finding] = []
        for pair in entry.frontMatter.fields {
            guard let spec = kind.field(pair.key.text), !pair.value.isNull else { continue }
            if case .enumeration = spec.type { continue }   // invalid-value's
            do {
                _ = try spec.type.interpret(pair.value, field: spec.name)
            } catch {
                findings.append(Finding(entry.path, error.position, error.message))
            }
        }
        return findings
    }
}
