/// One action item of a postmortem (front-matter `action_items`), with where it stands.
public struct ActionItemRecord: Sendable, Hashable, Codable {
    /// Where an item stands on a given day.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not done, not yet due (or no due date).
        case open
        /// Not done and past its due date.
        case overdue
        /// `status: done`.
        case done
        /// `status: wont-do`.
        case wontDo = "wont-do"
    }

    /// The entry holding the item: id (or path when it has none), title, file, services.
    public let entry: String, entryTitle: String?, path: String, services: [String]
    /// The item's fields as written.
    public let title: String, owner: String?, due: String?, status: String, link: String?
    /// Its line in the file.
    public let line: Int
    /// Open, overdue, done or won't do, relative to the report's day.
    public let state: State
}

/// Every action item of a corpus, how many are open, overdue and done (`lore actions`).
public struct ActionItemReport: Sendable, Hashable, Codable {
    /// How the items are grouped.
    public enum Grouping: String, Sendable, CaseIterable {
        /// One group per entry.
        case entry
        /// One group per owner (`(no owner)` for items without one).
        case owner
        /// One group per service of the item's entry: an item shows under each of them.
        case service
    }

    /// A group of items and its name.
    public struct Group: Sendable, Hashable, Codable {
        public let name: String
        public let items: [ActionItemRecord]
    }

    /// The day `overdue` is relative to.
    public let today: String
    /// The groups, by name; items by due date (undated last), entry, line.
    public let groups: [Group]
    /// How many items there are in each state (each item once, whatever the grouping).
    public let counts: [String: Int]

    /// The action items of the entries `query` selects, those `keep` accepts, grouped.
    public init(corpus: Corpus, query: EntryQuery, today: String, grouping: Grouping,
                keep: (ActionItemRecord) -> Bool = { _ in true }) {
        var records: [ActionItemRecord] = []
        for entry in corpus.entries where query.matches(entry, in: corpus.configuration) {
            for item in ActionItems.items(of: entry) {
                let state: ActionItemRecord.State
                switch item.status {
                case "done": state = .done
                case "wont-do": state = .wontDo
                default:
                    state = item.due.map { FieldType.isDate($0) && $0 < today } == true ? .overdue : .open
                }
                let record = ActionItemRecord(entry: entry.id ?? entry.path.description, entryTitle: entry.title,
                                              path: entry.path.description, services: entry.frontMatter.list("services"),
                                              title: item.title, owner: item.owner, due: item.due, status: item.status,
                                              link: item.link, line: item.position.line, state: state)
                if keep(record) { records.append(record) }
            }
        }
        var counts = Dictionary(uniqueKeysWithValues: ActionItemRecord.State.allCases.map { ($0.rawValue, 0) })
        for record in records { counts[record.state.rawValue, default: 0] += 1 }
        counts["total"] = records.count
        var byGroup: [String: [ActionItemRecord]] = [:]
        for record in records {
            switch grouping {
            case .entry: byGroup[record.entry, default: []].append(record)
            case .owner: byGroup[record.owner ?? "(no owner)", default: []].append(record)
            case .service:
                for service in record.services.isEmpty ? ["(no service)"] : Array(Set(record.services)).sorted() {
                    byGroup[service, default: []].append(record)
                }
            }
        }
        groups = byGroup.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }.map { name in
            Group(name: name, items: byGroup[name]!.sorted { a, b in
                let (x, y) = (a.due ?? "\u{10FFFF}", b.due ?? "\u{10FFFF}")
                if x != y { return x < y }
                if a.path != b.path { return a.path < b.path }
                return a.line < b.line
            })
        }
        self.today = today
        self.counts = counts
    }
}
