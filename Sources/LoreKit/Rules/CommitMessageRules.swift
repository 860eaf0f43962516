/// The rules `lore trailers` (the commit-msg hook) applies to a commit message, not to entries:
/// listed by `lore rules` and in docs/rules.md with the others, and set in `.lore/config.yml` alike.
public enum CommitMessageRules {
    /// `Lore: ID` naming no entry (`LoreTrailers.check`).
    public static let unknownTrailer = RuleDescription(
        id: "unknown-trailer",
        summary: "a commit message's `Lore: ID` trailer names an entry that does not exist (`lore trailers`, the commit-msg hook)",
        rationale: "a trailer is how a commit says which postmortem, lesson or decision it follows up; a mistyped id links the commit to nothing",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(exampleEntry())])

    /// Every commit-message rule.
    public static let all = [unknownTrailer]
}
