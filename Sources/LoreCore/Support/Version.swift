/// Lore's version, printed by `lore --version`.
public enum LoreVersion {
    /// The semantic version of this build (https://semver.org; CHANGELOG.md names each release).
    public static let current = "0.1.0"

    /// The commit this binary was built from (12 hex digits, `-dirty` when the working tree had
    /// uncommitted changes), or `nil` for a build that was not stamped. `make release` writes
    /// `BuildStamp.swift` beside this file and builds with `-DLORE_STAMPED`; a plain `swift build`
    /// ignores that file (it is generated and not tracked) and knows no commit.
    public static var commit: String? { stampedCommit }

    #if !LORE_STAMPED
    static let stampedCommit: String? = nil
    #endif

    /// What `lore --version` prints: `lore 0.1.0 (commit 0123456789ab)`, or
    /// `lore 0.1.0 (commit unknown)` for an unstamped build.
    public static func description(commit: String?) -> String {
        "lore \(current) (commit \(commit ?? "unknown"))"
    }
}
