/// An id not of the kind's form.
public struct IDFormatRule: EntryRule {
    public static let description = RuleDescription(
        id: "id-format", summary: "the id is not the kind's prefix followed by its id scheme (`PM-0042`, `PM-20250314-1`, `PM-k3f9q`)",
        rationale: "ids are how entries link to each other and to commits; a stray form breaks links and `lore new`",
        defaultSeverity: .error,
        triggering: [.postmortem("---\nid: ↓LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: draft\nseverity: SEV2\n---\n"),
                     .postmortem("---\nid: ↓PM-12a\ntitle: T\ndate: 2025-03-14\nstatus: draft\nseverity: SEV2\n---\n")],
        nonTriggering: [.postmortem(exampleEntry())])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard let kind = context.kind(of: entry), let value = entry.frontMatter["id"]?.scalar, !value.isNull else { return [] }
        // An id taken from the file name, or in a kind that takes ids from file names, is the
        // team's own scheme.
        guard entry.frontMatter.derived["id"] == nil, !kind.idsFollowFileNames else { return [] }
        guard !kind.accepts(id: value.text) else { return [] }
        return [Finding(entry.path, value.position, "id '\(value.text)' is not of the form \(kind.idExample) for kind '\(kind.name)'")]
    }
}
