/// Which entries a command shows and in what order: `--kind`, `--status`, `--tag`, `--since` and
/// `--where` conditions (all must hold), and an optional `--sort`.
public struct EntryQuery: Sendable, Hashable {
    /// Every condition; an entry is kept when all hold.
    public var filters: [FieldFilter]
    /// The order, when not the command's own.
    public var sort: FieldSort?

    /// A query from a command's options. `where` expressions are parsed here, so a bad one throws
    /// with its column; `since` is a date `YYYY-MM-DD` compared with `date`.
    public init(kind: String? = nil, status: String? = nil, tags: [String] = [], since: String? = nil,
                where expressions: [String] = [], sort: FieldSort? = nil) throws(FilterSyntaxError) {
        var filters: [FieldFilter] = []
        if let kind { filters.append(FieldFilter(field: "kind", .equal, kind)) }
        if let status { filters.append(FieldFilter(field: "status", .equal, status)) }
        filters += tags.map { FieldFilter(field: "tags", .equal, $0) }
        if let since { filters.append(FieldFilter(field: "date", .greaterOrEqual, since)) }
        for expression in expressions { filters.append(try FieldFilter.parse(expression)) }
        self.filters = filters
        self.sort = sort
        self.expressions = expressions
    }

    private var expressions: [String]

    /// The query that keeps every entry.
    public static let all = EntryQuery(filters: [], sort: nil, expressions: [])

    private init(filters: [FieldFilter], sort: FieldSort?, expressions: [String]) {
        self.filters = filters
        self.sort = sort
        self.expressions = expressions
    }

    /// Refuses values a declared type cannot hold (`--where 'date>=soon'`), naming the column.
    public func validate(in configuration: Configuration) throws(FilterSyntaxError) {
        let parsed = filters.suffix(expressions.count)
        for (filter, expression) in zip(parsed, expressions) {
            try filter.validate(in: configuration, expression: expression)
        }
    }

    /// Every condition holds for `source`.
    public func matches(_ source: some FieldSource, in configuration: Configuration) -> Bool {
        filters.allSatisfy { $0.matches(source, in: configuration) }
    }

    /// The entries that match, in the query's order (else in the order given).
    public func select(_ entries: [Entry], in configuration: Configuration) -> [Entry] {
        let kept = entries.filter { matches($0, in: configuration) }
        guard let sort else { return kept }
        return sort.sorted(kept, in: configuration) { $0 }
    }
}
