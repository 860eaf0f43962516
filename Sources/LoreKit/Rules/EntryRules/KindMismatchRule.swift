/// `kind` disagreeing with the folder.
public struct KindMismatchRule: EntryRule {
    public static let description = RuleDescription(
        id: "kind-mismatch", summary: "the `kind` field names another kind than the folder the entry is in",
        rationale: "the folder decides the kind; a disagreeing field means the file was moved or copied by mistake",
        defaultSeverity: .error,
        triggering: [.postmortem(exampleEntry("severity: SEV2\nkind: ↓lesson\n"))],
        nonTriggering: [.postmortem(exampleEntry("severity: SEV2\nkind: postmortem\n"))])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let value = entry.frontMatter["kind"]?.scalar, !value.isNull, value.text != entry.kind else { return [] }
        return [Finding(entry.path, value.position, "kind '\(value.text)' disagrees with the folder, which holds \(entry.kind) entries")]
    }
}
