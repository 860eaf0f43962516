import Foundation
import Git

/// What `lore new` is asked to write.
public struct NewEntryRequest: Sendable {
    /// The kind's name (`postmortem`).
    public var kind: String
    /// The title, any text.
    public var title: String
    /// `--set key=value`, in order given; list fields take comma-separated values.
    public var values: [(key: String, value: String)]
    /// Ids added to `related`.
    public var links: [String]
    /// Ids this entry supersedes; each of them gets this entry in `superseded_by`.
    public var supersedes: [String]
    /// `YYYY-MM-DD`; today (local time) when `nil`.
    public var date: String?
    /// An explicit id; the kind's next one when `nil`.
    public var id: String?
    /// The author's name, written in `authors`.
    public var author: String?

    /// A request.
    public init(kind: String, title: String, values: [(key: String, value: String)] = [], links: [String] = [],
                supersedes: [String] = [], date: String? = nil, id: String? = nil, author: String? = nil) {
        self.kind = kind
        self.title = title
        self.values = values
        self.links = links
        self.supersedes = supersedes
        self.date = date
        self.id = id
        self.author = author
    }
}

/// A required field that has no value yet, and what it may be.
public struct MissingValue: Sendable, Hashable {
    /// The field's name (`severity`).
    public let name: String
    /// The allowed values, for an enumeration.
    public let allowed: [String]
    /// The field's type.
    public let type: FieldType
}

/// An entry `lore new` made or would make.
public struct NewEntry: Sendable {
    /// The kind.
    public let kind: Kind
    /// Its id.
    public let id: String
    /// Its file, from the repository root.
    public let path: GitPath
    /// The file's text.
    public let text: String
    /// Entries whose `superseded_by` (and status) were updated, by path.
    public let updated: [GitPath]
}

/// Writes new entries from the kinds' templates: ids by the kind's scheme, front-matter values that
/// read back exactly, slug file names inside the kind's folder, created exclusively.
public final class EntryScaffold {
    private let memory: MemoryRepository
    private let snapshot: Snapshot
    /// The working tree's configuration.
    public let configuration: Configuration
    private let root: String
    /// Called once, with what is waited for, when another `lore new` holds the creation lock.
    public var onWait: ((String) -> Void)?
    /// How long to wait for the creation lock before giving up (seconds).
    public var lockTimeout: Double = CreationLock.defaultTimeout

    /// Reads the working tree's configuration (a bare repository has nowhere to write).
    public init(memory: MemoryRepository) throws(EditError) {
        self.memory = memory
        guard let root = memory.repository.workingDirectory else {
            throw .repository(.repository(GitError(.bareRepository, "a bare repository has no working tree to write entries in",
                                                   context: "lore new")))
        }
        self.root = root
        do {
            snapshot = try memory.snapshot(.workingTree)
            configuration = try memory.configuration(in: snapshot)
        } catch {
            throw .repository(error)
        }
    }

    /// The kind named `name`, or a usage error listing the kinds there are.
    public func kind(named name: String) throws(EditError) -> Kind {
        guard let kind = configuration.kind(named: name) else {
            throw .usage("unknown kind '\(name)'; this repository has \(configuration.kinds.map(\.name).joined(separator: ", "))")
        }
        return kind
    }

    /// The required fields the request leaves without a value (a postmortem's `severity`).
    public func missingValues(_ request: NewEntryRequest) throws(EditError) -> [MissingValue] {
        let kind = try kind(named: request.kind)
        let values = try fieldValues(request, kind: kind, id: request.id ?? IDAllocator.first(for: kind, date: "2000-01-01", taken: []))
        let text = try render(request, kind: kind, values: values)
        guard let entry = EntryParser.parse(path: GitPath(kind.dir + "/new.md"), kind: kind.name, bytes: Array(text.utf8)).entry else { return [] }
        return kind.fields.filter(\.required).compactMap { spec in
            let value = entry.frontMatter[spec.name]
            let empty: Bool
            switch value {
            case nil: empty = true
            case .scalar(let scalar)?: empty = scalar.isNull || scalar.text.isEmpty
            case .sequence(let items, _)?: empty = items.isEmpty
            case .mapping?: empty = false
            }
            guard empty else { return nil }
            if case .enumeration(let allowed) = spec.type { return MissingValue(name: spec.name, allowed: allowed, type: spec.type) }
            return MissingValue(name: spec.name, allowed: [], type: spec.type)
        }
    }

    /// The entry as it would be written, without writing anything or taking the lock.
    public func preview(_ request: NewEntryRequest) throws(EditError) -> NewEntry {
        let kind = try kind(named: request.kind)
        let taken = try takenIDs()
        let id = try chooseID(request, kind: kind, taken: taken)
        let text = try render(request, kind: kind, values: fieldValues(request, kind: kind, id: id))
        for superseded in request.supersedes { _ = try supersededEntry(superseded) }
        return NewEntry(kind: kind, id: id, path: try path(for: request, kind: kind, id: id, attempt: 0), text: text, updated: [])
    }

    /// Creates the entry: under a lock shared by every `lore new` of the repository, reads the ids
    /// in use, takes the next, and creates the file with `O_EXCL` semantics (never over an
    /// existing one: a taken name moves to the next id, or to `-2`, `-3` … after the slug). Then
    /// updates each superseded entry's `superseded_by` and status, atomically.
    public func create(_ request: NewEntryRequest) throws(EditError) -> NewEntry {
        let kind = try kind(named: request.kind)
        // Fail on unknown superseded ids before taking the lock or writing anything.
        for superseded in request.supersedes { _ = try supersededEntry(superseded) }
        let lock = try CreationLock(commonDirectory: memory.repository.commonDirectory, timeout: lockTimeout, onWait: onWait)
        defer { withExtendedLifetime(lock) {} }
        var taken = try takenIDs()
        var id = try chooseID(request, kind: kind, taken: taken)
        let idInPath = kind.path.contains("{id}") || kind.path.contains("{nnnn}")
        var attempt = 0
        while true {
            let text = try render(request, kind: kind, values: fieldValues(request, kind: kind, id: id))
            let path = try path(for: request, kind: kind, id: id, attempt: idInPath ? 0 : attempt)
            do throws(NewFileError) {
                try NewFile.create(at: root + path.description, bytes: Array(text.utf8), inside: root)
            } catch .exists {
                attempt += 1
                guard attempt < 1000 else { throw .write("cannot find a free file name for \(path)") }
                if idInPath {
                    guard request.id == nil else { throw .refused("\(path) already exists; not changed") }
                    taken.insert(id)
                    id = kind.idsFollowFileNames ? IDAllocator.nextInTeamScheme(kindIDs: [id], taken: taken)
                                                 : IDAllocator.next(after: id, for: kind, taken: taken)
                }
                continue
            } catch {
                throw .write(error.description)
            }
            var updated: [GitPath] = []
            for superseded in request.supersedes {
                updated.append(try markSuperseded(superseded, by: id))
            }
            return NewEntry(kind: kind, id: id, path: path, text: text, updated: updated)
        }
    }

    // MARK: - Ids

    /// The ids of the working tree, the index and every branch tip (as `IDAllocator.takenIDs`),
    /// read from the id tables kept beside the snapshots' states when there are some: no state is
    /// decoded, and nothing is parsed but the entry files changed since `HEAD`.
    private func takenIDs() throws(EditError) -> Set<String> {
        guard memory.caching else {
            do { return try IDAllocator.takenIDs(in: memory, configuration: configuration) } catch { throw .repository(error) }
        }
        do {
            var sources: [SnapshotSource] = [.workingTree, .index(file: nil)]
            var seen = Set<ObjectID>()
            for tip in try memory.repository.branchTips() where seen.insert(tip.commit).inserted { sources.append(.revision(tip.commit.hex)) }
            var ids = Set<String>()
            let today = LocalDate.today()
            for source in sources {
                let snapshot = try memory.snapshot(source)
                if let found = try SnapshotStateStore.ids(memory, snapshot: snapshot, configuration: configuration, today: today) {
                    ids.formUnion(found)
                } else {
                    for entry in try memory.corpus(of: snapshot, configuration: configuration).entries { if let id = entry.id { ids.insert(id) } }
                }
            }
            return ids
        } catch let error as LoreError {
            throw .repository(error)
        } catch let error as GitError {
            throw .repository(.repository(error))
        } catch {
            throw .repository(.repository(GitError(.notFound, "\(error)", context: "lore new")))
        }
    }

    private func chooseID(_ request: NewEntryRequest, kind: Kind, taken: Set<String>) throws(EditError) -> String {
        guard let id = request.id else {
            if kind.idsFollowFileNames {
                let corpus: Corpus
                do { corpus = try memory.corpus(of: snapshot, configuration: configuration) } catch { throw .repository(error) }
                return IDAllocator.nextInTeamScheme(kindIDs: corpus.entries.filter { $0.kind == kind.name }.compactMap(\.id), taken: taken)
            }
            return IDAllocator.first(for: kind, date: try date(request), taken: taken)
        }
        guard kind.idsFollowFileNames || kind.accepts(id: id) else {
            throw .usage("--id \(id) is not an id of kind '\(kind.name)' (ids are \(kind.prefix)- then its \(kind.ids.rawValue) scheme)")
        }
        if taken.contains(id) { throw .refused("the id \(id) is already used (in the working tree, the index or a branch)") }
        return id
    }

    private func date(_ request: NewEntryRequest) throws(EditError) -> String {
        guard let date = request.date else { return LocalDate.today() }
        guard FieldType.isDate(date) else { throw .usage("--date \(date) is not a date YYYY-MM-DD") }
        return date
    }

    // MARK: - Values and rendering

    /// Every value written into the front-matter, by field name.
    private func fieldValues(_ request: NewEntryRequest, kind: Kind, id: String) throws(EditError) -> [(String, FieldValue)] {
        var values: [(String, FieldValue)] = [("id", .scalar(id)), ("title", .scalar(request.title)), ("date", .scalar(try date(request)))]
        if request.title.utf8.contains(10) || request.title.utf8.contains(13) {
            throw .usage("the title must be one line")
        }
        let byteOrderMark = "starts with U+FEFF (an invisible byte-order mark), which YAML readers drop"
        if request.title.unicodeScalars.first == "\u{FEFF}" { throw .usage("the title \(byteOrderMark)") }
        for (key, value) in request.values {
            guard !["id", "title", "date", "kind"].contains(key) else {
                throw .usage("--set \(key)=… is not allowed; use \(key == "kind" ? "the KIND argument" : "--\(key)")")
            }
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }) else {
                throw .usage("--set \(key)=…: a field name is letters, digits, '_' and '-'")
            }
            if value.unicodeScalars.first == "\u{FEFF}" || value.contains(",\u{FEFF}") {
                throw .usage("--set \(key)=…: the value \(byteOrderMark)")
            }
            let type = kind.field(key)?.type ?? .string
            let typed: FieldValue
            switch type {
            case .objects:
                throw .usage("--set \(key)=…: '\(key)' is a list of objects; write it in the file")
            case .list, .ids, .globs, .commits:
                let items = value.split(separator: ",").map { String($0).trimmingBlanks }.filter { !$0.isEmpty }
                let yaml = YAMLValue.sequence(items.map { .scalar(YAMLScalar(text: $0, style: .plain, position: SourcePosition(line: 1, column: 1))) },
                                              SourcePosition(line: 1, column: 1))
                do { _ = try type.interpret(yaml, field: key) } catch { throw .usage("--set \(key)=\(value): \(error.message)") }
                typed = .list(items)
            default:
                guard type.accepts(value) else {
                    let yaml = YAMLValue.scalar(YAMLScalar(text: value, style: .plain, position: SourcePosition(line: 1, column: 1)))
                    var message = "invalid value"
                    do { _ = try type.interpret(yaml, field: key) } catch { message = error.message }
                    throw .usage("--set \(key)=\(value): \(message)")
                }
                typed = .scalar(value)
            }
            values.removeAll { $0.0 == key }
            values.append((key, typed))
        }
        for (key, ids) in [("related", request.links), ("supersedes", request.supersedes)] where !ids.isEmpty {
            var merged: [String] = []
            if let index = values.firstIndex(where: { $0.0 == key }), case .list(let given) = values[index].1 {
                merged = given
                values.remove(at: index)
            }
            for id in ids where !merged.contains(id) { merged.append(id) }
            values.append((key, .list(merged)))
        }
        return values
    }

    /// The file's text: the template rendered, then every value the template did not place set
    /// in the front-matter, then read back to prove every value is exactly what was asked.
    private func render(_ request: NewEntryRequest, kind: Kind, values: [(String, FieldValue)]) throws(EditError) -> String {
        let template = try EntryTemplate.load(named: kind.template, from: snapshot)
        var context: [String: FieldValue] = [:]
        for spec in kind.fields where spec.type.isList { context[spec.name] = .list([]) }
        for (key, value) in values { context[key] = value }
        context["kind"] = .scalar(kind.name)
        if let author = request.author, !author.isEmpty { context["author"] = .scalar(author) } else { context["author"] = nil }
        let rendered = try template.render(context)
        var text = "---\n" + rendered.frontMatter + "---\n" + rendered.body
        // Values the template does not place (or places differently) are set in its output.
        for (key, value) in values {
            let entry = try parseRendered(text, template: template, kind: kind)
            if Self.holds(entry.frontMatter[key], value) { continue }
            var bytes = Array(text.utf8)
            let lines = ByteLines(bytes)
            let closing = lines.lineRange(entry.bodyLine - 1).lowerBound
            if let index = entry.frontMatter.fields.firstIndex(where: { $0.key.text == key }) {
                let pair = entry.frontMatter.fields[index]
                guard let keyStart = lines.offset(of: pair.key.position),
                      let colon = bytes[keyStart...].firstIndex(of: 58) else {
                    throw .usage("\(template.origin): cannot place '\(key)' in its front-matter")
                }
                let end = index + 1 < entry.frontMatter.fields.count
                    ? (lines.offset(of: SourcePosition(line: entry.frontMatter.fields[index + 1].key.position.line, column: 1)) ?? closing)
                    : closing
                bytes.replaceSubrange((colon + 1)..<end, with: Array((" " + value.yaml + "\n").utf8))
            } else {
                bytes.insert(contentsOf: Array("\(key): \(value.yaml)\n".utf8), at: closing)
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        let entry = try parseRendered(text, template: template, kind: kind)
        for (key, value) in values where !Self.holds(entry.frontMatter[key], value) {
            throw .usage("\(template.origin) does not keep the value of '\(key)' exactly (is it inside quotes or HTML-escaped?)")
        }
        return text
    }

    private func parseRendered(_ text: String, template: EntryTemplate, kind: Kind) throws(EditError) -> Entry {
        let result = EntryParser.parse(path: GitPath(kind.dir + "/new.md"), kind: kind.name, bytes: Array(text.utf8))
        guard let entry = result.entry else {
            let problem = result.diagnostics.first.map { "line \($0.position.line): \($0.message)" } ?? "unreadable"
            throw .usage("\(template.origin) renders front-matter that is not valid YAML (\(problem))")
        }
        return entry
    }

    /// The front-matter value reads back as exactly `value`.
    static func holds(_ node: YAMLValue?, _ value: FieldValue) -> Bool {
        switch (node, value) {
        case (.scalar(let scalar)?, .scalar(let text)):
            return scalar.text == text && !(scalar.isNull && !text.isEmpty)
        case (.sequence(let items, _)?, .list(let texts)):
            return items.count == texts.count && zip(items, texts).allSatisfy { $0.scalar?.text == $1 && $0.scalar?.isNull == false }
        default:
            return false
        }
    }

    // MARK: - Paths

    /// The file for the entry: the kind's `path` pattern filled in, inside the kind's folder.
    private func path(for request: NewEntryRequest, kind: Kind, id: String, attempt: Int) throws(EditError) -> GitPath {
        let date = try date(request)
        let parts = date.split(separator: "-").map(String.init)
        var slug = Slug.make(request.title)
        if attempt > 0 { slug += "-\(attempt + 1)" }
        let number: String
        if let sequence = IDAllocator.sequenceNumber(id, prefix: kind.prefix) {
            number = IDAllocator.sequenceID(prefix: "", number: sequence).dropFirst().description
        } else {
            number = String(id.split(separator: "-").last ?? "")
        }
        var relative = kind.path
        for (placeholder, value) in [("{yyyy}", parts[0]), ("{mm}", parts[1]), ("{dd}", parts[2]), ("{date}", date),
                                     ("{slug}", slug), ("{id}", id), ("{nnnn}", number)] {
            relative = relative.replacingOccurrences(of: placeholder, with: value)
        }
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("{")
                                                              && !$0.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) }) else {
            throw .usage("the path pattern '\(kind.path)' of kind '\(kind.name)' gives '\(relative)', which is not a file inside \(kind.dir)/")
        }
        return GitPath(kind.dir + "/" + relative)
    }

    // MARK: - Supersession

    private func supersededEntry(_ id: String) throws(EditError) -> Entry {
        let corpus: Corpus
        do { corpus = try memory.corpus(of: snapshot, configuration: configuration) } catch { throw .repository(error) }
        let holders = corpus.entries(withID: id)
        guard let entry = holders.first else { throw .usage("--supersedes \(id): no entry has this id in the working tree") }
        guard holders.count == 1 else {
            throw .refused("--supersedes \(id): \(holders.count) entries have this id (\(holders.map(\.path.description).joined(separator: ", ")))")
        }
        return entry
    }

    /// Adds `newID` to the superseded entry's `superseded_by` and sets its status to `superseded`
    /// when its kind has that status, editing its bytes in place and replacing the file atomically.
    private func markSuperseded(_ id: String, by newID: String) throws(EditError) -> GitPath {
        let found = try supersededEntry(id)
        let file = root + found.path.description
        guard let data = FileManager.default.contents(atPath: file) else { throw .write("cannot read \(found.path)") }
        let editor = try FrontMatterEditor(path: found.path, kind: found.kind, bytes: Array(data))
        var edits = try editor.append(newID, to: "superseded_by")
        if configuration.kind(named: found.kind)?.statuses.contains("superseded") == true {
            edits += try editor.setScalar("status", to: "superseded")
        }
        guard !edits.isEmpty else { return found.path }
        do { try AtomicFile.replace(at: file, with: ByteEdit.apply(edits, to: editor.bytes)) } catch { throw .write(error.description) }
        return found.path
    }
}

extension MemoryRepository {
    /// The author as git would record one: `GIT_AUTHOR_NAME` in `environment`, else `user.name`,
    /// else `user.email` from the git configuration; `nil` when none is set.
    public func authorName(environment: [String: String]) -> String? {
        if let name = environment["GIT_AUTHOR_NAME"], !name.isEmpty { return name }
        for key in ["user.name", "user.email"] {
            if let value = try? repository.configString(key), !value.isEmpty { return value }
        }
        return nil
    }
}
