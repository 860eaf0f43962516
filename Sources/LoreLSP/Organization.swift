import Foundation
import Git
import LoreKit

/// Qualified ids (`payments:PM-0001`): the other repositories' entries, from the last synced state
/// of each source (`lore sources sync`). A source never synced, or whose state is damaged, gives
/// no answer, never an error.
extension Features {
    /// The qualified id at a position (`payments:PM-0001`, the cursor on either part) naming a
    /// configured source, with its range.
    func qualifiedAt(_ document: Document, _ position: LSPPosition) -> (id: String, range: LSPRange)? {
        guard !workspace.configuration.sources.isEmpty, let word = word(in: document, at: position) else { return nil }
        let line = document.lines.line(position.line)
        let before = String(line.unicodeScalars.prefix(characterIndex(word.range.start.character, in: line)))
        let after = String(line.unicodeScalars.dropFirst(characterIndex(word.range.end.character, in: line)))
        var text = word.text, start = word.range.start, end = word.range.end
        if before.hasSuffix(":"), let match = before.dropLast().firstMatch(of: #/([a-z][a-z0-9_-]*)$/#) {
            text = String(match.output.1) + ":" + text
            start.character -= TextLines.width(String(match.output.1) + ":", encoding)
        } else if after.hasPrefix(":"), let match = after.dropFirst().firstMatch(of: #/^[A-Za-z0-9_-]*[A-Za-z0-9_]/#) {
            text += ":" + String(match.output)
            end.character += TextLines.width(":" + String(match.output), encoding)
        }
        guard let qualified = SourceSpec.qualified(text), workspace.configuration.sources.contains(where: { $0.name == qualified.source }) else {
            return nil
        }
        return (text, LSPRange(start: start, end: end))
    }

    /// The number of scalars of `line` before `character` (in the session's position encoding).
    private func characterIndex(_ character: Int, in line: String) -> Int {
        var count = 0, width = 0
        for scalar in line.unicodeScalars {
            if width >= character { break }
            width += encoding.width(scalar)
            count += 1
        }
        return count
    }

    /// A synced entry in a few lines: id, title, kind, status, date, the source and how old its
    /// synced state is, the path in the source, the summary.
    func sourceHoverText(_ source: SourceMemory, _ entry: Entry) -> String {
        let id = entry.id ?? entry.path.description
        var text = "**\(Escaping.markdown(id))** \(Escaping.markdown(entry.title ?? "(untitled)"))\n\n"
        text += [entry.kind, entry.status, entry.date].compactMap { $0 }.map { Escaping.markdown($0) }.joined(separator: " · ")
        text += "  \nfrom source **\(Escaping.markdown(source.name))**, synced \(workspace.age(of: source)) ago  \n`\(entry.path)`"
        if !entry.summary.isEmpty { text += "\n\n" + Escaping.markdown(entry.summary) }
        return text
    }

    /// Hover on a qualified id: the other repository's entry.
    func sourceHover(_ document: Document, _ position: LSPPosition) -> JSONObject? {
        guard let (id, range) = qualifiedAt(document, position), let (source, entry) = workspace.sourceEntries[id] else { return nil }
        return ["contents": ["kind": "markdown", "value": sourceHoverText(source, entry)] as JSONObject, "range": range.json]
    }

    /// Go to a qualified id: the entry file of a git source, copied read-only from its mirror into
    /// the cache; an `index.json` source has no file (no location).
    func sourceDefinition(_ document: Document, _ position: LSPPosition) -> JSONObject? {
        guard let (id, _) = qualifiedAt(document, position), let (source, entry) = workspace.sourceEntries[id] else { return nil }
        let store = SourceStore(repository: workspace.memory.repository)
        guard let file = store.entryFile(entry, of: source, limit: workspace.configuration.maxFileSize),
              let data = FileManager.default.contents(atPath: file) else { return nil }
        let bytes = [UInt8](data)
        let lines = TextLines(bytes: bytes)
        let parsed = EntryParser.parse(path: entry.path, kind: entry.kind, bytes: bytes).entry
        let range = parsed?.frontMatter["id"].map { lines.wordRange(at: $0.position, encoding) }
            ?? LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0))
        return ["uri": FileURI.uri(file), "range": range.json]
    }

    /// Completion of a qualified id being typed (`payments:PM-0`): the source's ids with titles;
    /// `nil` when `partial` names no configured source.
    func sourceIDItems(_ partial: String, range: LSPRange) -> [JSONObject]? {
        guard let colon = partial.firstIndex(of: ":") else { return nil }
        let name = String(partial[..<colon])
        guard workspace.configuration.sources.contains(where: { $0.name == name }) else { return nil }
        let entries = workspace.sourceEntriesByID[name] ?? []
        let needle = partial.lowercased()
        let rest = String(partial[partial.index(after: colon)...]).lowercased()
        var items: [JSONObject] = []
        for entry in entries {
            guard let id = entry.id else { continue }
            guard id.lowercased().hasPrefix(needle) || (!rest.isEmpty && (entry.title ?? "").lowercased().contains(rest)) else { continue }
            var detail = entry.title ?? "(untitled)"
            if let status = entry.status { detail += " — \(status)" }
            if items.count > Self.idLimit { break }
            items.append(["label": id, "kind": 18, "detail": detail, "filterText": "\(id) \(entry.title ?? "")", "sortText": id,
                          "data": ["id": id], "textEdit": ["range": range.json, "newText": id] as JSONObject])
        }
        return items
    }

    /// The configured sources whose name starts with `partial`, offered as `NAME:`.
    func sourceNameItems(_ partial: String, range: LSPRange) -> [JSONObject] {
        let needle = partial.lowercased()
        return workspace.configuration.sources.map(\.name).sorted().filter { needle.isEmpty || $0.hasPrefix(needle) }.map { name in
            let synced = workspace.organization?.sources.first { $0.name == name }
            let detail = synced.map { "source: \($0.entries.count) entr\($0.entries.count == 1 ? "y" : "ies"), synced \(workspace.age(of: $0)) ago" }
                ?? "source: never synced (lore sources sync)"
            return ["label": name + ":", "kind": 9, "detail": detail, "sortText": "~" + name,
                    "textEdit": ["range": range.json, "newText": name + ":"] as JSONObject]
        }
    }
}
