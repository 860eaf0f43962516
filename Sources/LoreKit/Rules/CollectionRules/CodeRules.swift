/// `affects` globs that match nothing.
public struct UnmatchedAffectsRule: CollectionRule {
    public static let description = RuleDescription(
        id: "unmatched-affects", summary: "an `affects` glob matches no file in the snapshot",
        rationale: "code moves; a stale glob means the lesson is no longer shown to whoever touches that code",
        defaultSeverity: .warning,
        triggering: [RuleExample(["lessons/a.md": "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\naffects: [↓src/gone/**]\n---\n",
                                  "src/pay/pool.go": "package pay\n"])],
        nonTriggering: [RuleExample(["lessons/a.md": "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\naffects: [src/pay/**, \"src/*/pool.go\", src/pay]\n---\n",
                                     "src/pay/pool.go": "package pay\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        var findings: [Finding] = []
        for entry in entries {
            for item in entry.affects where !snapshot.files.anyMatch(Glob(item.text)) {
                findings.append(Finding(entry.path, item.position, "'affects' glob \(item.text) matches no file"))
            }
        }
        return findings
    }
}

/// `commits` that the repository does not have.
public struct UnknownCommitRule: CollectionRule {
    public static let description = RuleDescription(
        id: "unknown-commit", summary: "a commit listed in `commits` is not in the repository (not judged in a shallow clone)",
        rationale: "a mistyped or rebased-away commit id breaks the link from the lesson to the code",
        defaultSeverity: .warning,
        triggering: [RuleExample(["lessons/a.md": "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\ncommits: [↓deadbeef]\n---\n"])],
        nonTriggering: [RuleExample(["lessons/a.md": "---\nid: LL-0001\ntitle: A\ndate: 2025-03-14\nstatus: active\ncommits: []\n---\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        guard !snapshot.historyIsIncomplete else { return [] }
        var findings: [Finding] = []
        for entry in entries {
            for item in entry.commits
            where FieldType.isCommitID(item.text) && !snapshot.existingCommits.contains(item.text.lowercased()) {
                findings.append(Finding(entry.path, item.position, "commit \(item.text) is not in this repository"))
            }
        }
        return findings
    }
}
