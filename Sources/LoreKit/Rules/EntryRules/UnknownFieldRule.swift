/// A field the kind does not declare.
public struct UnknownFieldRule: EntryRule {
    public static let description = RuleDescription(
        id: "unknown-field", summary: "a front-matter field that is neither common, of the kind, nor declared in the configuration",
        rationale: "catches typos such as `serverity`; off by default because FORMAT.md keeps other fields",
        defaultSeverity: .off,
        triggering: [.postmortem(exampleEntry("severity: SEV2\n↓serverity: SEV1\n"))],
        nonTriggering: [.postmortem(exampleEntry())])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let kind = context.kind(of: entry) else { return [] }
        return entry.frontMatter.fields.filter { kind.field($0.key.text) == nil }.map {
            Finding(entry.path, $0.key.position, "unknown field '\($0.key.text)' for kind '\(kind.name)'")
        }
    }
}
