import Foundation
import Git
import LoreKit

extension Features {
    /// The most ids offered at once; the list is marked incomplete beyond it, so the client asks
    /// again as the user types.
    static let idLimit = 200

    func completion(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params) else { return [JSONObject]() }
        let position = try position(params)
        let (before, _) = document.lines.split(at: position, encoding)
        func range(replacing partial: some StringProtocol) -> LSPRange {
            LSPRange(start: LSPPosition(line: position.line, character: position.character - TextLines.width(partial, encoding)), end: position)
        }
        let ownID = document.path.flatMap { workspace.entry(at: $0)?.id }
        // `[[` in any document of the repository.
        if let open = before.range(of: "[[", options: .backwards) {
            let partial = before[open.upperBound...]
            if !partial.contains("]"), !partial.contains("|") {
                return idItems(String(partial), range: range(replacing: partial), excluding: ownID, sources: true)
            }
        }
        // A `Lore:` trailer (a commit message, or any text naming entries that way).
        if let match = before.wholeMatch(of: #/\s*Lore:\s*(?:[^,\s]+\s*,\s*)*([^,\s]*)/#) {
            return idItems(String(match.output.1), range: range(replacing: match.output.1), excluding: nil)
        }
        guard let path = document.path, let kind = workspace.entryKind(path) else { return [JSONObject]() }
        let lines = document.lines
        let closing = (1..<max(lines.lineCount, 1)).first { lines.line($0).hasPrefix("---") || lines.line($0).hasPrefix("...") }
        if lines.line(0).hasPrefix("---"), position.line > 0, position.line < (closing ?? lines.lineCount) {
            return frontMatterItems(document, kind: kind, position: position, before: before, closing: closing ?? lines.lineCount,
                                    range: range, ownID: ownID)
        }
        // A heading in the body: the template's sections the entry lacks.
        if before.wholeMatch(of: #/#{1,2}(\s.*)?/#) != nil {
            let present = Set((workspace.entry(at: path)?.sections ?? []).map { $0.text.lowercased() })
            let optional = Set(kind.optionalSections.map { $0.lowercased() })
            let whole = LSPRange(start: LSPPosition(line: position.line, character: 0), end: position)
            return (workspace.check.context.templates[kind.name]?.sections ?? []).filter {
                !present.contains($0.title.lowercased()) && !optional.contains($0.title.lowercased())
            }.map { section -> JSONObject in
                ["label": section.title, "kind": 9, "detail": "section the \(kind.name) template requires",
                 "filterText": "## \(section.title)", "textEdit": ["range": whole.json, "newText": "## \(section.title)"] as JSONObject]
            }
        }
        return [JSONObject]()
    }

    /// `completionItem/resolve`: an id's item gets the entry's hover text as its documentation.
    func resolveCompletion(_ params: JSONObject) throws(ResponseError) -> Any? {
        var item = params
        if let id = params.object("data")?.string("id"), let entry = workspace.entry(id: id) {
            item["documentation"] = ["kind": "markdown", "value": hoverText(entry)] as JSONObject
        } else if let id = params.object("data")?.string("id"), let (source, entry) = workspace.sourceEntries[id] {
            item["documentation"] = ["kind": "markdown", "value": sourceHoverText(source, entry)] as JSONObject
        }
        return item
    }

    /// Entries whose id starts with `partial` (or whose title contains it), with title and status.
    /// With `sources`, a qualified `partial` (`payments:PM-0`) offers that source's ids, and the
    /// configured sources' names are offered too (`payments:`).
    func idItems(_ partial: String, range: LSPRange, excluding own: String?, sources: Bool = false) -> JSONObject {
        if sources, let items = sourceIDItems(partial, range: range) {
            return ["isIncomplete": items.count > Self.idLimit, "items": Array(items.prefix(Self.idLimit))]
        }
        let needle = partial.lowercased()
        var items: [JSONObject] = []
        var incomplete = false
        for entry in workspace.entriesByID {
            guard let id = entry.id, id != own else { continue }
            guard needle.isEmpty || id.lowercased().hasPrefix(needle) || (entry.title ?? "").lowercased().contains(needle) else { continue }
            if items.count == Self.idLimit { incomplete = true; break }
            var detail = entry.title ?? "(untitled)"
            if let status = entry.status { detail += " — \(status)" }
            // The documentation (the hover text) comes with completionItem/resolve, for the item shown.
            items.append(["label": id, "kind": 18, "detail": detail, "filterText": "\(id) \(entry.title ?? "")", "sortText": id,
                          "data": ["id": id], "textEdit": ["range": range.json, "newText": id] as JSONObject])
        }
        if sources { items += sourceNameItems(partial, range: range) }
        return ["isIncomplete": incomplete, "items": items]
    }

    /// Field names where a key is typed, allowed values where a value is.
    private func frontMatterItems(_ document: Document, kind: Kind, position: LSPPosition, before: String, closing: Int,
                                  range: (Substring) -> LSPRange, ownID: String?) -> Any {
        let lines = document.lines
        // A key at the start of a line.
        if let match = before.wholeMatch(of: #/([A-Za-z0-9_]*)/#) {
            var present = Set<String>()
            for line in 1..<closing {
                if let key = lines.line(line).firstMatch(of: #/^([A-Za-z0-9_-]+):/#) { present.insert(String(key.output.1)) }
            }
            return kind.fields.filter { !present.contains($0.name) }.map { spec -> JSONObject in
                ["label": spec.name, "kind": 5, "detail": "\(spec.type)\(spec.required ? ", required" : "")",
                 "textEdit": ["range": range(match.output.1[...]).json, "newText": "\(spec.name): "] as JSONObject]
            }
        }
        // A value: `key: …`, a block list item under `key:`, or a field of an object in a list.
        var key: String?
        var nestedKey: String?
        var value = Substring("")
        if let match = before.wholeMatch(of: #/([A-Za-z0-9_-]+):\s*(.*)/#) {
            key = String(match.output.1)
            value = match.output.2
        } else if let match = before.wholeMatch(of: #/\s+(?:-\s+)?([A-Za-z0-9_-]+):\s*(.*)/#) {
            nestedKey = String(match.output.1)
            value = match.output.2
        } else if let match = before.wholeMatch(of: #/\s*-\s*(.*)/#) {
            value = match.output.1
        } else {
            return [JSONObject]()
        }
        if key == nil {
            // The field this line belongs to: the nearest line above that starts with a key.
            var line = position.line - 1
            while line > 0 {
                if let found = lines.line(line).firstMatch(of: #/^([A-Za-z0-9_-]+):/#) { key = String(found.output.1); break }
                line -= 1
            }
        }
        guard let key else { return [JSONObject]() }
        var spec = kind.field(key)
        if let nestedKey {
            guard case .objects(let fields)? = spec?.type else { return [JSONObject]() }
            spec = fields.first { $0.name == nestedKey }
        }
        // The item being typed: after the last `[`, `,` or quote.
        var partial = value
        if let cut = partial.lastIndex(where: { $0 == "[" || $0 == "," || $0 == "\"" || $0 == "'" }) { partial = partial[partial.index(after: cut)...] }
        partial = partial.drop { $0 == " " }
        let replace = range(partial)
        let values: [String]
        switch spec?.type {
        case .ids?:
            return idItems(String(partial), range: replace, excluding: ownID, sources: true)
        case .enumeration(let allowed)?:
            values = allowed
        case .bool?:
            values = ["true", "false"]
        case .date?:
            values = [workspace.today ?? LocalDate.today()]
        default:
            values = nestedKey == nil && key == "kind" ? workspace.configuration.kinds.map(\.name) : []
        }
        return values.map { value -> JSONObject in
            ["label": value, "kind": 12, "detail": "allowed value of \(nestedKey ?? key)",
             "textEdit": ["range": replace.json, "newText": value] as JSONObject]
        }
    }
}
