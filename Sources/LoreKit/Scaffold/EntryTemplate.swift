import Git

/// A field value `lore new` writes into front-matter.
public enum FieldValue: Sendable, Hashable {
    /// A single value.
    case scalar(String)
    /// A list of values.
    case list([String])

    /// The value as YAML that reads back as exactly this value.
    var yaml: String {
        switch self {
        case .scalar(let text): return YAMLEmitter.scalar(text)
        case .list(let items): return YAMLEmitter.flowSequence(items)
        }
    }

    /// The value as body text: one line, list items joined by commas, control characters (line
    /// breaks, NUL …) made spaces.
    var bodyText: String {
        let text: String
        switch self {
        case .scalar(let value): text = value
        case .list(let items): text = items.joined(separator: ", ")
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let control = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            out.append(control && scalar != "\t" ? " " : scalar)
        }
        return String(out)
    }
}

/// A kind's Mustache template: `.lore/templates/NAME.md` of the working tree, else the built-in one.
///
/// The front-matter and the body are rendered apart: in the front-matter every variable is
/// already a YAML scalar (or flow list) that reads back exactly, in the body it is plain text.
/// Neither is HTML-escaped, whether written `{{x}}` or `{{{x}}}`.
public struct EntryTemplate: Sendable {
    /// Where the template came from: `.lore/templates/postmortem.md` or `built-in template 'postmortem'`.
    public let origin: String
    /// The template's text.
    public let text: String

    /// The template named `name` for a snapshot: the repository's own, else the built-in one.
    public static func load(named name: String, from snapshot: Snapshot) throws(EditError) -> EntryTemplate {
        let path = GitPath(".lore/templates/\(name).md")
        let contents: FileContents?
        do { contents = try snapshot.contents(at: path, limit: 1 << 20) } catch { throw .repository(.repository(error)) }
        switch contents {
        case .bytes(let bytes)?:
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .usage("\(path) is not valid UTF-8") }
            return EntryTemplate(origin: path.description, text: text.replacingOccurrences(of: "\r\n", with: "\n"))
        case .tooLarge?:
            throw .usage("\(path) is larger than 1 MiB")
        case nil:
            guard let text = BuiltInTemplates.text(for: name) else {
                throw .usage("no template '\(name)': add .lore/templates/\(name).md (lore init --templates writes the built-in ones)")
            }
            return EntryTemplate(origin: "built-in template '\(name)'", text: text)
        }
    }

    /// Renders the template: `yaml` values in the front-matter, `plain` values in the body.
    func render(_ values: [String: FieldValue]) throws(EditError) -> (frontMatter: String, body: String) {
        guard let split = EntryParser.split(text), split.closingLine != nil else {
            throw .usage("\(origin) does not start with front-matter between '---' lines")
        }
        let frontMatter = try render(split.yaml, values.mapValues(\.yaml), part: "front-matter", firstLine: 2)
        let body = try render(split.body, values.mapValues(\.bodyText), part: "body", firstLine: (split.closingLine ?? 0) + 1)
        return (frontMatter, body)
    }

    /// Renders one part of the template; an error names the file's line (`firstLine` is the
    /// part's first line in the file) and column.
    private func render(_ part: String, _ context: [String: String], part name: String, firstLine: Int) throws(EditError) -> String {
        do throws(TemplateError) {
            // No HTML escaping: the values are escaped for their place already.
            let template = try Template(part)
            return template.render(.object(context.mapValues(TemplateValue.string)), escaping: false)
        } catch {
            throw .usage("\(origin):\(error.line + firstLine - 1):\(error.column): invalid Mustache in the \(name): \(error.message)")
        }
    }
}
