/// The notation an entry's front-matter is written in.
public enum FrontMatterSyntax: String, Sendable, Hashable, CaseIterable {
    /// No front-matter: the file starts with its body.
    case none
    /// YAML between `---` lines (Jekyll, MADR, FORMAT.md v1).
    case yaml
    /// TOML between `+++` lines (Hugo, Zola).
    case toml
    /// A JSON object at the top of the file (Hugo).
    case json
}
