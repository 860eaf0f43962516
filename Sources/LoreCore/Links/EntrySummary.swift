import Git
import Markdown

/// What the snapshot-wide rules need to know of one entry: its id, the ids and files it points at,
/// the code and commits it names and its open action items, each with its position. It is made
/// once per file content and cached with the entry's own findings, so a check of a large
/// repository in which three files changed parses and judges three files.
public struct EntrySummary: Sendable, Hashable {
    /// A front-matter list item or body link with its position.
    public struct Item: Sendable, Hashable {
        /// The text as written (an id, a glob, a commit id, a link destination).
        public let text: String
        /// Where it is.
        public let position: SourcePosition

        /// An item (the recall table makes them from what it kept).
        package init(text: String, position: SourcePosition) {
            self.text = text
            self.position = position
        }
    }

    /// An id-valued front-matter item: the relations of FORMAT.md and any field the configuration
    /// declares as `ids`.
    public struct Relation: Sendable, Hashable {
        /// The field (`related`, `supersedes`, …).
        public let field: String
        /// The id named, and where.
        public let item: Item
    }

    /// A link in the body that must resolve: `[[ID]]`, or a relative link to a Markdown file.
    public struct BodyLink: Sendable, Hashable {
        /// The destination as written (`LL-0002` for `[[LL-0002]]`, `../lessons/b.md#x` for a file).
        public let item: Item
        /// For a link to a file, the repository path it points at; `nil` for `[[ID]]`.
        public let target: String?
    }

    /// An open action item with a due date.
    public struct DueItem: Sendable, Hashable {
        /// The item's title (`(untitled)` when it has none).
        public let title: String
        /// The due date as written.
        public let due: String
        /// Where the item starts.
        public let position: SourcePosition
    }

    /// What the learning loop asks of an entry (review dates, recurrence): its status, dates,
    /// services, owner and open action items, as written.
    public struct LoopFacts: Sendable, Hashable {
        /// `status`, `date`, `title`, `review_by`, `reviewed` as written.
        public let status: String?, date: String?, title: String?, reviewBy: String?, reviewed: String?
        /// Who answers for the entry: `owner`, else the first of `deciders`, else of `authors`.
        public let owner: String?
        /// `services`.
        public let services: [String]
        /// Titles of action items not done (status `open`), with or without a due date.
        public let openItems: [String]
        /// Where `status` is (the opening `---` when absent).
        public let statusPosition: SourcePosition

        /// Facts.
        public init(status: String?, date: String?, title: String?, reviewBy: String?, reviewed: String?, owner: String?,
                    services: [String], openItems: [String], statusPosition: SourcePosition) {
            self.status = status
            self.date = date
            self.title = title
            self.reviewBy = reviewBy
            self.reviewed = reviewed
            self.owner = owner
            self.services = services
            self.openItems = openItems
            self.statusPosition = statusPosition
        }

        /// No facts.
        public static let none = LoopFacts(status: nil, date: nil, title: nil, reviewBy: nil, reviewed: nil, owner: nil,
                                           services: [], openItems: [], statusPosition: .start)

        /// The facts of an entry.
        public init(_ entry: Entry) {
            let owner = entry.frontMatter.text("owner") ?? entry.frontMatter.list("deciders").first ?? entry.authors.first
            self.init(status: entry.status, date: entry.date, title: entry.title, reviewBy: entry.frontMatter.text("review_by"),
                      reviewed: entry.frontMatter.text("reviewed"), owner: owner, services: entry.frontMatter.list("services"),
                      openItems: ActionItems.items(of: entry).filter { $0.status == "open" }.map(\.title),
                      statusPosition: entry.frontMatter["status"]?.position ?? .start)
        }
    }

    /// The file.
    public let path: GitPath
    /// The kind, from the folder the file is in.
    public let kind: String
    /// `id` as written, and where (the opening `---` when the entry has none).
    public let id: Item?
    /// Id-valued front-matter items.
    public let relations: [Relation]
    /// `[[ID]]` links and relative links to `.md` files.
    public let links: [BodyLink]
    /// `affects` globs.
    public let affects: [Item]
    /// `commits` ids.
    public let commits: [Item]
    /// Open action items that have a due date.
    public let dueItems: [DueItem]
    /// Status, dates, services and open items, for review dates and recurrence.
    public let loop: LoopFacts

    /// The ids the entry lists under `field`.
    public func ids(_ field: String) -> [String] { relations.filter { $0.field == field }.map(\.item.text) }

    /// A summary.
    public init(path: GitPath, kind: String, id: Item?, relations: [Relation], links: [BodyLink], affects: [Item],
                commits: [Item], dueItems: [DueItem], loop: LoopFacts = .none) {
        self.path = path
        self.kind = kind
        self.id = id
        self.relations = relations
        self.links = links
        self.affects = affects
        self.commits = commits
        self.dueItems = dueItems
        self.loop = loop
    }

    /// The summary of an entry, with the id-valued fields its kind declares in `configuration`.
    public init(_ entry: Entry, configuration: Configuration) {
        func item(_ scalar: YAMLScalar) -> Item { Item(text: scalar.text, position: scalar.position) }
        var fields = ["related", "supersedes", "superseded_by"]
        for spec in configuration.kind(named: entry.kind)?.fields ?? [] where spec.type == .ids && !fields.contains(spec.name) {
            fields.append(spec.name)
        }
        let folder = EntryPaths.folder(of: entry.path)
        let readsAsFound = configuration.kind(named: entry.kind)?.readsRecordsAsFound ?? false
        var links: [BodyLink] = []
        for link in entry.links {
            let item = Item(text: link.destination, position: SourcePosition(line: link.line, column: link.column))
            switch link.kind {
            case .wiki: links.append(BodyLink(item: item, target: nil))
            case .inline, .reference:
                if let target = EntryPaths.entryFileTarget(link.destination, folder: folder) {
                    links.append(BodyLink(item: item, target: target))
                } else if readsAsFound, let target = EntryPaths.looseTarget(link.destination, folder: folder) {
                    // Links as teams write them: `../ADR006-rds-broker`, `/decisions/x/`, `0002-x.html`.
                    links.append(BodyLink(item: item, target: target))
                }
            case .autolink: continue
            }
        }
        self.init(
            path: entry.path, kind: entry.kind,
            id: entry.id.map { Item(text: $0, position: entry.frontMatter["id"]?.position ?? .start) },
            relations: fields.flatMap { field in entry.frontMatter.scalars(field).map { Relation(field: field, item: item($0)) } },
            links: links,
            affects: entry.frontMatter.scalars("affects").map(item),
            commits: entry.frontMatter.scalars("commits").map(item),
            dueItems: ActionItems.items(of: entry).compactMap { action in
                guard action.status == "open", let due = action.due else { return nil }
                return DueItem(title: action.title, due: due, position: action.position)
            },
            loop: LoopFacts(entry))
    }
}

/// The binary form of a summary in the check cache (without path and kind, which the key holds).
package enum EntrySummaryCoding {
    package static func encode(_ summary: EntrySummary, into out: inout [UInt8]) {
        func item(_ item: EntrySummary.Item) {
            ByteWriter.string(item.text, into: &out)
            ByteWriter.position(item.position, into: &out)
        }
        func items(_ list: [EntrySummary.Item]) {
            ByteWriter.varint(list.count, into: &out)
            list.forEach(item)
        }
        if let id = summary.id { out.append(1); item(id) } else { out.append(0) }
        ByteWriter.varint(summary.relations.count, into: &out)
        for relation in summary.relations {
            ByteWriter.string(relation.field, into: &out)
            item(relation.item)
        }
        ByteWriter.varint(summary.links.count, into: &out)
        for link in summary.links {
            item(link.item)
            if let target = link.target { out.append(1); ByteWriter.string(target, into: &out) } else { out.append(0) }
        }
        items(summary.affects)
        items(summary.commits)
        ByteWriter.varint(summary.dueItems.count, into: &out)
        for due in summary.dueItems {
            ByteWriter.string(due.title, into: &out)
            ByteWriter.string(due.due, into: &out)
            ByteWriter.position(due.position, into: &out)
        }
        let loop = summary.loop
        for text in [loop.status, loop.date, loop.title, loop.reviewBy, loop.reviewed, loop.owner] {
            if let text { out.append(1); ByteWriter.string(text, into: &out) } else { out.append(0) }
        }
        ByteWriter.varint(loop.services.count, into: &out)
        loop.services.forEach { ByteWriter.string($0, into: &out) }
        ByteWriter.varint(loop.openItems.count, into: &out)
        loop.openItems.forEach { ByteWriter.string($0, into: &out) }
        ByteWriter.position(loop.statusPosition, into: &out)
    }

    /// Reads only what other entries' findings depend on — the id and the supersession items —
    /// from the start of what `encode` wrote (the rest is left unread).
    package static func decodeSkeleton(_ reader: inout ByteReader, path: GitPath, kind: String) -> EntrySummary? {
        guard let hasID = reader.byte() else { return nil }
        var id: EntrySummary.Item?
        if hasID == 1 {
            guard let text = reader.string(), let position = reader.position() else { return nil }
            id = EntrySummary.Item(text: text, position: position)
        }
        guard let relationCount = reader.varint() else { return nil }
        var relations: [EntrySummary.Relation] = []
        for _ in 0..<relationCount {
            guard let field = reader.string(), let text = reader.string(), let position = reader.position() else { return nil }
            if field == "supersedes" || field == "superseded_by" {
                relations.append(EntrySummary.Relation(field: field, item: EntrySummary.Item(text: text, position: position)))
            }
        }
        return EntrySummary(path: path, kind: kind, id: id, relations: relations, links: [], affects: [], commits: [], dueItems: [])
    }

    package static func decode(_ reader: inout ByteReader, path: GitPath, kind: String) -> EntrySummary? {
        func item() -> EntrySummary.Item? {
            guard let text = reader.string(), let position = reader.position() else { return nil }
            return EntrySummary.Item(text: text, position: position)
        }
        func items() -> [EntrySummary.Item]? {
            guard let count = reader.varint() else { return nil }
            var list: [EntrySummary.Item] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                guard let next = item() else { return nil }
                list.append(next)
            }
            return list
        }
        guard let hasID = reader.byte() else { return nil }
        var id: EntrySummary.Item?
        if hasID == 1 {
            guard let value = item() else { return nil }
            id = value
        }
        guard let relationCount = reader.varint() else { return nil }
        var relations: [EntrySummary.Relation] = []
        for _ in 0..<relationCount {
            guard let field = reader.string(), let value = item() else { return nil }
            relations.append(EntrySummary.Relation(field: field, item: value))
        }
        guard let linkCount = reader.varint() else { return nil }
        var links: [EntrySummary.BodyLink] = []
        for _ in 0..<linkCount {
            guard let value = item(), let hasTarget = reader.byte() else { return nil }
            var target: String?
            if hasTarget == 1 {
                guard let text = reader.string() else { return nil }
                target = text
            }
            links.append(EntrySummary.BodyLink(item: value, target: target))
        }
        guard let affects = items(), let commits = items(), let dueCount = reader.varint() else { return nil }
        var dueItems: [EntrySummary.DueItem] = []
        for _ in 0..<dueCount {
            guard let title = reader.string(), let due = reader.string(), let position = reader.position() else { return nil }
            dueItems.append(EntrySummary.DueItem(title: title, due: due, position: position))
        }
        var texts: [String?] = []
        for _ in 0..<6 {
            guard let flag = reader.byte() else { return nil }
            if flag == 1 {
                guard let text = reader.string() else { return nil }
                texts.append(text)
            } else {
                texts.append(nil)
            }
        }
        func strings() -> [String]? {
            guard let count = reader.varint() else { return nil }
            var list: [String] = []
            for _ in 0..<count {
                guard let text = reader.string() else { return nil }
                list.append(text)
            }
            return list
        }
        guard let services = strings(), let openItems = strings(), let statusPosition = reader.position() else { return nil }
        let loop = EntrySummary.LoopFacts(status: texts[0], date: texts[1], title: texts[2], reviewBy: texts[3], reviewed: texts[4],
                                          owner: texts[5], services: services, openItems: openItems, statusPosition: statusPosition)
        return EntrySummary(path: path, kind: kind, id: id, relations: relations, links: links, affects: affects,
                            commits: commits, dueItems: dueItems, loop: loop)
    }
}
