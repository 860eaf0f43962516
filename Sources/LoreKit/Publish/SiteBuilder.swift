import Foundation
import Git
import Markdown

/// Turns a `MemoryIndex` into the pages of a site. Every value from an entry reaches a page
/// through a Mustache `{{…}}` (HTML-escaped), `SiteEscaping.safeURL` (links) or safe-mode
/// Markdown; the only raw insertions are rendered Markdown and rendered templates.
struct SiteBuilder: Sendable {
    let index: MemoryIndex
    let theme: SiteTheme
    let forge: Forge?
    let options: PublishOptions
    let today: String?
    let bodies: [String]
    /// Entry path → page path inside the site (`entries/PM-0001.html`).
    let pages: [GitPath: String]
    let kindPages: [String: String]
    let tagPages: [String: String]
    let servicePages: [String: String]
    let statusPages: [String: String]
    let yearPages: [String: String]
    /// With `--org`, one page per repository (team) of the organization; empty otherwise.
    let teamPages: [String: String]
    /// Entry path → its place among all entries newest first (date, then path): lists are put in
    /// that order by this number, not by comparing dates again for every page.
    let dateRank: [GitPath: Int]
    /// The corpus's entries ranked by likeness, for each entry page's "Similar entries".
    let similarity: SimilarityIndex
    /// Every entry's summary (in corpus order), made once for the loop and trends pages.
    let summaries: [EntrySummary]
    /// The corpus's repeated incidents (`Recurrence.repeats`: the three most recent earlier ones of
    /// each), worked out once for the loop page.
    let recurrence: [Recurrence.Repeat]
    /// The action items and reviews as `lore actions` reports them on `today`, made once for the
    /// calendar and the loop page; `nil` without a date.
    let actionReport: ActionItemReport?
    var siteTitle: String { options.title ?? "Organizational memory" }

    init(index: MemoryIndex, theme: SiteTheme, forge: Forge?, options: PublishOptions, today: String?, bodies: [String]) {
        self.index = index
        self.theme = theme
        self.forge = forge
        self.options = options
        self.today = today
        self.bodies = bodies
        var entrySlugs = SlugAllocator()
        var pages: [GitPath: String] = [:]
        // Entries with an id first, so an id keeps its name whatever other file names exist.
        for entry in index.corpus.entries where entry.id != nil {
            pages[entry.path] = "entries/\(entrySlugs.name(for: entry.path.description, from: entry.id)).html"
        }
        for entry in index.corpus.entries where entry.id == nil {
            let name = entry.path.description.hasSuffix(".md") ? String(entry.path.description.dropLast(3)) : entry.path.description
            pages[entry.path] = "entries/\(entrySlugs.name(for: entry.path.description, from: name)).html"
        }
        self.pages = pages
        func allocate(_ folder: String, _ values: [String]) -> [String: String] {
            var slugs = SlugAllocator()
            var out: [String: String] = [:]
            for value in Set(values).sorted() { out[value] = "\(folder)/\(slugs.name(for: value)).html" }
            return out
        }
        let entries = index.corpus.entries
        kindPages = allocate("kinds", entries.map(\.kind))
        tagPages = allocate("tags", entries.flatMap(\.tags))
        servicePages = allocate("services", entries.flatMap { $0.frontMatter.list("services") })
        statusPages = allocate("statuses", entries.compactMap(\.status))
        yearPages = allocate("years", entries.compactMap(Self.year))
        let newestFirst = entries.indices.sorted { a, b in
            let (x, y) = (entries[a], entries[b])
            if (x.date ?? "") != (y.date ?? "") { return (x.date ?? "") > (y.date ?? "") }
            return x.path < y.path
        }
        var dateRank: [GitPath: Int] = [:]
        dateRank.reserveCapacity(entries.count)
        for (rank, position) in newestFirst.enumerated() { dateRank[entries[position].path] = rank }
        self.dateRank = dateRank
        let organization = index.organization
        teamPages = allocate("teams", entries.flatMap { Self.team($0, organization) })
        similarity = SimilarityIndex(entries: entries)
        let configuration = index.corpus.configuration
        summaries = entries.parallelMap { EntrySummary($0, configuration: configuration) }
        recurrence = Recurrence.repeats(summaries, configuration: configuration, keep: 3)
        let history = index.history
        actionReport = today.map { today in
            ActionItemReport(corpus: index.corpus, query: .all, today: today, grouping: .entry,
                             changed: { path in history.history(of: path)?.updated.map { String($0.timestamp.prefix(10)) } })
        }
    }

    /// The repository an entry of the organization's view comes from (`[]` outside `--org`).
    static func team(_ entry: Entry, _ organization: OrganizationView?) -> [String] {
        guard let organization else { return [] }
        return [organization.source(of: entry.path) ?? organization.localName ?? "(this repository)"]
    }

    static func year(_ entry: Entry) -> String? {
        guard let date = entry.date, date.utf8.count >= 4, date.prefix(4).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(date.prefix(4))
    }

    static func month(_ entry: Entry) -> String? {
        guard let date = entry.date, date.utf8.count >= 7, FieldType.isDate(String(date.prefix(10))) else { return nil }
        return String(date.prefix(7))
    }

    // MARK: - Files

    /// Every file of the site, each handed to `emit` as soon as it is made, so a site of any size
    /// is never held in memory whole: pages render in parallel a batch at a time, and each batch
    /// is emitted before the next renders. With `previous` (the manifest of the site published
    /// before in `folder`), a page whose inputs have the digest recorded there, and whose file is
    /// still the size recorded, is not rendered: its file refers to the previous one. The marker
    /// file, emitted last, records the manifest of the pages, so the result is the same bytes
    /// either way. Returns how many files were emitted.
    @discardableResult
    func produce(reusing previous: (manifest: SiteManifest, folder: String)? = nil,
                 emit: (SiteFile) throws(PublishError) -> Void) throws(PublishError) -> Int {
        var count = 0
        func add(_ file: SiteFile) throws(PublishError) {
            try emit(file)
            count += 1
        }
        func add(_ path: String, _ text: String) throws(PublishError) { try add(SiteFile(path: path, bytes: Array(text.utf8))) }
        for (name, text) in theme.assets.sorted(by: { $0.key < $1.key }) { try add(name, text) }
        try add(SiteFile(path: "index.json", bytes: index.render(lines: false)))
        try add("feed.xml", AtomFeed(builder: self).render())
        try add("search-index.js", searchIndex())
        if let actionReport { try add("actions.ics", ActionCalendar.ics(actionReport, name: siteTitle)) }
        let jobs = pageJobs()
        var manifest = SiteManifest()
        // Pages render on every core, a batch at a time: memory holds one batch of pages, not the site.
        let batch = 512
        var start = 0
        while start < jobs.count {
            let rendered = Array(jobs[start..<min(start + batch, jobs.count)]).parallelMap(batch: 4) { job -> (file: SiteFile, page: SiteManifest.Page) in
                let context = self.context(job)
                let digest = self.digest(job, context: context)
                if let previous, let recorded = previous.manifest.pages[job.path], recorded.digest == digest,
                   Self.fileSize(previous.folder + "/" + job.path) == recorded.size {
                    return (SiteFile(path: job.path, previous: previous.folder + "/" + job.path, size: recorded.size), recorded)
                }
                let bytes = page(job.template, title: job.title, root: job.root, context: context)
                return (SiteFile(path: job.path, bytes: bytes), SiteManifest.Page(digest: digest, size: bytes.count))
            }
            for (file, page) in rendered {
                try add(file)
                manifest.pages[file.path] = page
            }
            start += batch
        }
        try add(Site.markerName, manifest.markerText())
        return count
    }

    /// Every page to render: the fixed pages, one per kind, tag, service, status, year (and team),
    /// one per entry.
    func pageJobs() -> [PageJob] {
        var jobs: [PageJob] = [
            PageJob(path: "index.html", template: "home", title: siteTitle, root: "", content: .home),
            PageJob(path: "all.html", template: "list", title: "All entries", root: "", content: .all),
            PageJob(path: "browse.html", template: "browse", title: "Browse", root: "", content: .browse),
            PageJob(path: "timeline.html", template: "timeline", title: "Timeline", root: "", content: .timeline),
            PageJob(path: "actions.html", template: "actions", title: "Action items", root: "", content: .actions),
            PageJob(path: "stats.html", template: "stats", title: "Trends", root: "", content: .stats),
            PageJob(path: "loop.html", template: "loop", title: "Learning loop", root: "", content: .loop),
            PageJob(path: "search.html", template: "search", title: "Search", root: "", content: .search),
        ]
        var lists: [(String, [String: String], @Sendable (Entry) -> [String])] = [
            ("Kind", kindPages, { [$0.kind] }), ("Tag", tagPages, { $0.tags }),
            ("Service", servicePages, { $0.frontMatter.list("services") }), ("Status", statusPages, { $0.status.map { [$0] } ?? [] }),
            ("Year", yearPages, { Self.year($0).map { [$0] } ?? [] }),
        ]
        if !teamPages.isEmpty {
            let organization = index.organization
            lists.append(("Team", teamPages, { @Sendable entry in Self.team(entry, organization) }))
        }
        for (label, pagesByValue, values) in lists {
            var members: [String: [Int]] = [:]
            for (position, entry) in index.corpus.entries.enumerated() {
                for value in Set(values(entry)) { members[value, default: []].append(position) }
            }
            for (value, path) in pagesByValue.sorted(by: { $0.value < $1.value }) {
                jobs.append(PageJob(path: path, template: "list", title: "\(label): \(value)", root: "../",
                                    content: .list(heading: "\(label): \(value)", members: members[value] ?? [])))
            }
        }
        for (position, entry) in index.corpus.entries.enumerated() {
            guard let page = pages[entry.path] else { continue }
            jobs.append(PageJob(path: page, template: "entry", title: displayTitle(entry), root: "../", content: .entry(position)))
        }
        return jobs
    }

    /// The digest of everything a page is made from: the theme, the page's template, title and
    /// root, the values every page shows (site title, date, snapshot, forge) and its context.
    func digest(_ job: PageJob, context: [String: TemplateValue]) -> String {
        var digest = PageDigest()
        // The date counts only for a page whose templates show it (`asOf`): a new day (a commit on
        // another day moves "today") rewrites those pages, not every entry's.
        let dated = theme.showsDate.contains(job.template)
        for text in [theme.digest, job.template, job.title, job.root, siteTitle, dated ? today ?? "" : "", dated && today != nil ? "+" : "-",
                     job.template == "home" ? snapshotDescription : "", forge?.base ?? ""] { digest.add(text) }
        digest.add(object: context)
        return digest.hex
    }

    /// The size of the regular file at `path`, or `nil`.
    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// One page to render.
    struct PageJob: Sendable {
        enum Content: Sendable {
            case home, all, browse, timeline, actions, stats, search, loop
            case list(heading: String, members: [Int])
            case entry(Int)
        }
        let path: String
        let template: String
        let title: String
        let root: String
        let content: Content
    }


    /// The template's context of a page (without the values `page` adds).
    func context(_ job: PageJob) -> [String: TemplateValue] {
        let entries = index.corpus.entries
        let context: [String: TemplateValue]
        switch job.content {
        case .home: context = homeContext()
        case .all: context = view(["heading": "All entries", "count": .number(entries.count), "entries": .list(summaries(byDate(entries), root: ""))])
        case .browse: context = browseContext()
        case .timeline: context = timelineContext()
        case .actions: context = actionsContext()
        case .loop: context = loopContext()
        case .stats:
            // What `lore stats` prints, judged on the snapshot's date (nothing is due without one).
            context = StatsCharts.context(MemoryStats(corpus: index.corpus, query: .all, period: .quarter,
                                                      today: today ?? "0000-00-00", history: index.history))
        case .search: context = [:]
        case .list(let heading, let members):
            let listed = byDate(members.map { entries[$0] })
            context = view(["heading": .string(heading), "count": .number(listed.count), "parentURL": "../browse.html", "parentName": "Browse",
                            "entries": .list(summaries(listed, root: "../", withSummary: false))])
        case .entry(let position): context = entryContext(entries[position], body: bodies[position])
        }
        return context
    }

    /// A page: the template's text inside `layout`.
    func page(_ template: String, title: String, root: String, context: [String: TemplateValue]) -> [UInt8] {
        var context = context
        context["root"] = .string(root)
        context["siteTitle"] = .string(siteTitle)
        context["asOf"] = today.map(TemplateValue.string)
        var content: [UInt8] = []
        theme.library.render(template, .object(context), into: &content)
        var layout: [String: TemplateValue] = ["pageTitle": .string(title), "siteTitle": .string(siteTitle), "root": .string(root),
                                               "content": .string(String(decoding: content, as: UTF8.self))]
        // The snapshot (its commit) is named on the home page only: a page that named it would
        // change with every commit, and a publish after one commit rewrites only what changed.
        if template == "home" { layout["snapshot"] = .string(snapshotDescription) }
        if let forge { layout["sourceURL"] = .string(forge.base) }
        var out: [UInt8] = []
        out.reserveCapacity(content.count + 4096)
        theme.library.render("layout", .object(layout), into: &out)
        return out
    }

    var snapshotDescription: String {
        let commit = index.history.tip.map { " " + $0.prefix(12) } ?? ""
        switch index.corpus.source {
        case .workingTree: return "the working tree" + (commit.isEmpty ? "" : " (HEAD\(commit))")
        case .index: return "the staged index" + (commit.isEmpty ? "" : " (HEAD\(commit))")
        case .revision(let revision): return "\(revision)\(commit.isEmpty ? "" : " (\(commit.dropFirst()))")"
        }
    }

    /// Adds `hasKey` (true when non-empty) for every list value, for themes to wrap lists.
    func view(_ values: [String: TemplateValue]) -> [String: TemplateValue] {
        var out = values
        for (key, value) in values {
            if case .list(let list) = value { out["has" + key.prefix(1).uppercased() + key.dropFirst()] = .bool(!list.isEmpty) }
        }
        return out
    }

    // MARK: - Lists

    /// Entries newest first (by date, then path), by their precomputed rank: sorting numbers, not
    /// entries, keeps a page of many entries cheap.
    func byDate(_ entries: [Entry]) -> [Entry] {
        let ranks = entries.map { dateRank[$0.path] ?? Int.max }
        return ranks.indices.sorted { ranks[$0] < ranks[$1] }.map { entries[$0] }
    }

    func displayTitle(_ entry: Entry) -> String { entry.title ?? entry.id ?? entry.path.description }

    func summary(_ entry: Entry, root: String, withSummary: Bool = true) -> [String: TemplateValue] {
        var out: [String: TemplateValue] = ["url": .string(root + (pages[entry.path] ?? "")), "title": .string(displayTitle(entry)),
                                            "kind": .string(entry.kind)]
        if withSummary { out["summary"] = .string(plainSummary(entry)) }
        out["id"] = entry.id.map(TemplateValue.string)
        out["status"] = entry.status.map(TemplateValue.string)
        out["date"] = entry.date.map(TemplateValue.string)
        out["severity"] = entry.frontMatter.text("severity").map(TemplateValue.string)
        return out
    }

    /// The entry's summary as a reader sees it: no `[[ID]]`, backticks or link syntax.
    func plainSummary(_ entry: Entry) -> String {
        (try? renderPlainText(entry.summary)) ?? entry.summary
    }

    func summaries(_ entries: [Entry], root: String, withSummary: Bool = true) -> [TemplateValue] {
        entries.map { .object(summary($0, root: root, withSummary: withSummary)) }
    }

    func counts(_ values: [String], pages: [String: String]?) -> [TemplateValue] {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { key, count in
            var item: [String: TemplateValue] = ["name": .string(key), "count": .number(count)]
            item["url"] = pages?[key].map(TemplateValue.string)
            return .object(item)
        }
    }

    // MARK: - Action items

    struct Item {
        let entry: Entry
        let item: ActionItems.Item
        var isOpen: Bool { item.status == "open" }
        func isOverdue(today: String?) -> Bool {
            guard isOpen, let today, let due = item.due, FieldType.isDate(due) else { return false }
            return due < today
        }
    }

    var actionItems: [Item] {
        index.corpus.entries.flatMap { entry in ActionItems.items(of: entry).map { Item(entry: entry, item: $0) } }
    }

    func itemView(_ item: Item, root: String) -> TemplateValue {
        var out: [String: TemplateValue] = ["title": .string(item.item.title), "status": .string(item.item.status),
                                            "overdue": .bool(item.isOverdue(today: today)),
                                            "entryURL": .string(root + (pages[item.entry.path] ?? "")), "entryTitle": .string(displayTitle(item.entry))]
        out["owner"] = item.item.owner.map(TemplateValue.string)
        out["due"] = item.item.due.map(TemplateValue.string)
        out["link"] = item.item.link.flatMap(SiteEscaping.safeURL).map(TemplateValue.string)
        return .object(out)
    }

    func byDue(_ items: [Item]) -> [Item] {
        items.sorted { a, b in
            if (a.item.due ?? "9999") != (b.item.due ?? "9999") { return (a.item.due ?? "9999") < (b.item.due ?? "9999") }
            if a.entry.path != b.entry.path { return a.entry.path < b.entry.path }
            return a.item.position.line < b.item.position.line
        }
    }

    // MARK: - Pages

    func homeContext() -> [String: TemplateValue] {
        let entries = index.corpus.entries
        let items = actionItems
        let overdue = byDue(items.filter { $0.isOverdue(today: today) })
        let updated = entries.compactMap { entry -> (Entry, CommitSummary)? in
            guard let commit = index.history.history(of: entry.path)?.updated else { return nil }
            return (entry, commit)
        }.sorted { a, b in a.1.time != b.1.time ? a.1.time > b.1.time : a.0.path < b.0.path }
        return view([
            "entryCount": .number(entries.count),
            "kinds": .list(counts(entries.map(\.kind), pages: kindPages)),
            "severities": .list(counts(entries.compactMap { $0.frontMatter.text("severity") }, pages: nil)),
            "statuses": .list(counts(entries.compactMap(\.status), pages: statusPages)),
            "openItems": .number(items.filter(\.isOpen).count),
            "overdueCount": .number(overdue.count),
            "overdue": .list(overdue.prefix(20).map { itemView($0, root: "") }),
            "recent": ["entries": .list(summaries(Array(byDate(entries).prefix(10)), root: ""))],
            "updated": .list(updated.prefix(10).map { entry, commit -> TemplateValue in
                var out = summary(entry, root: "")
                out["updated"] = .string(String(commit.timestamp.prefix(10)))
                out["updatedBy"] = .string(commit.author.name)
                return .object(out)
            }),
        ])
    }

    func browseContext() -> [String: TemplateValue] {
        let entries = index.corpus.entries
        let groups: [(String, [String], [String: String])] = [
            ("Kinds", entries.map(\.kind), kindPages), ("Tags", entries.flatMap(\.tags), tagPages),
            ("Services", entries.flatMap { $0.frontMatter.list("services") }, servicePages),
            ("Statuses", entries.compactMap(\.status), statusPages), ("Years", entries.compactMap(Self.year), yearPages),
        ] + (teamPages.isEmpty ? [] : [("Teams", entries.flatMap { Self.team($0, index.organization) }, teamPages)])
        return ["groups": .list(groups.map { name, values, pages in
            ["name": .string(name), "anchor": .string(name.lowercased()), "items": .list(counts(values, pages: pages))]
        })]
    }

    func timelineContext() -> [String: TemplateValue] {
        var months: [String: [Entry]] = [:]
        for entry in index.corpus.entries { if let month = Self.month(entry) { months[month, default: []].append(entry) } }
        return ["months": .list(months.sorted { $0.key > $1.key }.map { month, entries in
            ["month": .string(month), "entries": .list(summaries(byDate(entries), root: "", withSummary: false))]
        })]
    }

    func actionsContext() -> [String: TemplateValue] {
        let open = byDue(actionItems.filter(\.isOpen))
        func grouped(_ key: (Item) -> [String]) -> TemplateValue {
            var groups: [String: [Item]] = [:]
            for item in open { for name in key(item) { groups[name, default: []].append(item) } }
            return .list(groups.sorted { $0.key < $1.key }.map { name, items in
                ["name": .string(name), "items": .list(items.map { itemView($0, root: "") })]
            })
        }
        let overdue = open.filter { $0.isOverdue(today: today) }
        return view([
            "openCount": .number(open.count), "overdueCount": .number(overdue.count),
            "overdue": .list(overdue.map { itemView($0, root: "") }),
            "owners": grouped { [$0.item.owner ?? "(no owner)"] },
            "services": grouped { item in
                let services = Array(Set(item.entry.frontMatter.list("services"))).sorted()
                return services.isEmpty ? ["(no service)"] : services
            },
        ])
    }

    static let panelFields: Set<String> = ["id", "title", "date", "status", "severity", "services", "tags", "authors",
                                           "action_items", "affects", "commits"]

    func entryContext(_ entry: Entry, body: String) -> [String: TemplateValue] {
        let root = "../"
        let graph = index.graph
        let tip = index.history.tip
        func text(_ value: String?) -> TemplateValue? { value.map(TemplateValue.string) }
        var context: [String: TemplateValue] = ["title": .string(displayTitle(entry)), "kind": .string(entry.kind),
                                                "kindURL": .string(root + (kindPages[entry.kind] ?? "")), "path": .string(entry.path.description)]
        context["id"] = text(entry.id)
        context["status"] = text(entry.status)
        context["statusURL"] = text(entry.status.flatMap { statusPages[$0] }.map { root + $0 })
        context["date"] = text(entry.date)
        context["severity"] = text(entry.frontMatter.text("severity"))
        context["services"] = .list(Array(Set(entry.frontMatter.list("services"))).sorted().map {
            ["name": .string($0), "url": .string(root + (servicePages[$0] ?? ""))]
        })
        context["tags"] = .list(Array(Set(entry.tags)).sorted().map { ["name": .string($0), "url": .string(root + (tagPages[$0] ?? ""))] })
        context["authors"] = .list(entry.authors.map(TemplateValue.string))
        let relationFields = Set(graph.outgoing(entry.path).compactMap { $0.kind == .relation ? $0.field : nil })
        context["fields"] = .list(entry.frontMatter.fields.compactMap { pair -> TemplateValue? in
            let name = pair.key.text
            guard !Self.panelFields.contains(name), !relationFields.contains(name) else { return nil }
            return ["name": .string(name), "value": .string(Self.display(pair.value))]
        })
        if let history = index.history.history(of: entry.path) {
            func commit(_ summary: CommitSummary?) -> TemplateValue? {
                guard let summary else { return nil }
                var out: [String: TemplateValue] = ["time": .string(summary.timestamp), "date": .string(String(summary.timestamp.prefix(10))),
                                                    "author": .string(summary.author.name), "short": .string(String(summary.id.prefix(12)))]
                out["url"] = text(forge?.commitURL(summary.id))
                return .object(out)
            }
            var view: [String: TemplateValue] = ["people": .list(history.authors.map { .string($0.name) }), "commits": .number(history.commitCount),
                                                 "previousPaths": .list(history.previousPaths.map { .string($0.description) }),
                                                 "partial": .bool(history.partial)]
            view["created"] = commit(history.created)
            view["updated"] = commit(history.updated)
            context["history"] = .object(self.view(view))
        }
        // The file as the last commit that changed it left it (the same bytes as at the tip), so the
        // page does not change with commits that leave the entry alone.
        if let forge, let commit = index.history.history(of: entry.path)?.updated?.id ?? tip {
            context["sourceURL"] = text(forge.fileURL(entry.path.description, commit: commit))
        }
        if let forge { context["editURL"] = text(forge.editURL(entry.path.description)) }
        context["actionItems"] = .list(ActionItems.items(of: entry).map { itemView(Item(entry: entry, item: $0), root: root) })
        // The template's own `## Action items` section is the prose; the table is the tracked list,
        // so the page never shows two headings saying the same.
        let bodyHasActionItems = entry.headings.contains { $0.text.trimmingCharacters(in: .whitespaces).lowercased() == "action items" }
        context["actionItemsHeading"] = .string(bodyHasActionItems ? "Tracked action items" : "Action items")
        var outgoing: [TemplateValue] = [], affects: [TemplateValue] = []
        for link in graph.outgoing(entry.path) {
            if link.kind == .affects {
                var item: [String: TemplateValue] = ["glob": .string(link.written), "resolved": .bool(link.isResolved)]
                if let forge, let tip, link.isResolved { item["url"] = text(forge.folderURL(Self.globFolder(link.written), commit: tip)) }
                affects.append(.object(item))
                continue
            }
            var item: [String: TemplateValue] = ["label": .string(link.field ?? link.kind.rawValue), "resolved": .bool(link.isResolved)]
            switch link.target {
            case .entry(let path):
                let target = graph.entry(at: path)
                item["text"] = .string([target?.id, target.map(displayTitle)].compactMap { $0 }.joined(separator: " · "))
                item["url"] = text(pages[path].map { root + $0 })
            case .file(let path):
                item["text"] = .string(path.description)
                if let forge, let tip { item["url"] = text(forge.fileURL(path.description, commit: tip)) }
            case .commit(let id):
                item["text"] = .string("commit \(id.prefix(12))")
                item["url"] = text(forge?.commitURL(id))
            case .code, .unresolved:
                item["text"] = .string(link.written)
            }
            outgoing.append(.object(item))
        }
        context["outgoing"] = .list(outgoing)
        context["affects"] = .list(affects)
        context["similar"] = .list(similarity.similar(to: entry, limit: 3).map { hit -> TemplateValue in
            var item: [String: TemplateValue] = ["text": .string([hit.id, hit.title].compactMap { $0 }.joined(separator: " · ")),
                                                 "reasons": .string(hit.reasons.joined(separator: "; "))]
            item["url"] = text(pages[GitPath(hit.path)].map { root + $0 })
            return .object(item)
        })
        if let today, let due = ReviewDates.due(EntrySummary.LoopFacts(entry), kind: index.corpus.configuration.kind(named: entry.kind),
                                                changed: lastChanged(entry.path)),
           due < today {
            context["reviewDue"] = .string(due)
        }
        // One backlink per entry (or commit) that links here, labelled with every way it does
        // (`related, wiki`), in the order first met.
        var incoming: [[String: TemplateValue]] = []
        var labelsOf: [[String]] = []
        var bySource: [String: Int] = [:]
        for link in graph.incoming(entry.path) {
            let label = link.field ?? link.kind.rawValue
            let key = link.source.map { "e:" + $0.description } ?? link.commit.map { "c:" + $0 } ?? "w:" + link.written
            if let index = bySource[key] {
                if !labelsOf[index].contains(label) { labelsOf[index].append(label) }
                incoming[index]["labels"] = .list(labelsOf[index].map(TemplateValue.string))
                incoming[index]["label"] = .string(labelsOf[index].joined(separator: ", "))
                continue
            }
            var item: [String: TemplateValue] = ["label": .string(label), "labels": [.string(label)]]
            if let source = link.source, let from = graph.entry(at: source) {
                item["text"] = .string([from.id, displayTitle(from)].compactMap { $0 }.joined(separator: " · "))
                item["url"] = text(pages[source].map { root + $0 })
            } else if let commit = link.commit {
                item["text"] = .string("commit \(commit.prefix(12))")
                item["url"] = text(forge?.commitURL(commit))
            } else {
                item["text"] = .string(link.written)
            }
            bySource[key] = incoming.count
            incoming.append(item)
            labelsOf.append([label])
        }
        context["incoming"] = .list(incoming.map(TemplateValue.object))
        do {
            let anchored = Self.anchoringHeadings(linkEntries(in: try renderHTML(Self.droppingTitle(body)), entry: entry, root: root))
            context["body"] = .string(anchored.html)
            // A table of contents when the entry is long enough to need one.
            if anchored.contents.filter({ $0.level == 2 }).count >= Self.contentsThreshold {
                context["contents"] = .list(anchored.contents.map { ["id": .string($0.id), "html": .string($0.html), "sub": .bool($0.level == 3)] })
            }
        } catch {
            context["complex"] = .string(error.description)
            context["body"] = .string("<pre>" + Escaping.html(body) + "</pre>")
        }
        return view(context)
    }

    /// How many `##` sections an entry needs for its page to get a table of contents.
    static let contentsThreshold = 4

    /// Gives every `<h2>` and `<h3>` of rendered Markdown an id (`section-` and a slug of its text,
    /// `-2`, `-3` … when repeated), and returns the headings for a table of contents: their level,
    /// id and text as HTML (tags left out, entities as the renderer escaped them).
    static func anchoringHeadings(_ html: String) -> (html: String, contents: [(level: Int, id: String, html: String)]) {
        var out = ""
        var contents: [(level: Int, id: String, html: String)] = []
        var used: Set<String> = []
        var rest = html[...]
        while let open = rest.range(of: "<h") {
            let after = rest[open.upperBound...]
            guard let digit = after.first, digit == "2" || digit == "3", after.dropFirst().first == ">",
                  let close = after.range(of: "</h\(digit)>") else {
                out += rest[..<open.upperBound]
                rest = after
                continue
            }
            let inner = String(after[after.index(after.startIndex, offsetBy: 2)..<close.lowerBound])
            var text = ""
            var inTag = false
            for character in inner {
                if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
            }
            var slug = ""
            for character in text.lowercased() {
                if character.isASCII && (character.isLetter || character.isNumber) { slug.append(character) }
                else if !slug.isEmpty && slug.last != "-" { slug.append("-") }
            }
            while slug.last == "-" { slug.removeLast() }
            var id = "section-" + (slug.isEmpty ? "part" : slug)
            if used.contains(id) {
                var count = 2
                while used.contains("\(id)-\(count)") { count += 1 }
                id = "\(id)-\(count)"
            }
            used.insert(id)
            contents.append((level: digit == "2" ? 2 : 3, id: id, html: text))   // tags stripped, entities kept
            out += rest[..<open.lowerBound] + "<h\(digit) id=\"\(id)\">" + inner + "</h\(digit)>"
            rest = after[close.upperBound...]
        }
        out += rest
        return (out, contents)
    }

    /// The body without its first line when that is a `# ` heading (the page shows the title).
    static func droppingTitle(_ body: String) -> String {
        var rest = body[...]
        while rest.first == "\n" || rest.first == "\r" { rest = rest.dropFirst() }
        guard rest.hasPrefix("# ") else { return body }
        guard let newline = rest.firstIndex(of: "\n") else { return "" }
        return String(rest[rest.index(after: newline)...])
    }

    /// The folder part of an `affects` glob: everything before the first component with a wildcard.
    static func globFolder(_ glob: String) -> String {
        var kept: [Substring] = []
        for component in glob.split(separator: "/") {
            if component.contains(where: { "*?[{".contains($0) }) { break }
            kept.append(component)
        }
        return kept.joined(separator: "/")
    }

    /// Points relative links to entry files at their pages, and turns resolved `[[ID]]` into links
    /// (outside `<code>`). One pass over the bytes of the rendered HTML.
    func linkEntries(in html: String, entry: Entry, root: String) -> String {
        var files: [String: String] = [:]
        for link in index.graph.outgoing(entry.path) where link.kind == .file {
            guard case .entry(let path) = link.target, let page = pages[path] else { continue }
            files[Escaping.html(link.written)] = root + page
        }
        let bytes = Array(html.utf8)
        func starts(_ text: StaticString, at index: Int) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let pattern = UnsafeBufferPointer(start: text.utf8Start, count: count)
            for offset in 0..<count where bytes[index + offset] != pattern[offset] { return false }
            return true
        }
        func find(_ byte: UInt8, _ second: UInt8, from start: Int) -> Int? {
            var index = start
            while index + 1 < bytes.count {
                if bytes[index] == byte && bytes[index + 1] == second { return index }
                index += 1
            }
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var index = 0
        var codeDepth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                if starts("<code", at: index) { codeDepth += 1 }
                else if starts("</code>", at: index) { codeDepth = max(0, codeDepth - 1) }
                else if !files.isEmpty && starts("<a href=\"", at: index) {
                    let valueStart = index + 9
                    if let quote = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")),
                       let page = files[String(decoding: bytes[valueStart..<quote], as: UTF8.self)] {
                        out.append(contentsOf: "<a href=\"".utf8)
                        out.append(contentsOf: page.utf8)
                        index = quote
                        continue
                    }
                }
            } else if byte == UInt8(ascii: "["), codeDepth == 0, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "["),
                      let close = find(UInt8(ascii: "]"), UInt8(ascii: "]"), from: index + 2) {
                let inside = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                let parts = inside.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if !inside.contains("<"), !inside.contains("["), let id = parts.first, let target = index_entry(id), let page = pages[target] {
                    out.append(contentsOf: "<a class=\"wiki\" href=\"\(root)\(page)\">\(parts.count > 1 ? parts[1] : id)</a>".utf8)
                    index = close + 2
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func index_entry(_ id: String) -> GitPath? { index.graph.entry(id: id)?.path }

    /// A front-matter value as one line of text.
    static func display(_ value: YAMLValue) -> String {
        switch value {
        case .scalar(let scalar): return scalar.isNull ? "" : scalar.text
        case .sequence(let items, _): return items.map(display).joined(separator: ", ")
        case .mapping(let pairs, _): return pairs.map { "\($0.key.text): \(display($0.value))" }.joined(separator: "; ")
        }
    }

    // MARK: - Search

    func searchIndex() -> String {
        let records: [JSONValue] = byDate(index.corpus.entries).map { entry in
            let fields = [entry.tags, entry.frontMatter.list("services"), entry.authors,
                          [entry.frontMatter.text("severity") ?? ""]].flatMap { $0 }.joined(separator: " ")
            let text = ([entry.summary] + entry.sectionTexts.map(\.text)).joined(separator: " ")
            return .object(["t": .string(displayTitle(entry)), "i": .string(entry.id ?? ""), "k": .string(entry.kind),
                            "s": .string(entry.status ?? ""), "f": .string(fields), "x": .string(text),
                            "u": .string(pages[entry.path]!)])
        }
        var writer = JSONWriter(pretty: false)
        writer.write(.object(["entries": .array(records)]))
        return "window.LORE_SEARCH = " + SiteEscaping.scriptJSON(writer.bytes) + ";\n"
    }
}
