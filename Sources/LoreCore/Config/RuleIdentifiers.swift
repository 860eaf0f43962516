/// The ids of Lore's rules, which `.lore/config.yml` may set a severity for. The configuration is
/// read below the rules (a session needs it before anything is judged), so the ids are listed
/// here; `RuleCatalogTests` fails when this list and the rules `Checker` runs differ.
public enum RuleIdentifiers {
    /// Every rule id, sorted.
    public static let all: [String] = [
        "binary-file", "broken-link", "duplicate-id", "empty-section", "file-too-large", "id-format",
        "incomplete-action-item", "invalid-field", "invalid-front-matter", "invalid-utf8", "invalid-value", "invalid-yaml", "kind-mismatch",
        "markdown-too-complex", "missing-field", "missing-front-matter", "missing-section", "non-utf8-path", "nul-byte",
        "overdue-action-item", "placeholder-section", "recurring-incident", "review-due", "status-transition", "supersession-cycle", "supersession-mismatch", "symlink-entry",
        "unclosed-front-matter", "unicode-normalization-clash", "unknown-commit", "unknown-field", "unknown-trailer",
        "unmatched-affects", "unmerged-file", "unreadable-file",
    ]

    /// `all`, for look-ups.
    public static let known: Set<String> = Set(all)
}
