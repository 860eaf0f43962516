import Foundation
import Git

/// `lore init` on a repository that already holds records: finds the collections (adr-tools'
/// `.adr-dir`, log4brains' `.log4brains.yml`, ADR, decision, postmortem, incident, retrospective and
/// RFC folders, Hugo and Zola content), recognises how each writes its records, and proposes a
/// configuration that reads them in place. Nothing is written here; the command writes the plan.
public enum Adoption {
    /// One collection found.
    public struct Collection: Sendable {
        /// The kind that will read it.
        public var kind: String
        /// Its folder (`.` for the repository root).
        public var dir: String
        /// What it looks like: `adr-tools (Nygard)`, `MADR 2`, `log4brains`, `Hugo (TOML)` …
        public var format: String
        /// How many entries the proposed configuration reads from it.
        public var entryCount: Int
        /// Fields that could not be derived, with the files that lack them.
        public var missing: [(field: String, paths: [GitPath])]
    }

    /// What `lore init` writes: the configuration and one template per kind.
    public struct Plan: Sendable {
        public var collections: [Collection]
        /// The text of `.lore/config.yml`.
        public var configurationText: String
        /// `.lore/templates/KIND.md` texts: the sections most of the kind's records have.
        public var templates: [(path: String, text: String)]
    }

    /// Folder names (last component, lowercase) that hold records, and the kind they hold.
    static let folderKinds: [(names: Set<String>, kind: String)] = [
        (["adr", "adrs", "decisions", "decision-records", "decision_records", "architecture-decisions", "architecture_decisions",
          "architecture-decision-records", "architecture_decision_records", "design-decisions", "decision-log"], "decision"),
        (["postmortems", "post-mortems", "postmortem", "post-mortem", "post_mortems", "incidents", "incident-reports", "incident_reports",
          "incident-reviews", "pirs"], "postmortem"),
        (["retrospectives", "retros", "retrospective"], "retrospective"),
        (["rfcs", "rfc", "proposals", "design-docs"], "rfc"),
    ]

    /// Surveys `snapshot` and proposes a configuration; `nil` when it holds no records.
    public static func plan(_ memory: MemoryRepository, snapshot: Snapshot) throws(LoreError) -> Plan? {
        let listing: [GitPath]
        do {
            listing = try snapshot.files().map(\.path)
        } catch {
            throw .repository(error)
        }
        func read(_ path: GitPath) -> String? {
            guard case .bytes(let bytes)? = try? snapshot.contents(at: path, limit: 1 << 20) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        var candidates: [(dir: String, kind: String, hint: String?)] = []
        // Folders named by the tools' own settings.
        if let text = read(GitPath(".adr-dir")) {
            let dir = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !dir.isEmpty { candidates.append((normalized(dir), "decision", "adr-tools")) }
        }
        for name in [".log4brains.yml", ".log4brains.yaml"] {
            if let text = read(GitPath(name)), let root = try? YAMLReader.read(text),
               let folder = root["project"]?["adrFolder"]?.scalar?.text {
                candidates.append((normalized(folder), "decision", "log4brains"))
            }
        }
        // Folders named for records.
        var folders = Set<String>()
        for path in listing {
            let parts = path.components.map { String(decoding: $0, as: UTF8.self) }
            guard parts.count >= 2, !parts.contains(where: { $0.hasPrefix(".") || $0 == "node_modules" || $0 == "vendor" }) else { continue }
            for depth in 1..<parts.count { folders.insert(parts[0..<depth].joined(separator: "/")) }
        }
        for folder in folders.sorted() {
            let last = (folder.split(separator: "/").last.map(String.init) ?? folder).lowercased()
            guard let match = folderKinds.first(where: { $0.names.contains(last) }) else { continue }
            candidates.append((folder, match.kind, nil))
        }
        // Hugo and Zola content sections: `content/SECTION` beside a site configuration.
        let siteConfig: Set<String> = ["config.toml", "hugo.toml", "zola.toml", "config.yaml", "hugo.yaml", "config.json", "hugo.json"]
        for path in listing where siteConfig.contains(String(decoding: path.nameBytes, as: UTF8.self)) && path.components.count <= 3 {
            let site = path.components.dropLast().map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
            let content = site.isEmpty ? "content/" : site + "/content/"
            for folder in folders.sorted() where folder.hasPrefix(content) && !folder.dropFirst(content.count).contains("/") {
                let section = String(folder.dropFirst(content.count)).lowercased()
                let name = section.hasSuffix("s") && section.count > 3 ? String(section.dropLast()) : section
                let clean = String(name.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
                candidates.append((folder, clean.first?.isLetter == true ? clean : "post", "site"))
            }
        }
        // Folders of numbered records under another name (`text/0001-x.md`, `architecture/records/`).
        var numbered: [String: Int] = [:]
        for path in listing where path.components.count >= 2 {
            let name = String(decoding: path.nameBytes, as: UTF8.self)
            guard name.lowercased().hasSuffix(".md"), let first = name.first, first.isNumber,
                  name.prefix(while: { $0.isNumber }).count >= 3, name.dropFirst(name.prefix(while: { $0.isNumber }).count).hasPrefix("-") else { continue }
            let parts = path.components.dropLast().map { String(decoding: $0, as: UTF8.self) }
            guard !parts.contains(where: { $0.hasPrefix(".") || $0 == "node_modules" || $0 == "vendor" }) else { continue }
            numbered[parts.joined(separator: "/"), default: 0] += 1
        }
        for (folder, count) in numbered.sorted(by: { $0.key < $1.key }) where count >= 3 {
            // RFCs by their folder's name or by what the first record says of itself (`- RFC PR:`).
            let first = listing.first { $0.components.count == folder.split(separator: "/").count + 1 && $0.description.hasPrefix(folder + "/")
                && $0.description.lowercased().hasSuffix(".md") }
            let opening = first.flatMap(read).map { String($0.prefix(600)) } ?? ""
            let isRFC = folder.lowercased().contains("rfc") || opening.contains("RFC")
            candidates.append((folder, isRFC ? "rfc" : "decision", nil))
        }
        // Records at the root: numbered Markdown files.
        // Records at the root: Markdown files named by an id of three digits or more.
        let rootNumbered = listing.filter { path in
            guard path.components.count == 1, path.description.lowercased().hasSuffix(".md"),
                  let id = EntryName(path, bundles: false).id(pattern: nil) else { return false }
            return id.filter(\.isNumber).count >= 3 && id != EntryName(path, bundles: false).stem || id.allSatisfy(\.isNumber) && id.count >= 3
        }
        var rootInclude: [String] = []
        if rootNumbered.count >= 2 {
            candidates.append((".", "decision", nil))
            // Only those files: `/` anchors the glob at the root.
            let prefixes = Set(rootNumbered.map { String($0.description.prefix { !$0.isNumber }) })
            rootInclude = prefixes.sorted().map { $0.isEmpty ? "/[0-9]*.md" : "/\($0)[0-9]*.md" }
        }

        // Outermost folder wins; one collection per folder.
        var chosen: [(dir: String, kind: String, hint: String?)] = []
        for candidate in candidates where !chosen.contains(where: { $0.dir == candidate.dir }) {
            if chosen.contains(where: { $0.dir != "." && candidate.dir.hasPrefix($0.dir + "/") }) { continue }
            chosen.removeAll { candidate.dir != "." && $0.dir.hasPrefix(candidate.dir + "/") }
            chosen.append(candidate)
        }
        var kinds: [Kind] = []
        var formats: [String] = []
        var usedNames = Set<String>()
        var usedPrefixes = Set<String>()
        for candidate in chosen {
            let files = listing.filter { path in
                let folder = candidate.dir == "." ? GitPath(bytes: []) : GitPath(candidate.dir)
                guard path.isInside(folder), path != folder else { return false }
                if candidate.dir == "." && path.components.count != 1 { return false }
                return true
            }
            var draft = baseKind(candidate.kind, dir: candidate.dir, usedNames: &usedNames, usedPrefixes: &usedPrefixes)
            if candidate.hint == "log4brains" { draft.statuses = ["draft", "proposed", "rejected", "accepted", "deprecated", "superseded"] }
            if candidate.dir == "." { draft.include = rootInclude }
            // Extension-less records among the others (`20240604-hdkey-domain-separation`): named.
            let bare = files.filter { path in
                let name = String(decoding: path.nameBytes, as: UTF8.self)
                return !name.contains(".") && path.components.count == draft.folder.components.count + 1
                    && EntryName.leadingID?.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
            }
            if !bare.isEmpty {
                draft.include = (draft.include.isEmpty ? ["*.md"] : draft.include) + bare.map { String(decoding: $0.nameBytes, as: UTF8.self) }
            }
            // Page bundles: `slug/index.md` below the collection's folder.
            draft.bundles = files.contains { $0.nameBytes.elementsEqual("index.md".utf8) && $0.components.count > draft.folder.components.count + 1 }
            let entries = files.filter { EntryFileFilter.isEntry($0, of: draft) }
            guard !entries.isEmpty else { continue }
            let texts = entries.prefix(400).compactMap { path in read(path).map { (path, $0) } }
            let (kind, format) = recognise(draft, texts: texts, hint: candidate.hint)
            kinds.append(kind)
            formats.append(format)
        }
        // Entries Lore already reads as they are (FORMAT.md v1 in the built-in folders): today's init.
        guard !kinds.isEmpty, !kinds.allSatisfy({ !$0.readsRecordsAsFound && BuiltInKinds.kind(named: $0.name)?.dir == $0.dir }) else {
            return nil
        }
        // Read the records with the proposed configuration, as `lore list` will.
        var configuration = Configuration.builtIn
        configuration.kinds = kinds
        configuration.isFromFile = true
        let corpus = try memory.corpus(of: snapshot, configuration: configuration)
        var collections: [Collection] = []
        var templates: [(String, String)] = []
        for (index, kind) in kinds.enumerated() {
            var kind = kind
            let entries = corpus.entries.filter { $0.kind == kind.name }
            // Statuses the records use that the kind did not list.
            let seen = entries.compactMap(\.status).filter { !$0.isEmpty }
            for status in seen where !kind.statuses.contains(status) { kind.statuses.append(status) }
            if !kind.severities.isEmpty {
                for severity in entries.compactMap({ $0.frontMatter.text("severity") }) where !severity.isBlank && !kind.severities.contains(severity) {
                    kind.severities.append(severity)
                }
            }
            kinds[index] = kind
            var missing: [(String, [GitPath])] = []
            for field in ["id", "title", "date", "status"] {
                let lacking = entries.filter { $0.frontMatter.text(field)?.isBlank ?? true }.map(\.path)
                if !lacking.isEmpty { missing.append((field, lacking)) }
            }
            collections.append(Collection(kind: kind.name, dir: kind.dir, format: formats[index], entryCount: entries.count, missing: missing))
            templates.append((".lore/templates/\(kind.template).md", templateText(for: kind, entries: entries)))
        }
        return Plan(collections: collections, configurationText: configurationText(kinds, formats: formats), templates: templates)
    }

    static func normalized(_ dir: String) -> String {
        var dir = dir.trimmingCharacters(in: .whitespacesAndNewlines)
        while dir.hasPrefix("./") { dir.removeFirst(2) }
        while dir.hasSuffix("/") && dir.count > 1 { dir.removeLast() }
        return dir.isEmpty ? "." : dir
    }

    static func baseKind(_ name: String, dir: String, usedNames: inout Set<String>, usedPrefixes: inout Set<String>) -> Kind {
        var kindName = name
        var counter = 2
        while usedNames.contains(kindName) { kindName = "\(name)-\(counter)"; counter += 1 }
        usedNames.insert(kindName)
        let builtIn = BuiltInKinds.kind(named: name)
        var prefix = builtIn?.prefix ?? ["retrospective": "RT", "rfc": "RFC", "post": "POST"][name]
            ?? String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) }.prefix(4))
        if prefix.isEmpty { prefix = "REC" }
        if usedPrefixes.contains(prefix) { prefix += "\(counter)" }
        usedPrefixes.insert(prefix)
        let statuses: [String]
        switch name {
        case _ where builtIn == nil && name != "rfc": statuses = ["draft", "published"]
        case "rfc": statuses = ["draft", "proposed", "accepted", "rejected", "withdrawn", "postponed", "superseded"]
        default: statuses = builtIn?.statuses ?? ["draft", "published"]
        }
        var kind = Kind(name: kindName, dir: dir, prefix: prefix, path: builtIn?.path ?? "{nnnn}-{slug}.md", ids: .sequence,
                        template: kindName, statuses: statuses, severities: builtIn?.severities ?? [], optionalSections: [], fields: [])
        kind = BuiltInKinds.assemble(kind, declared: [])
        return kind
    }

    /// Looks at the records' texts and says where each field is: the sources of id, title, date
    /// and status, aliases, section level, bundles; and names the format.
    static func recognise(_ draft: Kind, texts: [(GitPath, String)], hint: String?) -> (Kind, String) {
        var kind = draft
        let parsed = texts.map { path, text in
            EntryParser.parse(path: path, kind: kind.name, bytes: Array(text.utf8), readsFilesWithoutFrontMatter: true).entry
        }.compactMap { $0 }
        let total = max(parsed.count, 1)
        func share(_ test: (Entry) -> Bool) -> Double { Double(parsed.filter(test).count) / Double(total) }
        func hasKey(_ entry: Entry, _ key: String) -> Bool { entry.frontMatter.text(key).map { !$0.isBlank } ?? false }
        func hasLine(_ entry: Entry, _ key: String) -> Bool {
            entry.bodyFields.contains { $0.origin == .line && $0.normalizedKey == BodyField.normalize(key) }
        }
        func hasSection(_ entry: Entry, _ key: String) -> Bool {
            entry.bodyFields.contains { $0.origin == .section && $0.normalizedKey == BodyField.normalize(key) }
        }
        let syntaxes = Dictionary(grouping: parsed, by: \.frontMatter.syntax).mapValues(\.count)
        let main = syntaxes.max { $0.value < $1.value }?.key ?? .none
        // Sections as `#` headings (NixOS RFCs): several H1s, or an H1 that is a section name.
        let sectionNames: Set<String> = ["summary", "motivation", "context", "introduction", "background", "abstract", "overview", "problem"]
        let h1Sections = share { entry in
            let h1 = entry.headings.filter { $0.level == 1 }
            return h1.count >= 3 || (h1.first.map { sectionNames.contains($0.text.lowercased().trimmingBlanks) } ?? false)
        } >= 0.5
        if h1Sections { kind.sectionLevel = 1 }
        // Ids: the leading number or prefixed number of the file names when they are unique, else
        // the whole name (log4brains' dated slugs, Hugo slugs, UUIDs).
        var sources: [String: [ValueSource]] = [:]
        var aliases: [String: [String]] = [:]
        var defaults: [String: String] = [:]
        var valueMaps: [String: [String: String]] = [:]
        var format: String?
        if share({ hasKey($0, "id") }) < 0.9 {
            let names = parsed.map { EntryName($0.path, bundles: kind.bundles) }
            // Numbers are the team's ids even when a few collide (renumberings); dated slugs that
            // collide often are not ids.
            let leading = names.map { $0.id(pattern: nil) }
            let collisions = leading.count - Set(leading.compactMap { $0 }).count
            // Names that start with a date and go on (`2023-05-09-use-x`, `20230509-use-x`) are dated
            // slugs: the whole name is the id. A name that is only a date is that date.
            let datedSlugs = zip(names, leading).filter { name, id in
                id.map { $0 != name.stem && DateText.inName($0) != nil && ($0.count == 8 || $0.count == 10) } ?? false
            }.count
            let wholeStem = hint == "log4brains" || hint == "site" || Double(collisions) > 0.1 * Double(leading.count)
                || Double(datedSlugs) >= 0.5 * Double(leading.count)
            sources["id"] = [.fileName(pattern: wholeStem ? "^(.+)$" : nil)]
        } else if share({ entry in
            let name = EntryName(entry.path, bundles: kind.bundles)
            guard let own = name.id(pattern: nil), own != name.stem, let written = entry.frontMatter.text("id") else { return false }
            return FieldDerivation.isPageID(written, of: own)
        }) >= 0.5 {
            // Front-matter ids that are a site's page ids (`id: adrs-adr001`): the file names give the records'.
            sources["id"] = [.fileName(pattern: nil)]
        }
        // Titles: front-matter, else the first `#` heading (not a section name), else the file name.
        if share({ hasKey($0, "title") }) < 0.9 {
            sources["title"] = h1Sections ? [.fileName(pattern: nil)] : [.heading, .fileName(pattern: nil)]
        }
        // Dates: front-matter (or its aliases), a `Date:` line, a date in the file name, git.
        let dateAliases = ["start-date", "start_date", "created", "date_created", "created_at", "created-at", "pubdate", "publishdate",
                           "publish_date", "published", "last_modified", "lastmod", "updated"]
        if share({ hasKey($0, "date") }) < 0.9 {
            let found = dateAliases.filter { alias in parsed.contains { hasKey($0, alias) } }
            if !found.isEmpty { aliases["date"] = found }
            // When it happened or was decided: a `Date:` line, else a date in the file name, else a
            // `Last modified:` line, else the first commit.
            var dateSources: [ValueSource] = []
            let lineKeys = ["Date", "Decision date", "Date of decision", "Decided", "Decided on", "Created", "Incident date",
                            "Date of incident", "Start date", "Started", "Proposed", "Accepted"]
            let laterKeys = ["Last modified", "Last updated", "Updated", "Modified"]
            let usedKeys = lineKeys.filter { key in parsed.contains { hasLine($0, key) } }
            let usedLaterKeys = laterKeys.filter { key in parsed.contains { hasLine($0, key) } }
            if !usedKeys.isEmpty { dateSources.append(.line(usedKeys)) }
            if parsed.contains(where: { DateText.inName(EntryName($0.path, bundles: kind.bundles).stem) != nil
                || DateText.inPagePath($0.frontMatter.fields) != nil }) {
                dateSources.append(.fileName(pattern: nil))
            }
            if !usedLaterKeys.isEmpty { dateSources.append(.line(usedLaterKeys)) }
            dateSources.append(.git)
            sources["date"] = dateSources
            // `DD/MM/YYYY` written by the team: a first number above 12 somewhere, never a second.
            let dateKeys = (usedKeys + usedLaterKeys).map(BodyField.normalize)
            let values = parsed.flatMap { entry in entry.bodyFields.filter { $0.origin == .line && dateKeys.contains($0.normalizedKey) }.map(\.value) }
            let slashed = values.compactMap { value -> (Int, Int)? in
                let numbers = value.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                guard numbers.count >= 3, numbers[2] >= 1000, numbers[0] <= 31, numbers[1] <= 31 else { return nil }
                return (numbers[0], numbers[1])
            }
            // Day first unless a second number above 12 says otherwise (adr-tools wrote `dd/mm/yyyy`
            // before it moved to ISO dates).
            if slashed.contains(where: { $0.1 > 12 }) && !slashed.contains(where: { $0.0 > 12 }) { format = "MM/DD/YYYY" }
            else if !slashed.isEmpty { format = "DD/MM/YYYY" }
        }
        // Statuses: front-matter, a `## Status` section, a `Status:` line.
        let statusFromSection = share { hasSection($0, "status") }
        let statusFromLine = share { hasLine($0, "status") }
        if share({ hasKey($0, "status") }) < 0.9 {
            if parsed.contains(where: { hasKey($0, "draft") }) {
                aliases["status"] = ["draft"]
                valueMaps["status"] = ["true": "draft", "false": "published"]
            }
            var statusSources: [ValueSource] = []
            if statusFromSection > 0 { statusSources.append(.section(["Status"])) }
            if statusFromLine > 0 { statusSources.append(.line(["Status"])) }
            if !statusSources.isEmpty { sources["status"] = statusSources }
            if statusFromSection + statusFromLine < 0.5 {
                switch kind.name {
                case let name where name.hasPrefix("rfc"): defaults["status"] = "accepted"
                case let name where name.hasPrefix("postmortem") || name.hasPrefix("retrospective") || hint == "site":
                    defaults["status"] = "published"
                default: break
                }
            }
        }
        // Postmortem times under the names incident tools give them.
        if kind.name.hasPrefix("postmortem") {
            for (field, names) in [("started", ["start_time", "start", "started_at", "impact_start"]),
                                   ("detected", ["detected_time", "detected_at", "detection_time"]),
                                   ("resolved", ["end_time", "end", "resolved_at", "resolution_time", "impact_end"]),
                                   ("severity", ["sev", "priority", "level"])] where share({ hasKey($0, field) }) < 0.5 {
                let found = names.filter { name in parsed.contains { hasKey($0, name) } }
                if !found.isEmpty { aliases[field] = found }
            }
        }
        if kind.severities.count > 0 && share({ entry in hasKey(entry, "severity") || (aliases["severity"] ?? []).contains { hasKey(entry, $0) } }) < 0.5 {
            // Postmortems without a severity field: not required of records as found.
            kind.severities = []
        }
        var fields = kind.severities.isEmpty ? kind.fields.filter { $0.name != "severity" } : kind.fields
        for index in fields.indices {
            let name = fields[index].name
            fields[index].sources = sources[name] ?? []
            fields[index].aliases = aliases[name] ?? []
            fields[index].defaultValue = defaults[name]
            fields[index].valueMap = valueMaps[name] ?? [:]
            if name == "date" { fields[index].format = format }
        }
        kind.fields = fields
        // The format's name, for the report.
        let label: String
        if hint == "adr-tools" { label = "adr-tools (Nygard)" }
        else if hint == "log4brains" { label = "log4brains" }
        else if main == .toml { label = hint == "site" ? "Hugo/Zola (TOML front-matter)" : "TOML front-matter" }
        else if main == .json { label = "Hugo (JSON front-matter)" }
        else if kind.name.hasPrefix("rfc") { label = h1Sections ? "RFCs (H1 sections)" : "RFCs" }
        else if main == .yaml && share({ hasKey($0, "decision-makers") }) > 0 { label = "MADR 4" }
        else if main == .yaml && share({ hasKey($0, "status") }) >= 0.5 && kind.name.hasPrefix("decision") { label = "MADR 3" }
        else if statusFromLine >= 0.5 { label = kind.name.hasPrefix("decision") ? "MADR 2 (bullets)" : "Status: lines" }
        else if statusFromSection >= 0.5 { label = "Nygard (## Status)" }
        else if main == .none { label = "Markdown without front-matter" }
        else { label = "\(main.rawValue.uppercased()) front-matter" }
        return (kind, label)
    }

    /// A template with the sections most of the kind's records have.
    static func templateText(for kind: Kind, entries: [Entry]) -> String {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for entry in entries {
            var seen = Set<String>()
            for heading in entry.headings.filter({ $0.level == kind.sectionLevel }).map(\.text) where seen.insert(heading).inserted {
                if counts[heading] == nil { order.append(heading) }
                counts[heading, default: 0] += 1
            }
        }
        let common = order.filter { Double(counts[$0] ?? 0) >= 0.8 * Double(max(entries.count, 1)) }
        let marks = String(repeating: "#", count: kind.sectionLevel)
        var text = "---\nid: {{id}}\ntitle: {{title}}\ndate: {{date}}\nstatus: \(kind.statuses.first ?? "draft")\n---\n\n"
        if kind.sectionLevel > 1 { text += "# {{title}}\n\n" }
        for section in common { text += "\(marks) \(section)\n\n_\(section)._\n\n" }
        return text
    }

    /// `.lore/config.yml` reading the kinds in place, with comments.
    static func configurationText(_ kinds: [Kind], formats: [String]) -> String {
        func quote(_ text: String) -> String { YAMLEmitter.scalar(text) }
        func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }
        var out = """
        # Lore configuration (repository format v1), written by `lore init` for the records already here.
        # Each kind reads a folder in place: fields the front-matter does not hold come from the
        # sources under `from:` (tried in order): file-name, heading, section, line, git.
        # See docs/format.md, "Records as found". No entry file was changed.
        version: 1
        kinds:

        """
        for (kind, format) in zip(kinds, formats) {
            out += "  # \(format)\n"
            out += "  \(kind.name):\n"
            out += "    dir: \(quote(kind.dir))\n"
            out += "    prefix: \(kind.prefix)\n"
            out += "    statuses: \(list(kind.statuses))\n"
            if !kind.include.isEmpty { out += "    include: \(list(kind.include))\n" }
            if kind.bundles { out += "    bundles: true                 # slug/index.md is the entry 'slug'\n" }
            if kind.sectionLevel != 2 { out += "    section_level: \(kind.sectionLevel)              # sections are '#' headings\n" }
            if kind.severities.isEmpty && BuiltInKinds.kind(named: kind.name)?.severities.isEmpty == false {
                out += "    severities: []                # the records have no severity field\n"
            } else if !kind.severities.isEmpty && BuiltInKinds.kind(named: kind.name)?.severities != kind.severities {
                out += "    severities: \(list(kind.severities))\n"
            }
            let described = kind.fields.filter { !$0.sources.isEmpty || !$0.aliases.isEmpty || $0.defaultValue != nil || $0.format != nil }
            if !described.isEmpty {
                out += "    fields:\n"
                for spec in described {
                    var parts: [String] = []
                    if !spec.sources.isEmpty {
                        let items = spec.sources.map { source -> String in
                            switch source {
                            case .fileName(let pattern?): return "{file-name: \(quote(pattern))}"
                            case .fileName: return "file-name"
                            case .heading: return "heading"
                            case .section(let names): return names.isEmpty ? "section" : "{section: \(names.count == 1 ? quote(names[0]) : list(names))}"
                            case .line(let names): return names.isEmpty ? "line" : "{line: \(names.count == 1 ? quote(names[0]) : list(names))}"
                            case .git: return "git"
                            }
                        }
                        parts.append("from: [\(items.joined(separator: ", "))]")
                    }
                    if !spec.aliases.isEmpty { parts.append("aliases: \(list(spec.aliases))") }
                    if let format = spec.format { parts.append("format: \(format)") }
                    if !spec.valueMap.isEmpty {
                        parts.append("map: {" + spec.valueMap.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \(quote($0.value))" }.joined(separator: ", ") + "}")
                    }
                    if let value = spec.defaultValue { parts.append("default: \(quote(value))") }
                    out += "      \(spec.name): { \(parts.joined(separator: ", ")) }\n"
                }
            }
            out += "\n"
        }
        out += """
        # The records were written before Lore: sections are checked against .lore/templates/KIND.md,
        # which lists the sections most of them share.

        """
        return out
    }
}
