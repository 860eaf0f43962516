import ArgumentParser
import Foundation
import LoreKit

struct Actions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "Every action item across postmortems: open, overdue, done.",
        discussion: """
        Reads the action_items of every entry (title, owner, due, status,
        link). An item is done (status: done), won't do (status: wont-do),
        overdue (not done and due before --today) or open.

        --by groups the items by entry (default), owner or service (an item
        shows under each service of its entry). --owner, --overdue and --open
        select items; --kind, --status, --tag, --since and --where select
        the entries they come from. The last line (text) counts the items
        shown by state. Markdown output is a checklist ready to paste into
        an issue or a pull-request comment.

        Each item is shown with the commits that followed it up: its link
        when it names a commit of the repository (an id, or a URL ending in
        /commit/ID), and the commits whose message has a `Lore: ID` trailer
        naming the item's postmortem and mentions that item: its title
        (case and spacing ignored), or #N when its link is an issue or pull
        request N. Other commits of the postmortem are not shown.

        Reviews are listed too: entries past or near their review date
        (`review_by`, or the kind's `review_every_days` after `reviewed`,
        else `date`; a later commit changing the entry counts as a
        review), with the entry's owner (`owner`, else the first
        decider, else the first author).

        --format ics writes an iCalendar file (RFC 5545) of the items not
        done that have a due date and of the reviews: one all-day event per
        item with a stable UID, DTSTAMP at --today (or SOURCE_DATE_EPOCH's
        day), so equal repositories give equal bytes. --format csv writes
        the same events as CSV (RFC 4180). The published site holds the
        calendar as actions.ics.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, ics, csv
    }

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case entry, owner, service
    }

    @OptionGroup var snapshot: SnapshotOptions

    @OptionGroup var org: OrgOptions

    @OptionGroup var filter: EntryFilterOptions

    @Option(help: "Only items owned by this owner (exact, as written).")
    var owner: String?

    @Flag(help: "Only overdue items.")
    var overdue = false

    @Flag(help: "Only items not done (open and overdue).")
    var open = false

    @Option(help: "Group by entry, owner or service.")
    var by: Grouping = .entry

    @OptionGroup var today: TodayOption

    @Option(help: "Output format.")
    var format: Format = .text

    func run() throws {
        let (memory, corpus, history) = try snapshot.corpusAndHistory(org: org)
        let query = try filter.query(for: corpus.configuration)
        let grouping = ActionItemReport.Grouping(rawValue: by.rawValue)!
        let repository = memory.repository
        let commits = ActionItemReport.commits(history: history, resolve: { repository.commitID(prefix: $0)?.hex },
                                                  message: { ObjectID(hex: $0).flatMap { try? repository.readCommitHeader($0).message } })
        let report = ActionItemReport(corpus: corpus, query: query, today: today.date, grouping: grouping,
                                      commits: commits, keep: { item in
            (owner == nil || item.owner == owner) && (!overdue || item.state == .overdue)
                && (!open || item.state == .open || item.state == .overdue)
        }, keepReview: { review in
            (owner == nil || review.owner == owner) && (!overdue || review.state == .overdue)
        }, changed: { path in
            history.history(of: path)?.updated.map { String($0.timestamp.prefix(10)) }
        })
        switch format {
        case .json:
            Console.out(stableJSON(report))
        case .text: Console.out(text(report))
        case .markdown: Console.out(markdown(report))
        case .ics: Console.out(ActionCalendar.ics(report))
        case .csv: Console.out(ActionCalendar.csv(report))
        }
    }

    private func summary(_ report: ActionItemReport) -> String {
        let counts = report.counts
        let total = counts["total"] ?? 0
        return "\(total) action item\(total == 1 ? "" : "s"): \(counts["open"] ?? 0) open, \(counts["overdue"] ?? 0) overdue, "
            + "\(counts["done"] ?? 0) done, \(counts["wont-do"] ?? 0) won't do (today \(report.today))\n"
    }

    private func text(_ report: ActionItemReport) -> String {
        // A COMMITS column only when some item points at a commit (its link, or a Lore: trailer).
        let withCommits = report.groups.contains { $0.items.contains { !$0.commits.isEmpty } }
        let header = [by.rawValue.uppercased(), "STATE", "DUE", by == .entry ? "OWNER" : "ENTRY"] + (withCommits ? ["COMMITS"] : []) + ["ITEM"]
        var rows: [[String]] = []
        for group in report.groups {
            for item in group.items {
                let commits = item.commits.isEmpty ? "-" : item.commits.map { String($0.prefix(7)) }.joined(separator: ",")
                rows.append([group.name, item.state.rawValue, item.due ?? "-", by == .entry ? (item.owner ?? "-") : item.entry]
                            + (withCommits ? [commits] : []) + [item.title])
            }
        }
        return (rows.isEmpty ? "" : TextTable.render(header: header, rows: rows)) + reviewsText(report) + summary(report)
    }

    /// The reviews as a table, after the items (nothing when there is none).
    private func reviewsText(_ report: ActionItemReport) -> String {
        guard let reviews = report.reviews else { return "" }
        let rows = reviews.map { [$0.entry, $0.state.rawValue, $0.due, $0.owner ?? "-", $0.title ?? $0.path] }
        return "\n" + TextTable.render(header: ["REVIEW", "STATE", "DUE", "OWNER", "TITLE"], rows: rows)
            + "\(reviews.count) review\(reviews.count == 1 ? "" : "s"): \(reviews.filter { $0.state == .overdue }.count) overdue\n\n"
    }

    private func markdown(_ report: ActionItemReport) -> String {
        var out = ""
        for group in report.groups {
            let title = by == .entry ? group.items.first.flatMap { $0.entryTitle.map { "\(group.name): \($0)" } } ?? group.name : group.name
            out += "### \(escape(title))\n\n"
            for item in group.items {
                var line = "- [\(item.state == .done ? "x" : " ")] \(escape(item.title))"
                if by != .entry { line += " (\(escape(item.entry)))" }
                if by != .owner, let owner = item.owner { line += " — \(escape(owner))" }
                if let due = item.due { line += ", due \(escape(due))" }
                switch item.state {
                case .overdue: line += " **overdue**"
                case .wontDo: line += " *won't do*"
                default: break
                }
                if let link = item.link { line += " <\(link.filter { !$0.isWhitespace && $0 != ">" && $0 != "<" })>" }
                if !item.commits.isEmpty { line += " (commits \(item.commits.map { String($0.prefix(7)) }.joined(separator: ", ")))" }
                out += line + "\n"
            }
            out += "\n"
        }
        return out + summary(report)
    }

    /// Markdown special characters written literally.
    private var escape: Escaping { .markdown }
}
