/// Entries past their review date.
public struct ReviewDueRule: CollectionRule {
    public static let description = RuleDescription(
        id: "review-due",
        summary: "an entry is past its review date: its `review_by`, or its kind's `review_every_days` after `reviewed` (else `date`); a later commit changing the entry counts as a review",
        rationale: "a decision nobody has looked at for a year may no longer be true; set `reviewed: DATE` once it has been checked",
        defaultSeverity: .warning,
        triggering: [RuleExample(["decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2024-03-14\nstatus: ↓accepted\nreview_by: 2025-03-14\n---\n"],
                                 today: "2025-05-01")],
        nonTriggering: [RuleExample(["decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2024-03-14\nstatus: accepted\nreview_by: 2025-03-14\nreviewed: 2025-04-01\n---\n"],
                                    today: "2025-05-01"),
                        RuleExample(["decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2024-03-14\nstatus: accepted\nreview_by: 2025-06-01\n---\n"],
                                    today: "2025-05-01")])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        entries.compactMap { entry in
            guard let due = ReviewDates.due(entry.loop, kind: snapshot.configuration.kind(named: entry.kind),
                                            changed: snapshot.lastChanged[entry.path]),
                  due < snapshot.today else { return nil }
            let owner = entry.loop.owner.map { " (owner \($0))" } ?? ""
            return Finding(entry.path, entry.loop.statusPosition,
                           "\(entry.id?.text ?? "entry") was due for review on \(due)\(owner); set 'reviewed: DATE' once it is checked")
        }
    }
}

/// A postmortem repeating an earlier one whose follow-ups are not done.
public struct RecurringIncidentRule: CollectionRule {
    public static let description = RuleDescription(
        id: "recurring-incident",
        summary: "a postmortem shares a service or an `affects` path with an earlier postmortem that still has open action items (the three most recent such, one finding each)",
        rationale: "the same failure happening twice while its fixes are still open is the loop not closing",
        defaultSeverity: .warning,
        triggering: [RuleExample([
            "postmortems/a.md": exampleEntry("severity: SEV2\nservices: [payments]\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n"),
            "postmortems/b.md": exampleEntry(id: "↓PM-0002", date: "2025-04-10", "severity: SEV2\nservices: [payments]\n"),
        ])],
        nonTriggering: [RuleExample([
            "postmortems/a.md": exampleEntry("severity: SEV2\nservices: [payments]\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n    status: done\n"),
            "postmortems/b.md": exampleEntry(id: "PM-0002", date: "2025-04-10", "severity: SEV2\nservices: [payments]\n"),
        ])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        Recurrence.matches(entries, configuration: snapshot.configuration, involving: snapshot.involving).map { match in
            let earlier = match.earlier
            let items = earlier.loop.openItems.map { "'\($0)'" }.joined(separator: ", ")
            return Finding(match.entry.path, match.position,
                           "repeats \(earlier.id?.text ?? earlier.path.description) (\(match.shared.joined(separator: ", "))), whose action items are still open: \(items)")
        }
    }
}

/// A status change that its kind's lifecycle (`transitions:`) does not allow, or an entry made
/// `superseded` without naming its successor.
public struct StatusTransitionRule: CollectionRule {
    public static let description = RuleDescription(
        id: "status-transition",
        summary: "a status changed in a way its kind's `transitions:` do not allow, or to `superseded` without `superseded_by`; judged with --staged, --changed-since and in the hook, against the previous commit",
        rationale: "a postmortem that jumps from draft to published skipped its review; a superseded decision must send readers to its successor",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [RuleExample([
            ".lore/config.yml": "kinds:\n  decision:\n    transitions: { proposed: [accepted, rejected], accepted: [superseded, deprecated] }\n",
            "decisions/0001-a.md": "---\nid: DR-0001\ntitle: A\ndate: 2025-03-14\nstatus: superseded\n---\n"])])

    public init() {}

    public func check(_ entries: [EntrySummary], in snapshot: SnapshotFacts) -> [Finding] {
        guard let previous = snapshot.previousStatuses else { return [] }
        var findings: [Finding] = []
        for entry in entries {
            guard let before = previous.status(of: entry), let after = entry.loop.status, before != after else { continue }
            let kind = snapshot.configuration.kind(named: entry.kind)
            if let allowed = kind?.transitions[before], !allowed.contains(after) {
                let next = allowed.isEmpty ? "it is final" : "it may change to \(allowed.joined(separator: ", "))"
                findings.append(Finding(entry.path, entry.loop.statusPosition,
                                        "status changed from '\(before)' to '\(after)', which the \(entry.kind) lifecycle does not allow: from '\(before)' \(next)"))
            } else if after == "superseded" && entry.ids("superseded_by").isEmpty {
                findings.append(Finding(entry.path, entry.loop.statusPosition,
                                        "status changed to 'superseded' without naming the successor: add 'superseded_by: [ID]'"))
            }
        }
        return findings
    }
}
