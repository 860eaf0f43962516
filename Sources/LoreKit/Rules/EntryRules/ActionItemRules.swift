/// The action items of a postmortem, with positions.
enum ActionItems {
    struct Item {
        let position: SourcePosition
        let title: String
        let owner: String?
        let due: String?
        let status: String
        let link: String?
    }

    static func items(of entry: Entry) -> [Item] {
        guard case .sequence(let values, _)? = entry.frontMatter["action_items"] else { return [] }
        return values.compactMap { value in
            guard case .mapping(let pairs, let position) = value else { return nil }
            func text(_ key: String) -> String? {
                guard let scalar = pairs.first(where: { $0.key.text == key })?.value.scalar, !scalar.isNull,
                      !scalar.text.isBlank else { return nil }
                return scalar.text
            }
            return Item(position: position, title: text("title") ?? "(untitled)", owner: text("owner"), due: text("due"),
                        status: text("status") ?? "open", link: text("link"))
        }
    }
}

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
public struct OverdueActionItemRule: EntryRule {
    public static let description = RuleDescription(
        id: "overdue-action-item", summary: "an open action item is past its due date (`--today DATE` makes runs reproducible)",
        rationale: "what an organisation promised after an incident is worth nothing undone",
        defaultSeverity: .warning,
        triggering: [.postmortem(exampleEntry("severity: SEV2\naction_items:\n  - ↓title: Add an alert\n    owner: ana\n    due: 2025-04-01\n"), today: "2025-05-01")],
        nonTriggering: [.postmortem(exampleEntry("severity: SEV2\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-04-01\n    status: done\n"), today: "2025-05-01"),
                        .postmortem(exampleEntry("severity: SEV2\naction_items:\n  - title: Add an alert\n    owner: ana\n    due: 2025-06-01\n"), today: "2025-05-01")])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        ActionItems.items(of: entry).compactMap { item in
            guard item.status == "open", let due = item.due, FieldType.isDate(due), due < context.today else { return nil }
            return Finding(entry.path, item.position, "action item '\(item.title)' was due \(due)")
        }
    }
}
