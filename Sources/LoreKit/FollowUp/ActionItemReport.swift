import Foundation
import Git

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
    /// Commits that followed this item up: its `link` when that names a commit (an id, or a forge
    /// URL ending in `/commit/ID`), and commits whose message carries a `Lore:` trailer naming the
    /// item's entry and mentions this item: its title, or the issue or pull request its `link`
    /// points at (`#123`). Other commits of the entry are not the item's. Full ids: the link's first, then newest first.
    public let commits: [String]
}

/// An entry due for review (`review_by`, or its kind's `review_every_days`), with its owner.
public struct ReviewRecord: Sendable, Hashable, Codable {
    /// The entry: id (or path when it has none), title, file.
    public let entry: String, title: String?, path: String
    /// Who answers for it: `owner`, else the first of `deciders`, else of `authors`.
    public let owner: String?
    /// The day it is due for review.
    public let due: String
    /// `overdue` when due before the report's day, else `open`.
    public let state: ActionItemRecord.State
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
    /// Entries with a review date (`review_by`, or a kind's `review_every_days`), by due date then
    /// path; `nil` when there is none (so reports of repositories without review dates read as before).
    public let reviews: [ReviewRecord]?

    /// The action items of the entries `query` selects, those `keep` accepts, grouped, and their
    /// reviews that `keepReview` accepts (`changed` gives the day of the last commit that changed
    /// an entry, which counts as a review).
    /// `commits` gives the commits that followed an item up, from its entry's id, its title and its
    /// `link` (see
    /// `ActionItemReport.commits(history:resolve:message:)`).
    public init(corpus: Corpus, query: EntryQuery, today: String, grouping: Grouping,
                commits: (_ entryID: String?, _ title: String, _ link: String?) -> [String] = { _, _, _ in [] },
                keep: (ActionItemRecord) -> Bool = { _ in true }, keepReview: (ReviewRecord) -> Bool = { _ in true },
                changed: (GitPath) -> String? = { _ in nil }) {
        var records: [ActionItemRecord] = []
        var reviews: [ReviewRecord] = []
        for entry in corpus.entries where query.matches(entry, in: corpus.configuration) {
            let facts = EntrySummary.LoopFacts(entry)
            if let due = ReviewDates.due(facts, kind: corpus.configuration.kind(named: entry.kind), changed: changed(entry.path)) {
                let review = ReviewRecord(entry: entry.id ?? entry.path.description, title: entry.title, path: entry.path.description,
                                          owner: facts.owner, due: due, state: due < today ? .overdue : .open)
                if keepReview(review) { reviews.append(review) }
            }
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
                                              link: item.link, line: item.position.line, state: state,
                                              commits: commits(entry.id, item.title, item.link))
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
        self.reviews = reviews.isEmpty ? nil : reviews.sorted { ($0.due, $0.path) < ($1.due, $1.path) }
    }

    /// The commits that followed an action item up: its `link` when it names a commit of the
    /// repository (`resolve` gives the full id of an abbreviated one, `nil` when there is none),
    /// then the commits with a `Lore:` trailer naming the entry whose message (`message` reads it)
    /// mentions the item: its title (case and runs of white space ignored), or `#N` when its `link`
    /// ends in `/issues/N`, `/pull/N` or `/merge_requests/N`.
    public static func commits(history: RepositoryHistory, resolve: @escaping (String) -> String?,
                               message: @escaping (String) -> String?) -> (String?, String, String?) -> [String] {
        var byEntry: [String: [String]] = [:]
        for trailer in history.trailers where byEntry[trailer.id]?.contains(trailer.commit) != true {
            byEntry[trailer.id, default: []].append(trailer.commit)
        }
        func folded(_ text: String) -> String {
            text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        return { entryID, title, link in
            var found: [String] = []
            var issue: String?
            if let link {
                var candidate = Substring(link.trimmingCharacters(in: .whitespaces))
                for marker in ["/issues/", "/pull/", "/merge_requests/"] {
                    if let range = candidate.range(of: marker, options: .backwards) {
                        let number = candidate[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
                        if !number.isEmpty { issue = "#" + number }
                    }
                }
                if let range = candidate.range(of: "/commit/") { candidate = candidate[range.upperBound...] }
                if let end = candidate.firstIndex(where: { !$0.isHexDigit }) { candidate = candidate[..<end] }
                if FieldType.isCommitID(String(candidate)), let full = resolve(String(candidate)) { found.append(full) }
            }
            let wanted = folded(title)
            for commit in entryID.flatMap({ byEntry[$0] }) ?? [] where !found.contains(commit) {
                guard let text = message(commit) else { continue }
                let mentionsTitle = !wanted.isEmpty && folded(text).contains(wanted)
                let mentionsIssue = issue.map { number in
                    text.ranges(of: number).contains { range in
                        range.upperBound == text.endIndex || !(text[range.upperBound].isNumber)
                    }
                } ?? false
                if mentionsTitle || mentionsIssue { found.append(commit) }
            }
            return found
        }
    }
}
