import Foundation
import Git

extension Recall {
    /// `lore recall --org`: this result with other teams' entries added, ranked with this
    /// repository's by the same rules. A synced source's entry is recalled when one of its
    /// `affects` globs matches a changed path (reason `affects GLOB`), or when it names a service of
    /// the change (reason `service NAME`): the change's services are the `services` of this
    /// repository's entries recalled for it, as `corpus` (this repository's snapshot) has them. Other repositories' ids and paths are qualified (`payments:PM-0001`).
    /// With `includesLocal` false (`--source` without `.`), only other teams' entries are kept.
    public func includingOrganization(_ view: OrganizationView, corpus: Corpus) -> Recall {
        guard !changedPaths.isEmpty else { return self }
        let byPath = Dictionary(corpus.entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var services: [String: String] = [:]   // lower-cased → as first written
        for entry in entries {
            for service in byPath[entry.path]?.frontMatter.list("services") ?? [] where services[service.lowercased()] == nil {
                services[service.lowercased()] = service
            }
        }
        let changed = FileIndex(changedPaths)
        var found: [RecalledEntry] = []
        for source in view.sources {
            for entry in source.entries {
                var reasons: [RecallReason] = []
                var globs = Set<String>()
                for glob in entry.frontMatter.list("affects") where globs.insert(glob).inserted {
                    let matched = changed.matches(Glob(glob))
                    if !matched.isEmpty { reasons.append(RecallReason(kind: .affects, via: glob, paths: matched)) }
                }
                var named = Set<String>()
                for service in entry.frontMatter.list("services") {
                    if let shared = services[service.lowercased()], named.insert(shared).inserted {
                        reasons.append(RecallReason(kind: .service, via: shared, paths: []))
                    }
                }
                guard !reasons.isEmpty else { continue }
                found.append(RecalledEntry(path: entry.path, kind: entry.kind, id: entry.id, title: entry.title,
                                           severity: entry.frontMatter.text("severity"), date: entry.date, status: entry.status,
                                           reasons: reasons.sorted { ($0.kind.order, $0.via) < ($1.kind.order, $1.via) }))
            }
        }
        var result = Recall(changedPaths: changedPaths, entries: Self.ranked((view.includesLocal ? entries : []) + found), notes: notes)
        result.similar = similar
        return result
    }
}

extension RecallReason.Kind {
    /// Where reasons of this kind come among an entry's reasons.
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
