/// Action items without owner or due date on a published postmortem.
public struct IncompleteActionItemRule: EntryRule {
    public static let description = RuleDescription(
        id: "incomplete-action-item", summary: "an action item has no owner or no due date once the postmortem is published or closed",
        rationale: "a follow-up nobody owns, or that is due never, does not get done",
        defaultSeverity: .error,
        triggering: [.postmortem(exampleEntry("severity: SEV2\naction_items:\n  - ↓title: Add an alert\n    owner: ana\n"))],
        nonTriggering: [.postmortem(exampleEntry(status: "draft", "severity: SEV2\naction_items:\n  - title: Add an alert\n")),
                        .postmortem(exampleEntry("severity: SEV2\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n"))])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        guard entry.status == "published" || entry.status == "closed" else { return [] }
        return ActionItems.items(of: entry).compactMap { item in
            let missing = [item.owner == nil ? "owner" : nil, item.due == nil ? "due date" : nil].compactMap { $0 }
            guard !missing.isEmpty, item.status != "wont-do" else { return nil }
            return Finding(entry.path, item.position, "action item '\(item.title)' has no \(missing.joined(separator: " and no "))")
        }
    }
}

/// Open action items past their due date.
public struct OverdueActionItemRule: CollectionRule {
    public static let description = RuleDescription(
        id: "overdue-action-item", summary: "an open action item is past its due date (`--today DATE` makes runs reproducible)",
        rationale: "what an organisation promised after an incident is worth nothing undone",
        defaultSeverity: .warning,
        triggering: [.postmortem(exampleEntry("severity: SEV2\naction_items:\n  - ↓title: Add an alert\n    owner: ana\n    due: 2025-04-01\n"), today: "2025-05-01")],
        nonTriggering: [.postmortem(exampleEntry("severity: SEV2\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n    status: done\n"), today: "2025-05-01"),
                        .postmortem(exampleEntry("severity: SEV2\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-06-01\n"), today: "2025-05-01")])

    public init() {}

    /// Judged over the summaries rather than per entry: it is the one finding that depends on the
    /// date, and an entry's own findings are cached by its content.
    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        entries.flatMap { entry in
            entry.dueItems.compactMap { item in
                guard FieldType.isDate(item.due), item.due < snapshot.today else { return nil }
                return Finding(entry.path, item.position, "action item '\(item.title)' was due \(item.due)")
            }
        }
    }
}
