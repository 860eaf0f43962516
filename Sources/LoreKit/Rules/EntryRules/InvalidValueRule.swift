/// A value outside the kind's statuses, severities or a declared enum.
public struct InvalidValueRule: EntryRule {
    public static let description = RuleDescription(
        id: "invalid-value", summary: "`status`, `severity` or a declared enum holds a value the kind does not list",
        rationale: "filters, dashboards and the publish step only know the configured values",
        defaultSeverity: .error,
        triggering: [.postmortem(exampleEntry("severity: ↓critical\n")),
                     .postmortem(exampleEntry(status: "↓done"))],
        nonTriggering: [.postmortem(exampleEntry())])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let kind = context.kind(of: entry) else { return [] }
        var findings: [Finding] = []
        for pair in entry.frontMatter.fields {
            guard let spec = kind.field(pair.key.text), case .enumeration = spec.type, !pair.value.isNull else { continue }
            do {
                _ = try spec.type.interpret(pair.value, field: spec.name)
            } catch {
                findings.append(Finding(entry.path, error.position, error.message))
            }
        }
        return findings
    }
}
