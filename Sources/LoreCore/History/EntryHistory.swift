import Foundation
import Git

/// A person as history records them, after the repository's `.mailmap`.
public struct Person: Sendable, Hashable {
    /// The name.
    public let name: String
    /// The e-mail.
    public let email: String

    /// A person.
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

/// One commit as an entry's history shows it.
public struct CommitSummary: Sendable, Hashable {
    /// The full commit id (40 hexadecimal digits).
    public let id: String
    /// The author time, seconds since the Unix epoch.
    public let time: Int64
    /// The author's recorded time-zone offset, minutes east of UTC.
    public let offsetMinutes: Int
    /// The author, mailmap applied.
    public let author: Person

    /// A commit summary.
    public init(id: String, time: Int64, offsetMinutes: Int, author: Person) {
        self.id = id
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.author = author
    }

    /// The author time in RFC 3339 with the author's own offset (`2025-03-14T09:30:00+01:00`),
    /// computed without the local time zone or locale, so it reads the same on every machine.
    public var timestamp: String { RFC3339.format(time, offsetMinutes: offsetMinutes) }
}

/// What git history says about one entry: who made it, when, and where it lived before.
public struct EntryHistory: Sendable, Hashable {
    /// The commit that added the entry's file, following renames; `nil` when that commit lies
    /// beyond the shallow boundary of a shallow clone (then `partial` is set).
    public let created: CommitSummary?
    /// The last commit that changed the entry's file (`nil` only when no commit after a shallow
    /// boundary changed it).
    public let updated: CommitSummary?
    /// The authors of those commits, mailmap applied, in order of first contribution.
    public let authors: [Person]
    /// How many commits changed the entry's file (renames included).
    public let commitCount: Int
    /// The paths the entry had before, oldest first.
    public let previousPaths: [GitPath]
    /// History stops at a shallow boundary before the entry's creation: `created`, `authors` and
    /// `commitCount` cover only the commits present.
    public let partial: Bool
}

/// Git history of every entry file of one commit, and the `Lore:` trailers of its commits.
public struct RepositoryHistory: Sendable {
    /// The commit the history was read from; `nil` for an unborn branch.
    public let tip: String?
    /// History stops at a shallow boundary (a shallow clone): some values are partial.
    public let isPartial: Bool
    /// How many commits were walked.
    public let commitCount: Int
    /// The history of each entry file of `tip`, by its path there.
    public let entries: [GitPath: EntryHistory]
    /// Every `Lore:` trailer of every commit walked, newest commit first.
    public let trailers: [TrailerLink]

    /// What to say once when history is incomplete.
    public static let shallowNote = "history is incomplete (shallow clone): values marked partial stop at the shallow boundary; fetch the whole history with 'git fetch --unshallow' (in CI: fetch-depth: 0)"

    /// The history of the entry at `path`, or `nil` when the file is not in the tip commit
    /// (an entry not committed yet).
    public func history(of path: GitPath) -> EntryHistory? { entries[path] }

    /// An empty history (an unborn branch, or history not asked for).
    public static let empty = RepositoryHistory(tip: nil, isPartial: false, commitCount: 0, entries: [:], trailers: [])
}

/// A commit message's `Lore: ID` trailer: a link from the commit to an entry.
public struct TrailerLink: Sendable, Hashable {
    /// The full commit id.
    public let commit: String
    /// The id named.
    public let id: String
    /// Where the id stands in the commit message (1-based line and column).
    public let position: SourcePosition

    /// A trailer link.
    public init(commit: String, id: String, position: SourcePosition) {
        self.commit = commit
        self.id = id
        self.position = position
    }
}

/// RFC 3339 timestamps from Unix time and an offset, by calendar arithmetic (no Foundation
/// formatter, no locale, no time-zone database).
package enum RFC3339 {
    package static func format(_ time: Int64, offsetMinutes: Int) -> String {
        let local = time + Int64(offsetMinutes) * 60
        var days = local / 86_400
        var seconds = local % 86_400
        if seconds < 0 { seconds += 86_400; days -= 1 }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let offset = abs(offsetMinutes)
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60))"
            + "\(sign)\(two(Int64(offset / 60))):\(two(Int64(offset % 60)))"
    }
}

extension RepositoryHistory: EntryHistoryProvider {
    /// When the entry's file was first committed (`nil` when unknown, as past a shallow boundary).
    public func firstCommitDate(of path: String) -> String? { history(of: GitPath(path))?.created?.timestamp }
}

/// What history knows about an entry, for the figures only history can give. The history layer
/// provides it; without one those figures are left out.
public protocol EntryHistoryProvider {
    /// The date-time (RFC 3339) of the first commit that added the entry's file.
    func firstCommitDate(of path: String) -> String?
}
