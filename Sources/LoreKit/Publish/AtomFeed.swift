import Foundation

/// `feed.xml`: an Atom 1.0 feed of the entries most recently created or updated, newest first.
/// Times come from git history (never the clock), so the same snapshot gives the same feed. An
/// entry's id is a `tag:` URI made from the date of its first commit and its id or path: it stays
/// the same while the entry changes and whatever `--base-url` the site is published under, so a
/// feed reader never shows an entry twice after a move.
struct AtomFeed {
    let builder: SiteBuilder

    /// How many entries the feed holds.
    static let limit = 50

    func render() -> String {
        let index = builder.index
        let dated = index.corpus.entries.compactMap { entry -> (entry: Entry, history: EntryHistory, created: CommitSummary, updated: CommitSummary)? in
            guard let history = index.history.history(of: entry.path), let updated = history.updated else { return nil }
            return (entry, history, history.created ?? updated, updated)
        }.sorted { a, b in a.updated.time != b.updated.time ? a.updated.time > b.updated.time : a.entry.path < b.entry.path }
        let base = builder.options.baseURL
        let x = Escaping.xml
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        out += "  <title>\(x(builder.siteTitle))</title>\n"
        let feedID = "tag:lore.invalid,2025:\(tagSafe(builder.siteTitle))"
        out += "  <id>\(x(feedID))</id>\n"
        if let base {
            out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(x(base))feed.xml\"/>\n"
            out += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(x(base))index.html\"/>\n"
        } else {
            out += "  <link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n"
        }
        let feedUpdated = dated.first?.updated.timestamp ?? "1970-01-01T00:00:00Z"
        out += "  <updated>\(feedUpdated)</updated>\n"
        out += "  <author><name>\(x(builder.siteTitle))</name></author>\n"
        out += "  <generator>Lore</generator>\n"
        for item in dated.prefix(Self.limit) {
            let entry = item.entry
            let page = builder.pages[entry.path]!
            let id = "tag:lore.invalid,\(item.created.timestamp.prefix(10)):\(tagSafe(entry.id ?? entry.path.description))"
            let isNew = item.created.id == item.updated.id
            out += "  <entry>\n"
            out += "    <title>\(x(builder.displayTitle(entry)))</title>\n"
            out += "    <id>\(x(id))</id>\n"
            out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(x((base ?? "") + page))\"/>\n"
            out += "    <published>\(item.created.timestamp)</published>\n"
            out += "    <updated>\(item.updated.timestamp)</updated>\n"
            let authors = item.history.authors.isEmpty ? [item.updated.author] : item.history.authors
            for author in authors { out += "    <author><name>\(x(author.name))</name></author>\n" }
            out += "    <category term=\"\(x(entry.kind))\"/>\n"
            out += "    <category term=\"\(isNew ? "new" : "updated")\"/>\n"
            let summary = (entry.id.map { "\($0): " } ?? "") + (isNew ? "new " : "updated ") + entry.kind + (entry.summary.isEmpty ? "" : ". " + builder.plainSummary(entry))
            out += "    <summary type=\"text\">\(x(summary))</summary>\n"
            out += "  </entry>\n"
        }
        out += "</feed>\n"
        return out
    }

    /// Text usable in the specific part of a `tag:` URI (RFC 4151): other characters become `-`.
    private func tagSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            let value = scalar.value
            let ok = (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
                || "-._~/:".unicodeScalars.contains(scalar)
            return ok ? Character(scalar) : "-"
        })
    }
}
