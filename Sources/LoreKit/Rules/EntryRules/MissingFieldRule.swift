/// A required field is absent or empty.
public struct MissingFieldRule: EntryRule {
    public static let description = RuleDescription(
        id: "missing-field", summary: "a required field (common, of the kind, or declared required) is absent or empty",
        rationale: "an entry without its id, title, date, status or severity cannot be found, sorted or triaged",
        defaultSeverity: .error,
        triggering: [.postmortem("↓---\nid: PM-0001\ntitle: T\ndate: 2025-03-14\nstatus: draft\n---\n"),
                     .postmortem("↓---\nid: PM-0001\ntitle:\ndate: 2025-03-14\nstatus: draft\nseverity: SEV1\n---\n")],
        nonTriggering: [.postmortem(exampleEntry())])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let kind = context.kind(of: entry) else { return [] }
        return kind.fields.filter(\.required).compactMap { spec in
            // A date git history gives when the corpus is read (not while one file is judged).
            guard entry.frontMatter.derived[spec.name] != FieldDerivation.pendingGit else { return nil }
            let value = entry.frontMatter[spec.name]
            guard value == nil || value!.isNull || value!.scalar?.text.isBlank == true else { return nil }
            return Finding(entry.path, .start, "missing required field '\(spec.name)'")
        }
    }
}
