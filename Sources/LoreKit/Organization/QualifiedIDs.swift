import Foundation
import Git

/// What `lore check` knows of qualified ids (`payments:PM-0001`): the ids of each synced source a
/// summary names, and a note for each link to a source never synced.
public struct QualifiedIDs: Sendable {
    /// The ids of each synced source named by some link (`nil` when no link names a source).
    public let sourceIDs: [String: Set<String>]?
    /// `path:line:col: payments:PM-0001 names source 'payments', which was never synced`.
    public let notes: [String]

    /// Reads the synced state of the sources the summaries' relations and `[[…]]` links name.
    public static func judge(_ summaries: [EntrySummary], memory: MemoryRepository, configuration: Configuration) -> QualifiedIDs {
        let configured = Set(configuration.sources.map(\.name))
        guard !configured.isEmpty else { return QualifiedIDs(sourceIDs: nil, notes: []) }
        var named: [(path: GitPath, item: EntrySummary.Item, source: String)] = []
        for summary in summaries {
            let items = summary.relations.map(\.item) + summary.links.filter { $0.target == nil }.map(\.item)
            for item in items {
                if let qualified = SourceSpec.qualified(item.text), configured.contains(qualified.source) {
                    named.append((summary.path, item, qualified.source))
                }
            }
        }
        guard !named.isEmpty else { return QualifiedIDs(sourceIDs: nil, notes: []) }
        let (ids, unreadable) = Self.ids(of: Set(named.map(\.source)), memory: memory)
        let notes = named.filter { unreadable.contains($0.source) }.map {
            "\($0.path):\($0.item.position.line):\($0.item.position.column): \($0.item.text) names source '\($0.source)', which was never synced (`lore sources sync`)"
        }
        return QualifiedIDs(sourceIDs: ids, notes: notes)
    }

    /// The ids (unqualified) the last synced state of each of the sources `names` holds, and the
    /// sources whose state cannot be read (never synced, or damaged).
    public static func ids(of names: Set<String>, memory: MemoryRepository) -> (ids: [String: Set<String>], unreadable: Set<String>) {
        let store = SourceStore(repository: memory.repository)
        var ids: [String: Set<String>] = [:]
        var unreadable: Set<String> = []
        for name in names.sorted() {
            guard let synced = store.read(name), let records = try? SourceMemory.records(of: synced.index) else {
                unreadable.insert(name)
                continue
            }
            ids[name] = Set(records.compactMap { record -> String? in
                if case .string(let id)? = record["id"] { return id } else { return nil }
            })
        }
        return (ids, unreadable)
    }
}
