import Foundation
import Git

/// `lore import KIND PATH…`: writes the values a kind derives for records read as found (ids from
/// file names, titles from headings, statuses from sections …) into YAML front-matter at the top of
/// each file, leaving every byte of the body as it was.
public enum RecordImport {
    /// Every change of an import, planned before anything is written.
    public struct Plan: Sendable {
        /// Each file to change, sorted by path.
        public let changes: [FileEdit]
        /// Files of the kind under the paths that are left alone, and why.
        public let skipped: [(path: GitPath, reason: String)]

        /// The changes as a unified diff (the lines added; nothing else changes).
        public func diff() -> String {
            var out = ""
            for change in changes {
                out += "--- a/\(change.path)\n+++ b/\(change.path)\n"
                // The added block is one run of lines starting at the same line in both.
                let old = ByteLines(change.original), new = ByteLines(change.changed)
                var first = 1
                while first <= old.count, first <= new.count,
                      change.original[old.lineRange(first)] == change.changed[new.lineRange(first)] { first += 1 }
                let added = new.count - old.count
                out += "@@ -\(first - 1),0 +\(first),\(added) @@\n"
                for line in first..<(first + added) where line <= new.count {
                    out += "+" + String(decoding: change.changed[new.lineRange(line)], as: UTF8.self) + "\n"
                }
            }
            return out
        }

        /// Files to change that have uncommitted changes.
        public var uncommitted: [GitPath] { changes.filter(\.hasUncommittedChanges).map(\.path) }
    }

    /// The fields written, in this order, when derived: the common ones, then the kind's others.
    static let leading = ["id", "title", "date", "status"]

    /// Plans importing the entries of `kind` under `paths` (repository-relative files or folders;
    /// all of the kind's entries when empty). Nothing is written.
    public static func plan(_ memory: MemoryRepository, kind kindName: String, paths: [String]) throws(EditError) -> Plan {
        guard let root = memory.repository.workingDirectory else { throw .usage("a bare repository has no working tree to import in") }
        let configuration: Configuration
        let corpus: Corpus
        do {
            let snapshot = try memory.snapshot(.workingTree)
            configuration = try memory.configuration(in: snapshot)
            corpus = try memory.corpus(of: snapshot, configuration: configuration)
        } catch {
            throw .repository(error)
        }
        guard let kind = configuration.kind(named: kindName) else {
            throw .usage("unknown kind '\(kindName)'; this repository has \(configuration.kinds.map(\.name).joined(separator: ", "))")
        }
        let scopes = paths.map { GitPath($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
        let entries = corpus.entries.filter { entry in entry.kind == kind.name && (scopes.isEmpty || scopes.contains { entry.path.isInside($0) }) }
        if entries.isEmpty { throw .usage("no \(kind.name) entry under \(paths.isEmpty ? kind.dir : paths.joined(separator: ", "))") }
        let head: Snapshot? = memory.repository.isHeadUnborn ? nil : (try? memory.snapshot(.revision("HEAD")))
        var changes: [FileEdit] = []
        var skipped: [(GitPath, String)] = []
        for entry in entries {
            let frontMatter = entry.frontMatter
            guard frontMatter.syntax == .none || frontMatter.syntax == .yaml else {
                skipped.append((entry.path, "\(frontMatter.syntax.rawValue.uppercased()) front-matter is left as it is"))
                continue
            }
            let file = root + entry.path.description
            guard let data = FileManager.default.contents(atPath: file) else { throw .write("cannot read \(entry.path)") }
            let original = Array(data)
            // Values taken from elsewhere than the front-matter, for keys it does not have (even empty).
            let raw = EntryParser.parse(path: entry.path, kind: kind.name, bytes: original, readsFilesWithoutFrontMatter: true)
            guard !raw.diagnostics.contains(where: { $0.code == "invalid-yaml" }) else {
                skipped.append((entry.path, "its YAML front-matter is not valid (a colon in a plain value): quote the value first"))
                continue
            }
            let rawKeys = Set(raw.entry?.frontMatter.fields.map(\.key.text) ?? [])
            let derived = frontMatter.derived.filter { !$0.value.hasPrefix("front-matter") && $0.value != FieldDerivation.pendingGit && !rawKeys.contains($0.key) }
            var names = leading.filter { derived[$0] != nil }
            names += kind.fields.map(\.name).filter { derived[$0] != nil && !names.contains($0) }
            guard !names.isEmpty else {
                skipped.append((entry.path, "nothing to import"))
                continue
            }
            let crlf = original.firstIndex(of: 10).map { $0 > 0 && original[$0 - 1] == 13 } ?? false
            let newline: [UInt8] = crlf ? [13, 10] : [10]
            var block: [UInt8] = []
            for name in names {
                guard let value = frontMatter[name] else { continue }
                let text: String
                switch value {
                case .scalar(let scalar): text = YAMLEmitter.scalar(scalar.text)
                case .sequence(let items, _): text = YAMLEmitter.flowSequence(items.compactMap(\.scalar?.text))
                case .mapping: continue
                }
                block += Array("\(name): \(text)".utf8) + newline
            }
            var changed: [UInt8]
            let edit: ByteEdit
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            let start = original.starts(with: bom) ? 3 : 0
            if frontMatter.syntax == .none {
                edit = ByteEdit(range: start..<start, replacement: Array("---".utf8) + newline + block + Array("---".utf8) + newline)
                changed = Array(original[..<start]) + Array("---".utf8) + newline + block + Array("---".utf8) + newline + Array(original[start...])
            } else {
                // Before the closing fence: the line before the body.
                let lines = ByteLines(original)
                let closing = entry.bodyLine - 1
                guard closing >= 2, closing <= lines.count else { skipped.append((entry.path, "front-matter not found")); continue }
                let offset = lines.lineRange(closing).lowerBound
                edit = ByteEdit(range: offset..<offset, replacement: block)
                changed = Array(original[..<offset]) + block + Array(original[offset...])
            }
            // Proof: read back, the record is the same and the body is untouched.
            let reread = FieldDerivation.apply(EntryParser.parse(path: entry.path, kind: kind.name, bytes: changed, readsFilesWithoutFrontMatter: true), kind: kind)
            guard let back = reread.entry, back.id == entry.id, back.title == entry.title, back.date == entry.date, back.status == entry.status,
                  frontMatter.syntax == .yaml || changed.suffix(original.count - start).elementsEqual(original[start...]) else {
                skipped.append((entry.path, "the written front-matter would not read back as the same record"))
                continue
            }
            var dirty = true
            if let head, case .bytes(let committed)? = try? head.contents(at: entry.path) { dirty = committed != original }
            changes.append(FileEdit(path: entry.path, original: original, changed: changed, editCount: names.count, hasUncommittedChanges: dirty,
                                    edits: [edit]))
        }
        changes.sort { $0.path < $1.path }
        return Plan(changes: changes, skipped: skipped)
    }

    /// Writes a plan: refuses when a file has uncommitted changes or changed since it was planned;
    /// replaces each file atomically.
    public static func apply(_ plan: Plan, in memory: MemoryRepository) throws(EditError) {
        guard let root = memory.repository.workingDirectory else { throw .usage("a bare repository has no working tree") }
        if !plan.uncommitted.isEmpty {
            throw .refused("uncommitted changes in \(plan.uncommitted.map(\.description).joined(separator: ", ")); commit them first")
        }
        for (index, change) in plan.changes.enumerated() {
            let file = root + change.path.description
            guard let data = FileManager.default.contents(atPath: file), Array(data) == change.original else {
                throw .refused("\(change.path) changed while importing; \(index) of \(plan.changes.count) files were written, run again")
            }
            do {
                try AtomicFile.replace(at: file, with: change.changed)
            } catch {
                throw .write("\(error); \(index) of \(plan.changes.count) files were written")
            }
        }
    }
}
