/// Sections a kind's template requires, and how the entry fills them.
enum SectionCheck {
    /// The entry's section matching a template title (case-insensitive), if any.
    static func section(_ title: String, in entry: Entry) -> EntrySection? {
        entry.sectionTexts.first { $0.title.lowercased() == title.lowercased() }
    }

    /// The template's sections the kind requires (all but `optional_sections`).
    static func required(for entry: Entry, in context: CheckContext) -> [(title: String, placeholder: String)] {
        guard let kind = context.kind(of: entry), let template = context.templates[kind.name] else { return [] }
        let optional = Set(kind.optionalSections.map { $0.lowercased() })
        return template.sections.filter { !optional.contains($0.title.lowercased()) }
    }

    static func severity(_ entry: Entry, _ context: CheckContext) -> Diagnostic.Severity? {
        context.isDraft(entry) ? .warning : nil
    }
}

/// A required section is missing.
public struct MissingSectionRule: EntryRule {
    public static let description = RuleDescription(
        id: "missing-section", summary: "a section the kind's template requires is not in the body",
        rationale: "the template is the team's contract: a postmortem without contributing factors teaches nothing",
        defaultSeverity: .error,
        triggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n↓---\n\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n"])],
        nonTriggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n\n## lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"])])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        SectionCheck.required(for: entry, in: context).compactMap { required in
            guard SectionCheck.section(required.title, in: entry) == nil else { return nil }
            return Finding(entry.path, SourcePosition(line: max(entry.bodyLine - 1, 1), column: 1),
                           "missing section '## \(required.title)'")
        }
    }
}

/// A required section is empty.
public struct EmptySectionRule: EntryRule {
    public static let description = RuleDescription(
        id: "empty-section", summary: "a required section has a heading but no text (a warning while the entry is a draft)",
        rationale: "an empty heading looks done in a review; drafts may be committed early, published entries may not",
        defaultSeverity: .error,
        triggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n\n↓## Lesson\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"])],
        nonTriggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"])])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        SectionCheck.required(for: entry, in: context).compactMap { required in
            guard let section = SectionCheck.section(required.title, in: entry), section.isEmpty else { return nil }
            return Finding(entry.path, SourcePosition(line: section.line, column: 1), "section '## \(section.title)' is empty",
                           severity: SectionCheck.severity(entry, context))
        }
    }
}

/// A required section still holds the template's guidance.
public struct PlaceholderSectionRule: EntryRule {
    public static let description = RuleDescription(
        id: "placeholder-section", summary: "a required section still starts with the template's guidance text (a warning while the entry is a draft)",
        rationale: "a scaffolded entry committed as if written is worse than none: it looks complete",
        defaultSeverity: .error,
        triggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n\n↓## Lesson\n\nThe lesson itself, stated so that someone who was not there can act on it.\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"])],
        nonTriggering: [RuleExample(["lessons/x.md": "---\nid: LL-0001\ntitle: T\ndate: 2025-03-14\nstatus: active\n---\n\n## Context\n\nc\n\n## Lesson\n\nPin every timeout.\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n"])])

    public init() {}

    public func check(_ entry: Entry, in context: CheckContext) -> [Finding] {
        SectionCheck.required(for: entry, in: context).compactMap { required in
            guard !required.placeholder.isEmpty, let section = SectionCheck.section(required.title, in: entry),
                  Self.holdsPlaceholder(section.text, required.placeholder) else { return nil }
            return Finding(entry.path, SourcePosition(line: section.line, column: 1),
                           "section '## \(section.title)' still holds the template's placeholder text",
                           severity: SectionCheck.severity(entry, context))
        }
    }

    /// The section starts with the placeholder; when only the start of the section is kept, that
    /// start is the placeholder's.
    static func holdsPlaceholder(_ text: String, _ placeholder: String) -> Bool {
        if text.hasPrefix(placeholder) { return true }
        return text.utf8.count >= EntrySection.keptLength - 4 && placeholder.hasPrefix(text)
    }
}
