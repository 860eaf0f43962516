import Foundation
import Git
import LoreKit

extension Features {
    /// Quick fixes for the findings in the range: add a missing required section from the
    /// template, fill a missing required field, replace a link to a superseded entry by its successor.
    func codeActions(_ params: JSONObject) throws(ResponseError) -> Any? {
        guard let document = try document(params), let path = document.path, let kind = workspace.entryKind(path),
              let entry = workspace.entry(at: path) else { return [JSONObject]() }
        guard let range = LSPRange(params["range"]) else { throw .invalidParams("range is missing or invalid") }
        let given = params.object("context")?["diagnostics"] as? [JSONObject] ?? []
        let lines = document.lines
        func touches(_ line: Int) -> Bool { range.start.line <= line - 1 && line - 1 <= range.end.line }
        func diagnostics(_ code: String) -> [JSONObject] { given.filter { $0.string("code") == code } }
        func action(_ title: String, _ edits: [JSONObject], code: String?) -> JSONObject {
            var action: JSONObject = ["title": title, "kind": "quickfix",
                                      "edit": ["changes": [document.uri: edits]] as JSONObject]
            if let code, !diagnostics(code).isEmpty { action["diagnostics"] = diagnostics(code) }
            return action
        }
        var actions: [JSONObject] = []
        let closingLine = entry.bodyLine - 1   // the closing `---`, 1-based
        // Missing required fields: reported on the opening `---`.
        if touches(1) || !diagnostics("missing-field").isEmpty {
            for spec in kind.fields where spec.required {
                let value = entry.frontMatter[spec.name]
                guard value == nil || value!.isNull || value!.scalar?.text.isBlank == true else { continue }
                let choices: [String]
                switch spec.type {
                case .enumeration(let allowed): choices = allowed
                case .date: choices = [workspace.today ?? LocalDate.today()]
                case .ids, .list, .globs, .commits: choices = ["[]"]
                default: choices = [spec.name == "title" ? "\"\"" : ""]
                }
                for choice in choices.prefix(10) {
                    let text = "\(spec.name): \(choice)".trimmingCharacters(in: .whitespaces)
                    let edit: JSONObject
                    if let existing = entry.frontMatter.field(spec.name) {
                        let line = existing.key.position.line - 1
                        edit = ["range": LSPRange(start: LSPPosition(line: line, character: 0),
                                                  end: LSPPosition(line: line, character: TextLines.width(lines.line(line), encoding))).json,
                                "newText": text]
                    } else {
                        let at = LSPPosition(line: closingLine - 1, character: 0)
                        edit = ["range": LSPRange(start: at, end: at).json, "newText": text + "\n"]
                    }
                    actions.append(action("Fill required field '\(text)'", [edit], code: "missing-field"))
                }
            }
        }
        // Missing required sections: reported on the closing `---`; added at the end of the file.
        if touches(closingLine) || !diagnostics("missing-section").isEmpty, let template = workspace.check.context.templates[kind.name] {
            let optional = Set(kind.optionalSections.map { $0.lowercased() })
            let present = Set(entry.sectionTexts.map { $0.title.lowercased() })
            let end = lines.endPosition(encoding)
            let lead = lines.bytes.last == 10 ? "\n" : lines.bytes.isEmpty ? "" : "\n\n"
            for section in template.sections where !optional.contains(section.title.lowercased()) && !present.contains(section.title.lowercased()) {
                let body = section.placeholder.isEmpty ? "" : section.placeholder + "\n"
                let edit: JSONObject = ["range": LSPRange(start: end, end: end).json, "newText": "\(lead)## \(section.title)\n\n\(body)"]
                actions.append(action("Add section '## \(section.title)'", [edit], code: "missing-section"))
            }
        }
        // Links to superseded entries: relations and `[[ID]]`.
        guard let summary = workspace.check.summary(at: path) else { return actions }
        let items = summary.relations.map(\.item) + summary.links.filter { $0.target == nil }.map(\.item)
        for item in items where touches(item.position.line) {
            guard let successor = workspace.successor(of: item.text), successor != entry.id else { continue }
            let lineText = lines.line(item.position.line - 1)
            let scalars = Array(lineText.unicodeScalars)
            let from = min(max(item.position.column - 1, 0), scalars.count)
            let rest = String(String.UnicodeScalarView(scalars[from...]))
            guard let found = rest.range(of: item.text) else { continue }
            let startCharacter = TextLines.width(String(String.UnicodeScalarView(scalars[..<from])) + rest[..<found.lowerBound], encoding)
            let editRange = LSPRange(start: LSPPosition(line: item.position.line - 1, character: startCharacter),
                                     end: LSPPosition(line: item.position.line - 1, character: startCharacter + TextLines.width(item.text, encoding)))
            var fix = action("Replace superseded \(item.text) by \(successor)", [["range": editRange.json, "newText": successor]], code: nil)
            fix["isPreferred"] = true
            actions.append(fix)
        }
        return actions
    }
}
