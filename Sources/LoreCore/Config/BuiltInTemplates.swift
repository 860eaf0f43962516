/// The built-in entry templates, compiled in from `Templates/` (see `EmbeddedFiles`). The kinds'
/// templates sit with the configuration: `lore new` renders them and the section rules read their
/// headings.
public enum BuiltInTemplates {
    /// The names of the built-in templates, one per kind Lore knows (`retrospective` for the kind
    /// `lore init` adds).
    public static let names = ["postmortem", "lesson", "decision", "retrospective"]

    /// The template text for a built-in kind, or `nil`.
    public static func text(for kind: String) -> String? {
        guard names.contains(kind) else { return nil }
        return EmbeddedFiles.text(at: "Templates/\(kind).md")
    }
}
