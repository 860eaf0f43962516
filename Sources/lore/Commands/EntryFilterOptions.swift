import ArgumentParser
import LoreKit

/// `--kind`, `--status`, `--tag`, `--since` and `--where`: which entries a command looks at.
struct EntryFilterOptions: ParsableArguments {
    @Option(help: "Only entries of this kind.", completion: Completions.kinds)
    var kind: String?

    @Option(help: "Only entries with this status.", completion: Completions.statuses)
    var status: String?

    @Option(help: "Only entries with this tag (repeat for entries having all of them).")
    var tag: [String] = []

    @Option(help: ArgumentHelp("Only entries whose date is on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only entries where FIELD OP VALUE holds; OP is = != ~ (contains) !~ < <= > >=. Repeat to require all.",
        valueName: "EXPR"))
    var conditions: [String] = []

    func validate() throws {
        if let since, !FieldType.date.accepts(since) { throw ValidationError("--since must be a date YYYY-MM-DD, not '\(since)'") }
    }

    /// The query for `configuration`; bad expressions and unknown kinds are usage errors (exit 2).
    func query(for configuration: Configuration, sort: FieldSort? = nil) throws -> EntryQuery {
        if let kind, configuration.kind(named: kind) == nil {
            let known = configuration.kinds.map(\.name).joined(separator: ", ")
            throw Failure.usage("unknown kind '\(kind)'; this repository has \(known)")
        }
        do {
            let query = try EntryQuery(kind: kind, status: status, tags: tag, since: since, where: conditions, sort: sort)
            try query.validate(in: configuration)
            return query
        } catch {
            throw Failure.usage(error.description)
        }
    }
}
