/// Lore's version, printed by `lore --version`.
public enum LoreVersion {
    /// The semantic version of this build.
    public static let current = "0.1.0"
}
