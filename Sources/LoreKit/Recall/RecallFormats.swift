import Git

/// The ways `lore recall` prints a `Recall`: text for a terminal or a hook, JSON for tools, and
/// Markdown ready to post as a pull-request comment. Each is a pure function of the result, so the
/// same change always prints the same bytes.
extension Recall {
    private static func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }

    private var headline: String {
        let paths = Self.count(changedPaths.count, "changed path", "changed paths")
        if changedPaths.isEmpty { return "no changed paths: nothing to recall" }
        if entries.isEmpty { return "nothing recalled for \(paths)" }
        return "\(Self.count(entries.count, "entry", "entries")) recalled for \(paths)"
    }

    /// One block per entry: id, severity, date and title, the file, then one line per reason.
    public func text() -> String {
        var out = headline + "\n"
        for entry in entries {
            let e: (String) -> String = Escaping.terminal.callAsFunction
            let facts = [entry.id ?? "-", entry.severity, entry.date].compactMap { $0 }.map(e).joined(separator: "  ")
            out += "\n\(facts)  \(e(entry.title ?? entry.path.description))\n"
            out += "  \(e(entry.path.description))\n"
            for reason in entry.reasons { out += "  - \(e(reason.text(id: entry.id)))\n" }
            for hit in similar?[entry.path] ?? [] {
                out += "  similar: \(e(hit.id ?? hit.path))  \(e(hit.title ?? hit.path))  (\(e(hit.reasons.joined(separator: "; "))))\n"
            }
        }
        return out
    }

    /// The result as a JSON value (keys sorted when written).
    public func jsonValue() -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        let records: [JSONValue] = entries.map { entry in
            var record: [String: JSONValue] = [
                "path": .string(entry.path.description), "kind": .string(entry.kind), "id": optional(entry.id),
                "title": optional(entry.title), "severity": optional(entry.severity), "date": optional(entry.date),
                "status": optional(entry.status), "matches": .number(entry.reasons.count),
                "reasons": .array(entry.reasons.map { reason in
                    var fields: [String: JSONValue] = [
                        "kind": .string(reason.kind.rawValue), "text": .string(reason.text(id: entry.id)),
                        "paths": .array(reason.paths.map { .string($0.description) }),
                    ]
                    fields[reason.kind == .affects ? "glob" : reason.kind == .service ? "service" : "commit"] = .string(reason.via)
                    return .object(fields)
                }),
            ]
            if let similar {
                record["similar"] = .array((similar[entry.path] ?? []).map { hit in
                    .object(["path": .string(hit.path), "id": optional(hit.id), "title": optional(hit.title),
                             "reasons": .array(hit.reasons.map(JSONValue.string))])
                })
            }
            return .object(record)
        }
        return .object(["changed": .array(changedPaths.map { .string($0.description) }), "entries": .array(records),
                        "notes": .array(notes.map(JSONValue.string))])
    }

    /// Pretty JSON with sorted keys and a final newline.
    public func json() -> [UInt8] {
        var writer = JSONWriter(pretty: true)
        writer.write(jsonValue())
        writer.append("\n")
        return writer.bytes
    }

    /// GitHub-flavoured Markdown for a pull-request comment: a heading, then one list item per
    /// entry with its reasons. Titles are escaped; paths, globs and commit ids are code spans.
    public func markdown() -> String {
        var out = "### Lore recall: \(headline)\n"
        let noted = notes.isEmpty ? "" : "\n" + notes.map { "> note: \(Self.escape($0))\n" }.joined()
        guard !entries.isEmpty else { return out + noted }
        out += "\nThe code this change touches was involved in these entries; read them before merging.\n\n"
        for entry in entries {
            let facts = [entry.kind, entry.severity, entry.date].compactMap { $0 }.map(Self.escape).joined(separator: ", ")
            let name = [entry.id, entry.title].compactMap { $0 }.map(Self.escape).joined(separator: ": ")
            out += "- **\(name.isEmpty ? Self.escape(entry.path.description) : name)** (\(facts)) in \(Self.code(entry.path.description))\n"
            for reason in entry.reasons {
                let touched = reason.paths.map { Self.code($0.description) }.joined(separator: ", ")
                switch reason.kind {
                case .affects: out += "  - affects \(Self.code(reason.via))\n"
                case .commit: out += "  - fix commit \(Self.code(reason.shortVia)) touched \(touched)\n"
                case .trailer: out += "  - commit \(Self.code(reason.shortVia)) (`Lore: \(entry.id ?? "?")`) touched \(touched)\n"
                case .service: out += "  - service \(Self.code(reason.via)), as this repository's recalled entries\n"
                }
            }
            for hit in similar?[entry.path] ?? [] {
                let name = [hit.id, hit.title].compactMap { $0 }.map(Self.escape).joined(separator: ": ")
                out += "  - similar: \(name) (\(Self.escape(hit.reasons.joined(separator: "; "))))\n"
            }
        }
        return out + noted
    }

    /// Text with Markdown's punctuation escaped, so a title cannot turn into a link, HTML or emphasis.
    static func escape(_ text: String) -> String { Escaping.markdown(text) }

    /// A code span holding `text` exactly, whatever backticks it contains.
    static func code(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        var longest = 0, run = 0
        for character in flat { run = character == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }
}
