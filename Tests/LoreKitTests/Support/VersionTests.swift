import LoreKit
import Testing

@Suite struct VersionTests {
    /// `make release` stamps the commit; a plain build says it does not know it. The version is
    /// semantic (MAJOR.MINOR.PATCH), as CHANGELOG.md promises.
    @Test func versionNamesTheCommit() {
        #expect(LoreVersion.description(commit: "0123456789ab") == "lore 0.1.0 (commit 0123456789ab)")
        #expect(LoreVersion.current.wholeMatch(of: /(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)/) != nil)
    }
}
