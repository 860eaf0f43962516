import Foundation
import Git
import LoreKit

/// The answers to requests, each from the same library code the command uses: the entries and
/// summaries of the live check, the link resolver, the templates, `Renumber`.
struct Features {
    let workspace: Workspace
    let encoding: PositionEncoding

    // MARK: Documents and tokens

    /// The document a request names: open, else read from disk when inside the repository;
    /// `nil` for a document outside the repository (every answer about it is empty).
    func document(_ params: JSONObject) throws(ResponseError) -> Document? {
        guard let uri = params.object("textDocument")?.string("uri") else { throw .invalidParams("textDocument.uri is missing") }
        if let open = workspace.document(uri) { return open.inRepository ? open : nil }
        let (path, inRepository) = workspace.locate(uri)
        guard inRepository, let file = FileURI.path(uri), let data = FileManager.default.contents(atPath: file) else { return nil }
        return Document(uri: uri, path: path, inRepository: true, version: 0, text: String(decoding: data, as: UTF8.self))
    }

    func position(_ params: JSONObject) throws(ResponseError) -> LSPPosition {
        guard let position = LSPPosition(params["position"]) else { throw .invalidParams("position is missing or invalid") }
        return position
    }

    /// The word of id characters (letters, digits, `-`, `_`) at a position, with its range.
    func word(in document: Document, at position: LSPPosition) -> (text: String, range: LSPRange)? {
        guard position.line < document.lines.lineCount else { return nil }
        let scalars = Array(document.lines.line(position.line).unicodeScalars)
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
        }
        // The scalar index of the position.
        var index = 0, character = 0
        while index < scalars.count, character + encoding.width(scalars[index]) <= position.character {
            character += encoding.width(scalars[index])
            index += 1
        }
        var start = index, end = index
        while start > 0, isWord(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWord(scalars[end]) { end += 1 }
        guard start < end else { return nil }
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var low = start
        // `[[PM-0001]]`: trim dashes a word cannot start or end with.
        while text.hasPrefix("-") { text.removeFirst(); low += 1 }
        while text.hasSuffix("-") { text.removeLast() }
        guard !text.isEmpty else { return nil }
        let startCharacter = scalars[0..<low].reduce(0) { $0 + encoding.width($1) }
        return (text, LSPRange(start: LSPPosition(line: position.line, character: startCharacter),
                               end: LSPPosition(line: position.line, character: startCharacter + TextLines.width(text, encoding))))
    }

    /// The entry an id at a position names.
    func entryAt(_ document: Document, _ position: LSPPosition) -> (entry: Entry, range: LSPRange)? {
        guard let word = word(in: document, at: position), let entry = workspace.entry(id: word.text) else { return nil }
        return (entry, word.range)
    }

    /// Where an entry's id is written (its first line when it has none).
    func location(of entry: Entry) -> JSONObject {
        let lines = workspace.lines(of: entry.path) ?? TextLines("")
        let range = entry.frontMatter["id"].map { lines.wordRange(at: $0.position, encoding) }
            ?? LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0))
        return ["uri": workspace.uri(of: entry.path), "range": range.json]
    }

    // MARK: Hover

    func hover(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params) else { return nil }
        let position = try position(params)
        if qualifiedAt(document, position) != nil { return sourceHover(document, position) }
        guard let (entry, range) = entryAt(document, position) else { return nil }
        return ["contents": ["kind": "markdown", "value": hoverText(entry)], "range": range.json] as JSONObject
    }

    /// An entry in a few lines: id, title, kind, status, date, summary, and whether it is superseded.
    func hoverText(_ entry: Entry) -> String {
        let id = entry.id ?? entry.path.description
        var text = "**\(Escaping.markdown(id))** \(Escaping.markdown(entry.title ?? "(untitled)"))\n\n"
        text += [entry.kind, entry.status, entry.date].compactMap { $0 }.map { Escaping.markdown($0) }.joined(separator: " · ")
        text += "  \n`\(entry.path)`"
        if !entry.summary.isEmpty { text += "\n\n" + Escaping.markdown(entry.summary) }
        if let successor = workspace.successor(of: id) {
            let title = workspace.entry(id: successor)?.title.map { " \(Escaping.markdown($0))" } ?? ""
            text += "\n\n⚠️ superseded by **\(Escaping.markdown(successor))**\(title)"
        } else if entry.status == "superseded" {
            text += "\n\n⚠️ superseded"
        }
        return text
    }

    // MARK: Definition and references

    func definition(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params) else { return nil }
        let position = try position(params)
        if qualifiedAt(document, position) != nil { return sourceDefinition(document, position) }
        guard let (entry, _) = entryAt(document, position) else { return nil }
        return location(of: entry)
    }

    func references(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params) else { return [JSONObject]() }
        var target = entryAt(document, try position(params))?.entry
        if target == nil, let path = document.path { target = workspace.entry(at: path) }
        guard let target else { return [JSONObject]() }
        var out: [JSONObject] = []
        if params.object("context")?.bool("includeDeclaration") == true { out.append(location(of: target)) }
        let resolver = workspace.resolver()
        var texts: [GitPath: TextLines] = [:]
        for summary in workspace.check.summaries {
            for link in resolver.links(of: summary) where link.targetEntry == target.path {
                if texts[summary.path] == nil { texts[summary.path] = workspace.lines(of: summary.path) ?? TextLines("") }
                out.append(["uri": workspace.uri(of: summary.path), "range": texts[summary.path]!.wordRange(at: link.position, encoding).json])
            }
        }
        if let id = target.id {
            for trailer in workspace.trailers() where trailer.id == id {
                let start = LSPPosition(line: trailer.position.line - 1, character: trailer.position.column - 1)
                out.append(["uri": "lore-commit:\(trailer.commit)",
                            "range": LSPRange(start: start, end: LSPPosition(line: start.line, character: start.character + id.utf16.count)).json])
            }
        }
        return out
    }

    // MARK: Symbols

    func documentSymbols(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params), let path = document.path, let entry = workspace.entry(at: path) else { return [JSONObject]() }
        var symbols: [(line: Int, symbol: JSONObject)] = []
        for heading in entry.headings {
            let range = document.lines.wordRange(at: SourcePosition(line: heading.line, column: 1), encoding)
            let full = LSPRange(start: range.start, end: LSPPosition(line: range.start.line, character: TextLines.width(document.lines.line(range.start.line), encoding)))
            symbols.append((heading.line, ["name": heading.text.isEmpty ? "(empty heading)" : heading.text, "detail": String(repeating: "#", count: heading.level),
                                           "kind": 15, "range": full.json, "selectionRange": full.json]))
        }
        for item in ActionItems.items(of: entry) {
            let range = document.lines.wordRange(at: item.position, encoding)
            let detail = ["action item", item.owner, item.due.map { "due \($0)" }, item.status].compactMap { $0 }.joined(separator: " · ")
            symbols.append((item.position.line, ["name": item.title, "detail": detail, "kind": 24, "range": range.json, "selectionRange": range.json]))
        }
        return symbols.sorted { $0.line < $1.line }.map(\.symbol)
    }

    func workspaceSymbols(_ params: JSONObject) throws(ResponseError) -> Any? {
        let query = (params.string("query") ?? "").lowercased()
        var out: [JSONObject] = []
        for entry in workspace.entries {
            guard let id = entry.id else { continue }
            let name = "\(id) \(entry.title ?? "")"
            guard query.isEmpty || name.lowercased().contains(query) else { continue }
            // Positions without reading every file: the id is ASCII after `id: `.
            let position = entry.frontMatter["id"]?.position ?? .start
            let start = LSPPosition(line: position.line - 1, character: position.column - 1)
            let range = LSPRange(start: start, end: LSPPosition(line: start.line, character: start.character + TextLines.width(id, encoding)))
            out.append(["name": name, "kind": 1, "containerName": entry.kind,
                        "location": ["uri": workspace.uri(of: entry.path), "range": range.json] as JSONObject])
            if out.count == 1000 { break }
        }
        return out
    }

    // MARK: Rename

    func prepareRename(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params), let (entry, range) = entryAt(document, try position(params)), let id = entry.id else { return nil }
        return ["range": range.json, "placeholder": id] as JSONObject
    }

    func rename(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params) else { return nil }
        guard let newName = params.string("newName") else { throw .invalidParams("newName is missing") }
        guard let (entry, _) = entryAt(document, try position(params)), let id = entry.id else {
            throw .failed("there is no entry id here to rename")
        }
        var overlay: [GitPath: [UInt8]] = [:]
        for open in workspace.documents.values {
            if let path = open.path, workspace.entryKind(path) != nil { overlay[path] = open.lines.bytes }
        }
        let plan: RenumberPlan
        do {
            plan = try Renumber.plan(workspace.memory, target: id, newID: newName, overlay: overlay)
        } catch {
            throw .failed(error.description.hasPrefix("error: ") ? String(error.description.dropFirst(7)) : error.description)
        }
        var changes: JSONObject = [:]
        for change in plan.changes {
            let lines = TextLines(bytes: change.original)
            changes[workspace.uri(of: change.path)] = change.edits.sorted { $0.range.lowerBound < $1.range.lowerBound }.map { edit -> JSONObject in
                ["range": LSPRange(start: lines.position(offset: edit.range.lowerBound, encoding),
                                   end: lines.position(offset: edit.range.upperBound, encoding)).json,
                 "newText": String(decoding: edit.replacement, as: UTF8.self)]
            }
        }
        return ["changes": changes] as JSONObject
    }
}
