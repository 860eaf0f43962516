import Git

/// The site's learning loop (`loop.html`) and calendar (`actions.ics`): per service, incidents
/// over time with repeats marked and the follow-up rate; repeats; reviews due.
extension SiteBuilder {
    /// The corpus's action items and reviews as `lore actions` reports them on `today`.
    func loopReport(today: String) -> ActionItemReport {
        ActionItemReport(corpus: index.corpus, query: .all, today: today, grouping: .entry, changed: lastChanged)
    }

    /// The day of the last commit that changed an entry's file, which counts as its review.
    func lastChanged(_ path: GitPath) -> String? {
        index.history.history(of: path)?.updated.map { String($0.timestamp.prefix(10)) }
    }

    func loopContext() -> [String: Any] {
        let corpus = index.corpus
        let configuration = corpus.configuration
        let summaries = corpus.entries.map { EntrySummary($0, configuration: configuration) }
        let incidents = zip(corpus.entries, summaries).filter { Recurrence.isIncident($1, configuration: configuration) }
        let matches = Recurrence.matches(summaries, configuration: configuration)
        let repeating = Set(matches.map(\.entry.path))
        let byPath = Dictionary(corpus.entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        func link(_ path: GitPath) -> (text: String, url: String?) {
            let entry = byPath[path]
            return ([entry?.id, entry.map(displayTitle)].compactMap { $0 }.joined(separator: " · "), pages[path])
        }
        var services: [[String: Any]] = []
        let names = Set(incidents.flatMap { $0.1.loop.services }).sorted()
        for name in names {
            let members = incidents.filter { $0.1.loop.services.contains(name) }
            var periods: [String: (count: Int, repeats: Int)] = [:]
            for (entry, summary) in members {
                let period = Self.month(entry) ?? "undated"
                periods[period, default: (0, 0)].count += 1
                if repeating.contains(summary.path) { periods[period, default: (0, 0)].repeats += 1 }
            }
            let items = members.flatMap { ActionItems.items(of: $0.0) }.filter { $0.status != "wont-do" }
            let done = items.filter { $0.status == "done" }.count
            var row: [String: Any] = [
                "name": name, "incidents": members.count,
                "repeats": members.filter { repeating.contains($0.1.path) }.count,
                "rate": items.isEmpty ? "–" : "\(done * 100 / items.count)% (\(done) of \(items.count))",
                "periods": periods.sorted { $0.key < $1.key }.map { period, figures -> [String: Any] in
                    ["period": period, "count": figures.count, "repeated": figures.repeats, "repeat": figures.repeats > 0]
                },
            ]
            row["url"] = servicePages[name]
            services.append(row)
        }
        // One item per repeating postmortem, naming the most recent earlier ones it repeats (a large
        // memory has postmortems repeating hundreds of earlier ones: the page stays readable).
        var order: [GitPath] = []
        var earlierOnes: [GitPath: [Recurrence.Match]] = [:]
        for match in matches {
            if earlierOnes[match.entry.path] == nil { order.append(match.entry.path) }
            earlierOnes[match.entry.path, default: []].append(match)
        }
        let shown = 3
        let repeatList = order.map { path -> [String: Any] in
            let later = link(path)
            let all = (earlierOnes[path] ?? []).sorted { Recurrence.isBefore($1.earlier, $0.earlier) }
            let earlier = all.prefix(shown).map { match -> [String: Any] in
                let target = link(match.earlier.path)
                var item: [String: Any] = ["text": target.text, "shared": match.shared.joined(separator: ", "),
                                           "open": match.earlier.loop.openItems.joined(separator: "; ")]
                item["url"] = target.url
                return item
            }
            var item: [String: Any] = ["text": later.text, "earlier": earlier]
            item["url"] = later.url
            if all.count > shown { item["more"] = all.count - shown }
            return item
        }
        var reviews: [[String: Any]] = []
        if let today {
            for review in loopReport(today: today).reviews ?? [] where review.state == .overdue {
                var item: [String: Any] = ["text": review.title.map { "\(review.entry) · \($0)" } ?? review.entry, "due": review.due]
                item["owner"] = review.owner
                item["url"] = pages[GitPath(review.path)]
                reviews.append(item)
            }
        }
        return view(["incidentCount": incidents.count, "repeatCount": repeating.count, "reviewCount": reviews.count,
                     "services": services, "repeatList": repeatList, "reviews": reviews, "calendar": today != nil])
    }
}
