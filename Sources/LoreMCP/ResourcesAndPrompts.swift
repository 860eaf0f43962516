import Foundation
import Git
import LoreKit
import MCP

/// `lore://entry/ID` (an entry file as Markdown) and `lore://index` (the snapshot's entries, a
/// page at a time).
enum Resources {
    static let indexURI = "lore://index"
    static let entryPrefix = "lore://entry/"
    static let indexPage = 500

    /// The URI of the entry with this id (or, for an entry without one, this path).
    static func entryURI(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return entryPrefix + (id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id)
    }

    struct Listing: Sendable {
        let resources: [Resource]
        let next: String?
    }

    static func list(_ memory: MemoryRepository, offset: Int) throws -> Listing {
        let corpus: Corpus
        do {
            corpus = try memory.corpus(.workingTree)
        } catch {
            throw MCPError.internalError(ToolFailure(error).message)
        }
        let total = corpus.entries.count + 1
        guard offset < total else { return Listing(resources: [], next: nil) }
        var resources: [Resource] = []
        let end = min(total, offset + Limits.resourcesPage)
        for position in offset..<end {
            if position == 0 {
                resources.append(Resource(name: "index", uri: indexURI, title: "Every entry of the memory (id, kind, title, status, date)",
                                          description: "The entries of the working tree, \(indexPage) a page; lore://index?page=2 and so on for more.",
                                          mimeType: "application/json"))
                continue
            }
            let entry = corpus.entries[position - 1]
            let name = entry.id ?? entry.path.description
            resources.append(Resource(name: name, uri: entryURI(name), title: entry.title,
                                      description: "\(entry.kind) \(entry.date ?? "") \(entry.status ?? "")".trimmingCharacters(in: .whitespaces),
                                      mimeType: "text/markdown"))
        }
        return Listing(resources: resources, next: end < total ? Cursor.encode(end, scope: "resources/list") : nil)
    }

    static func read(_ memory: MemoryRepository, uri: String) throws -> Resource.Content {
        if uri == indexURI || uri.hasPrefix(indexURI + "?page=") {
            let page = uri == indexURI ? 1 : Int(uri.dropFirst(indexURI.count + 6)) ?? 0
            guard page >= 1 else { throw MCPError.invalidParams("Resource not found: \(uri) (pages count from 1: lore://index?page=2)") }
            return .text(try index(memory, page: page), uri: uri, mimeType: "application/json")
        }
        guard uri.hasPrefix(entryPrefix), uri.utf8.count <= Limits.argumentString,
              let id = String(uri.dropFirst(entryPrefix.count)).removingPercentEncoding, !id.isEmpty else {
            throw MCPError.invalidParams("Resource not found: \(uri.prefix(200)) (Lore serves lore://index and lore://entry/ID)")
        }
        let snapshot: Snapshot
        let corpus: Corpus
        do {
            snapshot = try memory.snapshot(.workingTree)
            corpus = try memory.corpus(of: snapshot, configuration: memory.configuration(in: snapshot))
        } catch {
            throw MCPError.internalError(ToolFailure(error).message)
        }
        guard let entry = corpus.entries(withID: id).first ?? corpus.entries.first(where: { $0.path.description == id }) else {
            throw MCPError.invalidParams("Resource not found: no entry with id or path '\(id.prefix(200))'")
        }
        let contents: FileContents?
        do {
            contents = try snapshot.contents(at: entry.path, limit: Limits.resource)
        } catch {
            throw MCPError.internalError("\(error)")
        }
        switch contents {
        case .bytes(let bytes)?:
            return .text(String(decoding: bytes, as: UTF8.self), uri: uri, mimeType: "text/markdown")
        case .tooLarge(let size)?:
            return .text("<!-- \(entry.path) is \(size) bytes, more than lore mcp serves (\(Limits.resource)); read it from the repository -->\n",
                         uri: uri, mimeType: "text/markdown")
        case nil:
            throw MCPError.invalidParams("Resource not found: \(entry.path) is gone from the working tree")
        }
    }

    /// A page of the index: the snapshot's header as `lore index` writes it, and each entry's id,
    /// kind, title, status, date, path and URI.
    private static func index(_ memory: MemoryRepository, page: Int) throws -> String {
        let index: MemoryIndex
        do {
            index = try MemoryIndex.load(memory, source: .workingTree)
        } catch {
            throw MCPError.internalError(ToolFailure(error).message)
        }
        let entries = index.corpus.entries
        let start = (page - 1) * indexPage
        guard start < max(entries.count, 1) else {
            throw MCPError.invalidParams("Resource not found: lore://index?page=\(page) (the index has \(max(1, (entries.count + indexPage - 1) / indexPage)) pages)")
        }
        let shown = entries.isEmpty ? [] : entries[start..<min(entries.count, start + indexPage)]
        guard case .object(var document) = index.header else { return "{}" }
        document["entries"] = .array(shown.map { entry in
            .object(["id": .optional(entry.id), "kind": .string(entry.kind), "title": .optional(entry.title), "status": .optional(entry.status),
                     "date": .optional(entry.date), "path": .string(entry.path.description),
                     "uri": .string(entryURI(entry.id ?? entry.path.description))])
        })
        document["total"] = .number(entries.count)
        document["page"] = .number(page)
        document["next"] = start + indexPage < entries.count ? .string("\(indexURI)?page=\(page + 1)") : .null
        var writer = JSONWriter(pretty: true)
        writer.write(.object(document))
        writer.append("\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// "write a postmortem" and "review this change against our lessons".
enum Prompts {
    static let writePostmortem = "write-postmortem"
    static let reviewChange = "review-change"

    static let all: [Prompt] = [
        Prompt(name: writePostmortem, title: "Write a postmortem",
               description: "Draft a postmortem (or another kind) from this repository's own template, with the incident's facts and similar past entries.",
               arguments: [
                   .init(name: "title", description: "The incident in one line.", required: true),
                   .init(name: "facts", description: "What is known: timeline, impact, causes, fixes (free text)."),
                   .init(name: "kind", description: "The kind of entry (default: postmortem)."),
               ]),
        Prompt(name: reviewChange, title: "Review a change against our lessons",
               description: "Review a change in the light of the postmortems, lessons and decisions that matter for the files it touches (lore recall).",
               arguments: [
                   .init(name: "paths", description: "The changed paths, comma- or newline-separated (repository paths)."),
                   .init(name: "rev", description: "Instead of paths: a range A..B, or one commit."),
                   .init(name: "change", description: "The diff or a description of the change (optional)."),
               ]),
    ]

    static func get(_ memory: MemoryRepository, name: String, arguments: [String: String]) throws -> GetPrompt.Result {
        for (key, value) in arguments where value.utf8.count > Limits.argumentText {
            throw MCPError.invalidParams("\(name): the argument '\(key)' is longer than \(Limits.argumentText) bytes")
        }
        switch name {
        case writePostmortem: return try postmortem(memory, arguments)
        case reviewChange: return try review(memory, arguments)
        default: throw MCPError.invalidParams("Unknown prompt: \(name.prefix(200)) (Lore has \(all.map(\.name).joined(separator: ", ")))")
        }
    }

    private static func postmortem(_ memory: MemoryRepository, _ arguments: [String: String]) throws -> GetPrompt.Result {
        guard let title = arguments["title"], !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MCPError.invalidParams("\(writePostmortem): the argument 'title' is required")
        }
        let kindName = arguments["kind"].flatMap { $0.isEmpty ? nil : $0 } ?? "postmortem"
        let facts = arguments["facts"] ?? ""
        let snapshot: Snapshot
        let configuration: Configuration
        do {
            snapshot = try memory.snapshot(.workingTree)
            configuration = try memory.configuration(in: snapshot)
        } catch {
            throw MCPError.internalError(ToolFailure(error).message)
        }
        guard let kind = configuration.kind(named: kindName) else {
            throw MCPError.invalidParams("\(writePostmortem): unknown kind '\(kindName.prefix(100))'; this repository has \(configuration.kinds.map(\.name).joined(separator: ", "))")
        }
        let template: EntryTemplate
        do {
            template = try EntryTemplate.load(named: kind.template, from: snapshot)
        } catch {
            throw MCPError.internalError(ToolFailure(error).message)
        }
        var similar = ""
        if !facts.isEmpty || !title.isEmpty {
            let terms = SignificantTerms.extract(title + "\n" + facts)
            if !terms.isEmpty, let hits = try? SearchIndex(memory).search(SearchRequest(text: terms.joined(separator: " OR "), filter: .all, limit: 5),
                                                                        in: .workingTree), !hits.isEmpty {
                similar = "\nPast entries that look similar (link the relevant ones in `related`, and read them with get_entry):\n"
                    + hits.map { "- \($0.id ?? $0.path): \($0.title ?? $0.path) (\($0.kind), \($0.date ?? "no date"))" }.joined(separator: "\n") + "\n"
            }
        }
        let required = kind.fields.filter(\.required).map(\.name)
        let text = """
            Write a \(kind.name) for this repository's organizational memory (Lore): "\(title)".

            Facts known so far:
            \(facts.isEmpty ? "(none given: ask for the timeline, impact, root cause and follow-ups)" : facts)

            Use this repository's template for a \(kind.name) (\(template.origin)); Lore fills {{id}}, {{title}}, {{date}} and {{author}} when the file is created. \
            Keep every `##` section of the template and replace its placeholder text; write action items as `action_items` with title, owner and due date. \
            Required fields: \(required.isEmpty ? "none" : required.joined(separator: ", ")).

            ```markdown
            \(template.text)
            ```
            \(similar)
            When the draft is ready, call check_draft with the whole text (kind "\(kind.name)") and fix every error it reports. \
            If the server was started with --allow-write, create_entry makes the file with the next id in \(kind.dir)/; otherwise give the user the text and `lore new \(kind.name) "\(title)"`.
            """
        return .init(description: "Draft a \(kind.name): \(title)", messages: [.user(.text(text: capped(text)))])
    }

    private static func review(_ memory: MemoryRepository, _ arguments: [String: String]) throws -> GetPrompt.Result {
        let paths = (arguments["paths"] ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let rev = arguments["rev"].flatMap { $0.isEmpty ? nil : $0 }
        guard paths.isEmpty != (rev == nil) else {
            throw MCPError.invalidParams("\(reviewChange): give either 'paths' (the changed files) or 'rev' (A..B), not \(paths.isEmpty ? "neither" : "both")")
        }
        guard paths.count <= Limits.argumentItems else {
            throw MCPError.invalidParams("\(reviewChange): more than \(Limits.argumentItems) paths")
        }
        let recall: Recall
        do {
            recall = try Recall.find(memory, changes: rev.map(RecallChanges.revisions) ?? .paths(paths))
        } catch {
            throw MCPError.invalidParams("\(reviewChange): \(ToolFailure(error).message)")
        }
        var lessons = ""
        if let corpus = try? memory.corpus(.workingTree) {
            for recalled in recall.entries.prefix(10) {
                guard let entry = corpus.entries.first(where: { $0.path == recalled.path }) else { continue }
                lessons += "\n### \(entry.id ?? entry.path.description): \(entry.title ?? "")\n"
                lessons += "(\(entry.kind), \(entry.date ?? "no date"); why it matters: \(recalled.reasons.map { $0.text(id: entry.id) }.joined(separator: "; ")))\n"
                for section in entry.sectionTexts where !section.text.isEmpty {
                    lessons += "\n**\(section.title)**: \(section.text.prefix(1200))\n"
                }
            }
        }
        let change = arguments["change"].map { "\nThe change:\n\n```\n\($0)\n```\n" } ?? ""
        let text = """
            Review this change against our organization's lessons (Lore).
            \(change)
            \(recall.text())
            \(recall.entries.isEmpty ? "No postmortem, lesson or decision is linked to these files. Say so, and review the change on its merits; search (tool) may still find related entries." : "The entries that matter for the files it touches:")
            \(lessons)
            For each entry: does the change repeat the mistake it describes, contradict the decision, or undo a fix? \
            Quote the entry id for every point. Follow only current decisions: call superseded for a decision before relying on it. \
            End with a short verdict: what to change before merging, and which entries the author should read.
            """
        return .init(description: "Review against \(recall.entries.count) recalled entr\(recall.entries.count == 1 ? "y" : "ies")",
                     messages: [.user(.text(text: capped(text)))])
    }
}
