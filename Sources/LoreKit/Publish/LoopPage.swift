import Git

/// The site's learning loop (`loop.html`) and calendar (`actions.ics`): per service, incidents
/// over time with repeats marked and the follow-up rate; repeats; reviews due.
extension SiteBuilder {
    /// The day of the last commit that changed an entry's file, which counts as its review.
    func lastChanged(_ path: GitPath) -> String? {
        index.history.history(of: path)?.updated.map { String($0.timestamp.prefix(10)) }
    }

    func loopContext() -> [String: TemplateValue] {
        let corpus = index.corpus
        let configuration = corpus.configuration
        let incidents = zip(corpus.entries, summaries).filter { Recurrence.isIncident($1, configuration: configuration) }
        let repeating = Set(recurrence.map(\.entry.path))
        let byPath = Dictionary(corpus.entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        func link(_ path: GitPath) -> (text: String, url: String?) {
            let entry = byPath[path]
            return ([entry?.id, entry.map(displayTitle)].compactMap { $0 }.joined(separator: " · "), pages[path])
        }
        var services: [TemplateValue] = []
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
            var row: [String: TemplateValue] = [
                "name": .string(name), "incidents": .number(members.count),
                "repeats": .number(members.filter { repeating.contains($0.1.path) }.count),
                "rate": .string(items.isEmpty ? "–" : "\(done * 100 / items.count)% (\(done) of \(items.count))"),
                "periods": .list(periods.sorted { $0.key < $1.key }.map { period, figures -> TemplateValue in
                    ["period": .string(period), "count": .number(figures.count), "repeated": .number(figures.repeats),
                     "repeat": .bool(figures.repeats > 0)]
                }),
            ]
            row["url"] = servicePages[name].map(TemplateValue.string)
            services.append(.object(row))
        }
        // One item per repeating postmortem, naming the most recent earlier ones it repeats (a large
        // memory has postmortems repeating hundreds of earlier ones: the page stays readable).
        let repeatList = recurrence.map { repeated -> TemplateValue in
            let later = link(repeated.entry.path)
            let earlier = repeated.recent.map { match -> TemplateValue in
                let target = link(match.earlier.path)
                var item: [String: TemplateValue] = ["text": .string(target.text), "shared": .string(match.shared.joined(separator: ", ")),
                                                     "open": .string(match.earlier.loop.openItems.joined(separator: "; "))]
                item["url"] = target.url.map(TemplateValue.string)
                return .object(item)
            }
            var item: [String: TemplateValue] = ["text": .string(later.text), "earlier": .list(earlier)]
            item["url"] = later.url.map(TemplateValue.string)
            if repeated.count > repeated.recent.count { item["more"] = .number(repeated.count - repeated.recent.count) }
            return .object(item)
        }
        var reviews: [TemplateValue] = []
        if let actionReport {
            for review in actionReport.reviews ?? [] where review.state == .overdue {
                var item: [String: TemplateValue] = ["text": .string(review.title.map { "\(review.entry) · \($0)" } ?? review.entry),
                                                     "due": .string(review.due)]
                item["owner"] = review.owner.map(TemplateValue.string)
                item["url"] = pages[GitPath(review.path)].map(TemplateValue.string)
                reviews.append(.object(item))
            }
        }
        return view(["incidentCount": .number(incidents.count), "repeatCount": .number(repeating.count), "reviewCount": .number(reviews.count),
                     "services": .list(services), "repeatList": .list(repeatList), "reviews": .list(reviews), "calendar": .bool(today != nil)])
    }
}
