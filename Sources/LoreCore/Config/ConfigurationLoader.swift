import Foundation
import Git

/// A configuration that cannot be used, with the place that says why.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file.
    public let path: GitPath
    /// Where the problem is.
    public let position: SourcePosition
    /// What is wrong.
    public let message: String

    public var description: String { "\(path):\(position.line):\(position.column): error: \(message)" }
}

extension Configuration {
    /// Reads a configuration from the text of `.lore/config.yml` (or `path`, for messages).
    public static func parse(_ bytes: [UInt8], path: GitPath = Configuration.path) throws(ConfigurationError) -> Configuration {
        var reader = ConfigurationReader(path: path)
        var configuration = try reader.read(bytes)
        configuration.sourceDigest = FNV1a.hash(bytes) | 1
        return configuration
    }
}

private struct ConfigurationReader {
    let path: GitPath

    func fail(_ position: SourcePosition, _ message: String) -> ConfigurationError {
        ConfigurationError(path: path, position: position, message: message)
    }

    mutating func read(_ bytes: [UInt8]) throws(ConfigurationError) -> Configuration {
        let text: String
        do throws(SourceText.Problem) {
            text = try SourceText.decode(bytes)
        } catch {
            switch error {
            case .binary: throw fail(SourcePosition(line: 1, column: 1), "the configuration is not text")
            case .nul(let position): throw fail(position, "NUL byte in the configuration")
            case .invalidUTF8(let position): throw fail(position, "the configuration is not valid UTF-8")
            }
        }
        let root: YAMLValue?
        do {
            root = try YAMLReader.read(text)
        } catch {
            throw fail(error.position, error.message)
        }
        guard let root, !root.isNull else { return .builtIn.withFileFlag() }
        guard case .mapping(let pairs, _) = root else {
            throw fail(root.position, "the configuration must be a mapping (version, kinds, rules), not \(root.shapeName)")
        }
        var configuration = Configuration.builtIn
        configuration.isFromFile = true
        try checkKeys(pairs, allowed: ["version", "kinds", "rules", "draft_statuses", "max_file_size", "sources", "name"], in: "the configuration")
        if let version = pairs.first(where: { $0.key.text == "version" })?.value {
            guard version.scalar?.text == "1" else {
                throw fail(version.position, "unsupported configuration version '\(version.scalar?.text ?? version.shapeName)': this Lore reads version 1")
            }
        }
        if let kinds = pairs.first(where: { $0.key.text == "kinds" })?.value {
            configuration.kinds = try readKinds(kinds)
        }
        if let rules = pairs.first(where: { $0.key.text == "rules" })?.value, !rules.isNull {
            guard case .mapping(let rulePairs, _) = rules else { throw fail(rules.position, "'rules' must map rule ids to error, warning or off") }
            let known = RuleIdentifiers.known
            for pair in rulePairs {
                guard known.contains(pair.key.text) else {
                    throw fail(pair.key.position, "unknown rule '\(pair.key.text)'; `lore rules` lists them")
                }
                guard let severity = pair.value.scalar?.text, ["error", "warning", "off"].contains(severity) else {
                    throw fail(pair.value.position, "the severity of rule '\(pair.key.text)' must be error, warning or off")
                }
                configuration.ruleSeverities[pair.key.text] = severity
            }
        }
        if let drafts = pairs.first(where: { $0.key.text == "draft_statuses" })?.value {
            configuration.draftStatuses = Set(try stringList(drafts, "draft_statuses"))
        }
        if let size = pairs.first(where: { $0.key.text == "max_file_size" })?.value {
            configuration.maxFileSize = try readSize(size)
        }
        if let name = pairs.first(where: { $0.key.text == "name" })?.value {
            let text = try string(name, "name")
            guard SourceSpec.isName(text) else {
                throw fail(name.position, "'name' must be lowercase letters, digits, '-' and '_', starting with a letter")
            }
            configuration.name = text
        }
        if let sources = pairs.first(where: { $0.key.text == "sources" })?.value, !sources.isNull {
            configuration.sources = try readRepositorySources(sources, configuration: configuration)
        }
        return configuration
    }

    /// `sources: { payments: { git: ../payments, ref: main }, platform: { index: https://… } }`.
    func readRepositorySources(_ value: YAMLValue, configuration: Configuration) throws(ConfigurationError) -> [SourceSpec] {
        guard case .mapping(let pairs, _) = value else {
            throw fail(value.position, "'sources' must map short names to a git repository or an index.json, such as payments: { git: ../payments, ref: main }")
        }
        var sources: [SourceSpec] = []
        for pair in pairs {
            let name = pair.key.text
            if name == configuration.name {
                throw fail(pair.key.position, "source '\(name)' has this repository's own name ('name: \(name)')")
            }
            guard SourceSpec.isName(name) else {
                throw fail(pair.key.position, "source name '\(name)' must be lowercase letters, digits, '-' and '_', starting with a letter")
            }
            guard case .mapping(let settings, _) = pair.value else {
                throw fail(pair.value.position, "source '\(name)' must be a mapping: { git: PATH-OR-URL, ref: BRANCH } or { index: PATH-OR-URL }")
            }
            try checkKeys(settings, allowed: ["git", "ref", "index"], in: "source '\(name)'")
            func find(_ key: String) -> YAMLValue? { settings.first { $0.key.text == key }?.value }
            switch (find("git"), find("index")) {
            case (let git?, nil):
                let ref = try find("ref").map { (value: YAMLValue) throws(ConfigurationError) -> String in try string(value, "ref") } ?? "HEAD"
                sources.append(SourceSpec(name: name, location: .git(url: try string(git, "git"), ref: ref), position: pair.key.position))
            case (nil, let index?):
                if let ref = find("ref") { throw fail(ref.position, "'ref' belongs to a git source; source '\(name)' reads an index.json") }
                sources.append(SourceSpec(name: name, location: .index(try string(index, "index")), position: pair.key.position))
            case (.some, .some(let index)):
                throw fail(index.position, "source '\(name)' has both 'git' and 'index'; give one")
            case (nil, nil):
                throw fail(pair.key.position, "source '\(name)' needs 'git' (a repository) or 'index' (a published index.json)")
            }
        }
        return sources
    }

    func checkKeys(_ pairs: [YAMLPair], allowed: [String], in place: String) throws(ConfigurationError) {
        for pair in pairs where !allowed.contains(pair.key.text) {
            throw fail(pair.key.position, "unknown key '\(pair.key.text)' in \(place); expected one of \(allowed.joined(separator: ", "))")
        }
    }

    func readSize(_ value: YAMLValue) throws(ConfigurationError) -> Int {
        guard let text = value.scalar?.text.replacingOccurrences(of: " ", with: "") else {
            throw fail(value.position, "'max_file_size' must be a size such as 1048576, 512KiB or 2MiB")
        }
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("B", 1), ("", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
            // Digits that do not fit, or a product that does not, are a mistake, not a crash.
            guard let number = Int(digits), number > 0 else {
                if digits.contains(where: { $0 != "0" }) { throw tooLarge(value, text) }
                continue
            }
            let (size, overflow) = number.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw tooLarge(value, text) }
            return size
        }
        throw fail(value.position, "'max_file_size' must be a size such as 1048576, 512KiB or 2MiB, not '\(text)'")
    }

    func tooLarge(_ value: YAMLValue, _ text: String) -> ConfigurationError {
        fail(value.position, "'max_file_size' \(text) is too large; it must be at most \(Int.max) bytes")
    }

    func readKinds(_ value: YAMLValue) throws(ConfigurationError) -> [Kind] {
        guard case .mapping(let pairs, _) = value, !pairs.isEmpty else {
            throw fail(value.position, "'kinds' must map kind names to their settings")
        }
        var kinds: [Kind] = []
        var dirs: [(String, SourcePosition)] = []
        for pair in pairs {
            let name = pair.key.text
            guard isName(name) else {
                throw fail(pair.key.position, "kind name '\(name)' must be lowercase letters, digits and '-'")
            }
            let kind = try readKind(name: name, pair.value)
            if let other = kinds.first(where: { $0.prefix == kind.prefix }) {
                throw fail(pair.key.position, "kinds '\(other.name)' and '\(name)' share the id prefix '\(kind.prefix)'")
            }
            // `dir: .` (records at the root) may hold other kinds' folders: the most specific wins.
            for (dir, _) in dirs where dir != "." && kind.dir != "." && (GitPath(dir).isInside(GitPath(kind.dir)) || GitPath(kind.dir).isInside(GitPath(dir))) {
                throw fail(pair.key.position, "the folder '\(kind.dir)' of kind '\(name)' overlaps the folder '\(dir)' of another kind")
            }
            dirs.append((kind.dir, pair.key.position))
            kinds.append(kind)
        }
        return kinds
    }

    func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    func readKind(name: String, _ value: YAMLValue) throws(ConfigurationError) -> Kind {
        let builtIn = BuiltInKinds.kind(named: name)
        let pairs: [YAMLPair]
        switch value {
        case .mapping(let found, _): pairs = found
        case .scalar(let scalar) where scalar.isNull && builtIn != nil: pairs = []
        default: throw fail(value.position, "kind '\(name)' must be a mapping of settings (dir, prefix, statuses …)")
        }
        try checkKeys(pairs, allowed: ["dir", "prefix", "path", "ids", "template", "statuses", "severities", "optional_sections", "fields",
                                       "include", "exclude", "bundles", "section_level", "review_every_days", "transitions"],
                      in: "kind '\(name)'")
        func find(_ key: String) -> YAMLValue? { pairs.first { $0.key.text == key }?.value }
        func required(_ key: String) throws(ConfigurationError) -> YAMLValue {
            guard let value = find(key) else {
                throw fail(value.position, "kind '\(name)' needs '\(key)' (only postmortem, lesson and decision have defaults)")
            }
            return value
        }

        let dirValue = builtIn == nil ? try required("dir") : find("dir")
        var dir = builtIn?.dir ?? ""
        if let dirValue {
            dir = try string(dirValue, "dir")
            while dir.hasSuffix("/") && dir.count > 1 { dir.removeLast() }
            if dir.hasPrefix("./") { dir.removeFirst(2) }
            if dir.isEmpty { dir = "." }
            guard dir == "." || (!dir.hasPrefix("/") && !dir.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
                                 && !dir.hasPrefix(".lore")) else {
                throw fail(dirValue.position, "'dir' must be a folder inside the repository, such as 'postmortems'")
            }
            // Git never tracks a path through `.git` (in any case: some file systems ignore it),
            // and `lore new` must never write into the git folder.
            if dir.split(separator: "/").contains(where: { $0.lowercased() == ".git" || $0.isEmpty }) {
                throw fail(dirValue.position, "'dir' must be a folder git tracks, not '\(dir)' (the git folder, or a path with an empty component)")
            }
        }
        let prefixValue = builtIn == nil ? try required("prefix") : find("prefix")
        var prefix = builtIn?.prefix ?? ""
        if let prefixValue {
            prefix = try string(prefixValue, "prefix")
            guard let first = prefix.unicodeScalars.first, ("A"..."Z").contains(first),
                  prefix.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                throw fail(prefixValue.position, "'prefix' must be capital letters and digits, such as 'PM'")
            }
        }
        var pathPattern = builtIn?.path ?? "{nnnn}-{slug}.md"
        if let value = find("path") {
            pathPattern = try string(value, "path")
            try checkPathPattern(pathPattern, value.position)
        }
        var scheme = builtIn?.ids ?? .sequence
        if let value = find("ids") {
            guard let parsed = IDScheme(rawValue: try string(value, "ids")) else {
                throw fail(value.position, "'ids' must be sequence, date or random")
            }
            scheme = parsed
        }
        var template = builtIn?.template ?? name
        if let value = find("template") { template = try string(value, "template") }
        let statusValue = builtIn == nil ? try required("statuses") : find("statuses")
        var statuses = builtIn?.statuses ?? []
        if let statusValue {
            statuses = try stringList(statusValue, "statuses")
            if statuses.isEmpty { throw fail(statusValue.position, "'statuses' must list at least one status") }
        }
        var severities = builtIn?.severities ?? []
        if let value = find("severities") { severities = try stringList(value, "severities") }
        var optional = builtIn?.optionalSections ?? []
        if let value = find("optional_sections") { optional = try stringList(value, "optional_sections") }
        var declared: [(spec: FieldSpec, typed: Bool)] = []
        if let value = find("fields"), !value.isNull {
            guard case .mapping(let fieldPairs, _) = value else {
                throw fail(value.position, "'fields' must map field names to their type")
            }
            for pair in fieldPairs { declared.append(try readField(pair, typeOptional: true)) }
        }
        var kind = Kind(name: name, dir: dir, prefix: prefix, path: pathPattern, ids: scheme, template: template,
                        statuses: statuses, severities: severities, optionalSections: optional, fields: [])
        if let value = find("include") { kind.include = try stringList(value, "include") }
        if let value = find("exclude") { kind.exclude = try stringList(value, "exclude") }
        if let value = find("bundles") {
            guard case .bool(let flag)? = try? FieldType.bool.interpret(value, field: "bundles") else {
                throw fail(value.position, "'bundles' must be true or false")
            }
            kind.bundles = flag
        }
        if let value = find("section_level") {
            guard let level = value.scalar.flatMap({ Int($0.text) }), (1...6).contains(level) else {
                throw fail(value.position, "'section_level' must be a heading level from 1 to 6")
            }
            kind.sectionLevel = level
        }
        if let value = find("review_every_days"), !value.isNull {
            guard let days = value.scalar.flatMap({ Int($0.text) }), days > 0 else {
                throw fail(value.position, "'review_every_days' must be a whole number of days above 0")
            }
            kind.reviewEveryDays = days
        }
        if let value = find("transitions"), !value.isNull {
            guard case .mapping(let transitionPairs, _) = value else {
                throw fail(value.position, "'transitions' must map each status to the statuses it may change to, such as { draft: [in-review] }")
            }
            var transitions: [String: [String]] = [:]
            for pair in transitionPairs {
                guard statuses.contains(pair.key.text) else {
                    throw fail(pair.key.position, "'transitions' names '\(pair.key.text)', which is not one of the statuses of kind '\(name)' (\(statuses.joined(separator: ", ")))")
                }
                let next = pair.value.isNull ? [] : try stringList(pair.value, "transitions")
                for status in next where !statuses.contains(status) {
                    throw fail(pair.value.position, "'transitions' of '\(pair.key.text)' names '\(status)', which is not one of the statuses of kind '\(name)' (\(statuses.joined(separator: ", ")))")
                }
                transitions[pair.key.text] = next
            }
            kind.transitions = transitions
        }
        // A declaration without `type` keeps the built-in field's type and adds to it (sources,
        // aliases, format …).
        let assembled = BuiltInKinds.assemble(kind, declared: [])
        var specs: [FieldSpec] = []
        for (spec, typed) in declared {
            if typed { specs.append(spec); continue }
            guard let builtIn = assembled.field(spec.name) else {
                throw fail(value.position, "field '\(spec.name)' of kind '\(name)' needs a 'type' (it is not a built-in field)")
            }
            var merged = spec
            merged.type = builtIn.type
            merged.required = spec.required || builtIn.required
            specs.append(merged)
        }
        return BuiltInKinds.assemble(kind, declared: specs)
    }

    func readField(_ pair: YAMLPair) throws(ConfigurationError) -> FieldSpec {
        try readField(pair, typeOptional: false).spec
    }

    /// A field declaration; with `typeOptional`, one without `type` (then `typed` is false and
    /// the caller takes the built-in field's type).
    func readField(_ pair: YAMLPair, typeOptional: Bool) throws(ConfigurationError) -> (spec: FieldSpec, typed: Bool) {
        let name = pair.key.text
        // `services: list` is shorthand for `services: { type: list }`.
        if let scalar = pair.value.scalar {
            return (FieldSpec(name, try fieldType(named: scalar.text, values: nil, fields: nil, at: scalar.position)), true)
        }
        guard case .mapping(let pairs, let position) = pair.value else {
            throw fail(pair.value.position, "field '\(name)' must give its type: { type: list, required: true }")
        }
        try checkKeys(pairs, allowed: typeOptional ? ["type", "required", "values", "fields", "from", "aliases", "format", "map", "default"]
                                                   : ["type", "required", "values", "fields"], in: "field '\(name)'")
        var spec = FieldSpec(name, .string)
        if let value = pairs.first(where: { $0.key.text == "from" })?.value { spec.sources = try readSources(value, field: name) }
        if let value = pairs.first(where: { $0.key.text == "aliases" })?.value { spec.aliases = try stringList(value, "aliases") }
        if let value = pairs.first(where: { $0.key.text == "format" })?.value {
            let format = try string(value, "format").uppercased()
            guard ["DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "YYYY-MM-DD", "DD-MM-YYYY", "MM-DD-YYYY"].contains(format) else {
                throw fail(value.position, "'format' must be DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, DD-MM-YYYY, MM-DD-YYYY or YYYY-MM-DD")
            }
            spec.format = format
        }
        if let value = pairs.first(where: { $0.key.text == "default" })?.value { spec.defaultValue = try string(value, "default") }
        if let value = pairs.first(where: { $0.key.text == "map" })?.value {
            guard case .mapping(let mapPairs, _) = value else { throw fail(value.position, "'map' must map values as written to values, such as { approved: accepted }") }
            for mapPair in mapPairs { spec.valueMap[mapPair.key.text.lowercased()] = try string(mapPair.value, "map") }
        }
        guard let typeValue = pairs.first(where: { $0.key.text == "type" })?.value else {
            if typeOptional { return (spec, false) }
            throw fail(position, "field '\(name)' needs a 'type' (\(FieldType.declarableNames.joined(separator: ", ")))")
        }
        var required = false
        if let value = pairs.first(where: { $0.key.text == "required" })?.value {
            do {
                guard case .bool(let flag) = try FieldType.bool.interpret(value, field: "required") else { throw fail(value.position, "") }
                required = flag
            } catch {
                throw fail(value.position, "'required' must be true or false")
            }
        }
        let type = try fieldType(named: try string(typeValue, "type"),
                                 values: pairs.first(where: { $0.key.text == "values" })?.value,
                                 fields: pairs.first(where: { $0.key.text == "fields" })?.value,
                                 at: typeValue.position)
        spec.type = type
        spec.required = required
        return (spec, true)
    }

    /// `from: [file-name, heading]`, `from: [{file-name: '^(ADR\\d+)'}, {line: [Date, Decided]}, git]`.
    func readSources(_ value: YAMLValue, field: String) throws(ConfigurationError) -> [ValueSource] {
        let items: [YAMLValue]
        switch value {
        case .sequence(let list, _): items = list
        default: items = [value]
        }
        let expected = "expected file-name, heading, section, line or git (or {file-name: PATTERN}, {section: NAME}, {line: NAME})"
        var sources: [ValueSource] = []
        for item in items {
            let name: String
            var argument: YAMLValue?
            switch item {
            case .scalar(let scalar): name = scalar.text
            case .mapping(let pairs, _) where pairs.count == 1:
                name = pairs[0].key.text
                argument = pairs[0].value
            default: throw fail(item.position, "a source of '\(field)' must be a name or a one-key mapping; \(expected)")
            }
            func names() throws(ConfigurationError) -> [String] {
                guard let argument, !argument.isNull else { return [] }
                if argument.scalar != nil { return [try string(argument, name)] }
                return try stringList(argument, name)
            }
            switch name {
            case "front-matter": continue
            case "file-name", "filename":
                var pattern: String?
                if let argument, !argument.isNull {
                    let text = try string(argument, name)
                    guard (try? NSRegularExpression(pattern: text)) != nil else {
                        throw fail(argument.position, "'\(text)' is not a regular expression")
                    }
                    pattern = text
                }
                sources.append(.fileName(pattern: pattern))
            case "heading", "h1": sources.append(.heading)
            case "section": sources.append(.section(try names()))
            case "line", "bullet": sources.append(.line(try names()))
            case "git": sources.append(.git)
            default: throw fail(item.position, "unknown source '\(name)' of '\(field)'; \(expected)")
            }
        }
        return sources
    }

    func fieldType(named name: String, values: YAMLValue?, fields: YAMLValue?, at position: SourcePosition) throws(ConfigurationError) -> FieldType {
        switch name {
        case "string": return .string
        case "text": return .text
        case "date": return .date
        case "datetime": return .datetime
        case "bool": return .bool
        case "int": return .int
        case "url": return .url
        case "email": return .email
        case "list": return .list
        case "ids": return .ids
        case "globs": return .globs
        case "enum":
            guard let values else { throw fail(position, "an enum field needs 'values'") }
            let list = try stringList(values, "values")
            if list.isEmpty { throw fail(values.position, "'values' must list at least one value") }
            return .enumeration(list)
        case "objects":
            guard let fields, case .mapping(let pairs, _) = fields else {
                throw fail(position, "an objects field needs 'fields' mapping each field of an object to its type")
            }
            var specs: [FieldSpec] = []
            for pair in pairs { specs.append(try readField(pair)) }
            return .objects(specs)
        default:
            throw fail(position, "unknown field type '\(name)'; expected one of \(FieldType.declarableNames.joined(separator: ", "))")
        }
    }

    func checkPathPattern(_ pattern: String, _ position: SourcePosition) throws(ConfigurationError) {
        let known = ["yyyy", "mm", "dd", "date", "slug", "id", "nnnn"]
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw fail(position, "'path' has a '{' without '}'")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard known.contains(name) else {
                throw fail(position, "unknown placeholder '{\(name)}' in 'path'; expected one of \(known.map { "{\($0)}" }.joined(separator: ", "))")
            }
            rest = rest[rest.index(after: close)...]
        }
        guard pattern.hasSuffix(".md"), !pattern.hasPrefix("/"), !pattern.split(separator: "/").contains("..") else {
            throw fail(position, "'path' must be a relative path ending in .md, such as '{yyyy}/{date}-{slug}.md'")
        }
    }

    func string(_ value: YAMLValue, _ key: String) throws(ConfigurationError) -> String {
        guard let scalar = value.scalar, !scalar.isNull, !scalar.text.isEmpty else {
            let found = value.isNull || value.scalar?.text.isEmpty == true ? "empty" : value.shapeName
            throw fail(value.position, "'\(key)' must be a single value, not \(found)")
        }
        return scalar.text
    }

    func stringList(_ value: YAMLValue, _ key: String) throws(ConfigurationError) -> [String] {
        guard case .sequence(let items, _) = value else {
            throw fail(value.position, "'\(key)' must be a list such as [a, b]")
        }
        var result: [String] = []
        for item in items { result.append(try string(item, key)) }
        return result
    }
}

extension Configuration {
    func withFileFlag() -> Configuration {
        var copy = self
        copy.isFromFile = true
        return copy
    }
}
