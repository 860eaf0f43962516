/// The hook scripts, compiled in from `Hooks/` at the top of the repository (see `EmbeddedFiles`).
public enum BuiltInHooks {
    /// Every hook Lore has, by git hook name.
    public static let names = ["pre-commit", "commit-msg", "pre-push"]

    /// The hooks `lore hooks install` installs unless told otherwise: the ones that check.
    /// `pre-push` (recall, informational) is installed only when named.
    public static let defaultNames = ["pre-commit", "commit-msg"]

    /// The script for a hook name, or `nil`.
    public static func script(for name: String) -> String? {
        guard names.contains(name) else { return nil }
        return EmbeddedFiles.text(at: "Hooks/\(name)")
    }
}
