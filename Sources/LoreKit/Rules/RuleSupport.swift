import Git

/// Where a whole-entry finding is reported: the opening `---`.

extension CheckContext {
    /// The kind an entry belongs to.
    func kind(of entry: Entry) -> Kind? { configuration.kind(named: entry.kind) }

    /// The entry is still a draft: unfinished sections are warnings, not errors.
    func isDraft(_ entry: Entry) -> Bool { entry.status.map { draftStatuses.contains($0) } ?? true }
}

/// A minimal entry for rule examples: the given fields after an id, title, date and status.
func exampleEntry(id: String = "PM-0001", status: String = "published", date: String = "2025-03-14", _ fields: String = "severity: SEV2\n",
                  body: String = "") -> String {
    "---\nid: \(id)\ntitle: T\ndate: \(date)\nstatus: \(status)\n\(fields)---\n\(body)"
}
