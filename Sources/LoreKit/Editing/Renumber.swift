import Foundation
import Git

/// One file `lore renumber` changes: its bytes before and after.
public struct FileEdit: Sendable, Hashable {
    /// The file, from the repository root.
    public let path: GitPath
    /// The bytes read when planning.
    public let original: [UInt8]
    /// The bytes to write.
    public let changed: [UInt8]
    /// How many places change (the id, list items, wiki links).
    public let editCount: Int
    /// The file differs from `HEAD` (or is not committed at all).
    public let hasUncommittedChanges: Bool
    /// The edits of `original` that make `changed`, each the bytes of one id.
    public let edits: [ByteEdit]
}

/// Every edit of a renumbering, planned before anything is written.
public struct RenumberPlan: Sendable {
    /// The id changed.
    public let oldID: String
    /// The id it becomes.
    public let newID: String
    /// The renumbered entry's file.
    public let entryPath: GitPath
    /// Each file to change, sorted by path.
    public let changes: [FileEdit]
    /// Things the user should know: references left alone because another entry keeps the old id.
    public let notes: [String]

    /// The changes as a unified diff (no context lines; `\r` of CRLF files not shown).
    public func diff() -> String {
        var out = ""
        for change in changes {
            out += "--- a/\(change.path)\n+++ b/\(change.path)\n"
            let old = ByteLines(change.original), new = ByteLines(change.changed)
            for line in 1...max(old.count, 1) where line <= new.count {
                let before = Array(change.original[old.lineRange(line)]), after = Array(change.changed[new.lineRange(line)])
                guard before != after else { continue }
                out += "@@ -\(line) +\(line) @@\n-\(String(decoding: before, as: UTF8.self))\n+\(String(decoding: after, as: UTF8.self))\n"
            }
        }
        return out
    }

    /// Files to change that have uncommitted changes.
    public var uncommitted: [GitPath] { changes.filter(\.hasUncommittedChanges).map(\.path) }
}

/// Changes an entry's id and every reference to it — front-matter id lists and `[[…]]` wiki
/// links — across the working tree, editing only the bytes of the id.
public enum Renumber {
    /// Plans renumbering the entry `target` (an id, or an entry's path when several share the id)
    /// to `newID` (the kind's next id when `nil`). Nothing is written. `overlay` holds texts that
    /// stand for files of the working tree (an editor's unsaved buffers): they are planned on
    /// instead of the files' bytes on disk.
    public static func plan(_ memory: MemoryRepository, target: String, newID requested: String?,
                            overlay: [GitPath: [UInt8]] = [:]) throws(EditError) -> RenumberPlan {
        guard let root = memory.repository.workingDirectory else {
            throw .repository(.repository(GitError(.bareRepository, "a bare repository has no working tree to renumber in",
                                                   context: "lore renumber")))
        }
        let snapshot: Snapshot
        let configuration: Configuration
        let corpus: Corpus
        do {
            snapshot = try memory.snapshot(.workingTree)
            configuration = try memory.configuration(in: snapshot)
            corpus = try memory.corpus(of: snapshot, configuration: configuration)
        } catch {
            throw .repository(error)
        }
        // An interrupted renumbering is finished first, by the same command (the journal says which).
        var requested = requested
        var notes: [String] = []
        if let journal = RenumberJournal.read(memory.repository) {
            let holder = corpus.entries(withID: journal.oldID).first { $0.path.description == target }
            guard target == journal.oldID || holder != nil, requested == nil || requested == journal.newID else {
                throw .refused("an interrupted renumbering of \(journal.oldID) to \(journal.newID) is not finished: run "
                               + "`lore renumber \(journal.oldID) \(journal.newID)` to finish it first")
            }
            requested = journal.newID
            notes.append("finishing the interrupted renumbering of \(journal.oldID) to \(journal.newID)")
            // Killed after its last file: nothing is left but the journal.
            if corpus.entries(withID: journal.oldID).isEmpty, let done = corpus.entries(withID: journal.newID).first {
                return RenumberPlan(oldID: journal.oldID, newID: journal.newID, entryPath: done.path, changes: [], notes: notes)
            }
        }
        // The entry: by id, or by path when the id is held twice (after a merge).
        var holders = corpus.entries(withID: target)
        var byPath = false
        if holders.isEmpty, let entry = corpus.entries.first(where: { $0.path.description == target }) {
            holders = [entry]
            byPath = true
        }
        guard let entry = holders.first, let oldID = entry.id else { throw .usage("no entry with id or path '\(target)' in the working tree") }
        guard holders.count == 1 else {
            let paths = holders.map(\.path.description)
            throw .refused("\(holders.count) entries have the id \(oldID) (\(paths.joined(separator: ", "))); name the one to renumber by its path: lore renumber \(paths.last!) NEW")
        }
        guard let kind = configuration.kind(named: entry.kind) else { throw .usage("no kind '\(entry.kind)' in the configuration") }
        if entry.frontMatter.derived["id"] != nil {
            throw .refused("the id \(oldID) of \(entry.path) comes from its file name; rename the file (git mv) to change it")
        }
        let newID: String
        if let requested {
            guard kind.idsFollowFileNames || kind.accepts(id: requested) else {
                throw .usage("\(requested) is not an id of kind '\(kind.name)' (\(kind.prefix)- then its \(kind.ids.rawValue) scheme)")
            }
            guard corpus.entries(withID: requested).allSatisfy({ $0.path == entry.path && RenumberJournal.read(memory.repository) != nil }) else {
                throw .refused("the id \(requested) is already held by \(corpus.entries(withID: requested).map(\.path.description).joined(separator: ", "))")
            }
            newID = requested
        } else {
            let taken: Set<String>
            do { taken = try IDAllocator.takenIDs(in: memory, configuration: configuration) } catch { throw .repository(error) }
            newID = kind.idsFollowFileNames
                ? IDAllocator.nextInTeamScheme(kindIDs: corpus.entries.filter { $0.kind == kind.name }.compactMap(\.id), taken: taken)
                : IDAllocator.first(for: kind, date: String((entry.date ?? "").prefix(10)), taken: taken)
        }
        guard newID != oldID else { throw .usage("the entry already has the id \(oldID)") }
        // References mean the renumbered entry only when no other entry keeps the old id.
        let othersKeepOld = byPath && corpus.entries(withID: oldID).count > 1

        let head: Snapshot? = memory.repository.isHeadUnborn ? nil : (try? memory.snapshot(.revision("HEAD")))
        var changes: [FileEdit] = []
        var candidates = corpus.entries.map { (path: $0.path, kind: $0.kind, entry: Optional($0)) }
        let known = Set(candidates.map(\.path))
        for path in overlay.keys.sorted() where !known.contains(path) {
            if let kind = configuration.kind(containing: path), EntryFileFilter.isEntry(path) { candidates.append((path, kind.name, nil)) }
        }
        for candidate in candidates {
            if overlay[candidate.path] == nil, let disk = candidate.entry {
                let mentions = candidate.path == entry.path || disk.links.contains { $0.kind == .wiki && $0.destination == oldID }
                    || idFields(of: disk, configuration).contains { disk.frontMatter.list($0).contains(oldID) }
                guard mentions else { continue }
            }
            let bytes: [UInt8]
            if let text = overlay[candidate.path] {
                bytes = text
            } else {
                guard let data = FileManager.default.contents(atPath: root + candidate.path.description) else {
                    throw .write("cannot read \(candidate.path)")
                }
                bytes = Array(data)
            }
            let editor: FrontMatterEditor
            do throws(EditError) {
                editor = try FrontMatterEditor(path: candidate.path, kind: candidate.kind, bytes: bytes)
            } catch {
                if overlay[candidate.path] != nil { continue }   // an unsaved text that does not read: left alone
                throw error
            }
            let parsed = editor.entry
            var edits: [ByteEdit] = []
            if candidate.path == entry.path, let id = parsed.frontMatter["id"]?.scalar {
                edits.append(try editor.replaceText(oldID, at: id.position, with: newID))
            }
            var references = 0
            for field in idFields(of: parsed, configuration) {
                for scalar in parsed.frontMatter.scalars(field) where scalar.text == oldID {
                    references += 1
                    if !othersKeepOld { edits.append(try editor.replaceText(oldID, at: scalar.position, with: newID)) }
                }
            }
            for link in parsed.links where link.kind == .wiki && link.destination == oldID {
                references += 1
                if !othersKeepOld {
                    edits.append(try editor.replaceWikiTarget(oldID, at: SourcePosition(line: link.line, column: link.column), with: newID))
                }
            }
            if othersKeepOld && references > 0 {
                notes.append("\(candidate.path): \(references) reference\(references == 1 ? "" : "s") to \(oldID) left unchanged (another entry keeps that id)")
            }
            guard !edits.isEmpty else { continue }
            let original = editor.bytes
            var dirty = true
            if let head, case .bytes(let committed)? = try? head.contents(at: candidate.path) { dirty = committed != original }
            changes.append(FileEdit(path: candidate.path, original: original, changed: ByteEdit.apply(edits, to: original),
                                      editCount: edits.count, hasUncommittedChanges: dirty, edits: edits))
        }
        changes.sort { $0.path < $1.path }
        return RenumberPlan(oldID: oldID, newID: newID, entryPath: entry.path, changes: changes, notes: notes)
    }

    /// The front-matter fields of an entry's kind that hold ids (`related`, `supersedes`,
    /// `superseded_by` and any declared `type: ids`).
    private static func idFields(of entry: Entry, _ configuration: Configuration) -> [String] {
        let kind = configuration.kind(named: entry.kind) ?? Configuration.builtIn.kinds[0]
        return kind.fields.filter { $0.type == .ids }.map(\.name)
    }

    /// Writes a plan: refuses when a file to change has uncommitted changes (unless `force`) or
    /// changed since it was planned; then replaces each file atomically (temporary file, rename),
    /// so an interruption leaves every file either as it was or as planned, never in between.
    ///
    /// Resumable: the renumbered entry's own file is written last, so until the end the old id
    /// still names it, and a journal in the git folder (`lore/renumber-journal`) records the old
    /// and new id until every file is written. After a kill or a failed write, running the same
    /// `lore renumber OLD NEW` again plans what is left and finishes; another renumbering is
    /// refused until then.
    public static func apply(_ plan: RenumberPlan, in memory: MemoryRepository, force: Bool) throws(EditError) {
        guard let root = memory.repository.workingDirectory else { throw .usage("a bare repository has no working tree") }
        if !force && !plan.uncommitted.isEmpty {
            throw .refused("uncommitted changes in \(plan.uncommitted.map(\.description).joined(separator: ", ")); "
                           + "commit them first, or use --force to edit them anyway")
        }
        guard !plan.changes.isEmpty else { RenumberJournal.remove(memory.repository); return }
        guard RenumberJournal.write(plan, memory.repository) else {
            throw .write("cannot write the renumbering journal in \(memory.repository.gitDirectory)lore; nothing was changed")
        }
        let crashAfter = TestHooks.crashAfterFiles
        let ordered = plan.changes.filter { $0.path != plan.entryPath } + plan.changes.filter { $0.path == plan.entryPath }
        let finish = "; run `lore renumber \(plan.oldID) \(plan.newID)` again to finish"
        for (index, change) in ordered.enumerated() {
            let file = root + change.path.description
            guard let data = FileManager.default.contents(atPath: file), Array(data) == change.original else {
                throw .refused("\(change.path) changed while renumbering; \(index) of \(plan.changes.count) files were written" + finish)
            }
            do {
                try AtomicFile.replace(at: file, with: change.changed, crashHalfway: crashAfter == index)
            } catch {
                throw .write("\(error); \(index) of \(plan.changes.count) files were written" + finish)
            }
        }
        RenumberJournal.remove(memory.repository)
    }
}

/// What an unfinished `lore renumber` was doing, kept in `lore/renumber-journal` of the git
/// folder from the first file written to the last: `OLD NEW` on one line.
enum RenumberJournal {
    static func path(_ repository: Repository) -> String { repository.gitDirectory + "lore/renumber-journal" }

    static func read(_ repository: Repository) -> (oldID: String, newID: String)? {
        guard let data = FileManager.default.contents(atPath: path(repository)) else { return nil }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 2 else { return nil }
        return (String(words[0]), String(words[1]))
    }

    static func write(_ plan: RenumberPlan, _ repository: Repository) -> Bool {
        mkdir(repository.gitDirectory + "lore", 0o755)
        return ScratchFile.write(Array("\(plan.oldID) \(plan.newID)\n".utf8), to: path(repository))
    }

    static func remove(_ repository: Repository) { unlink(path(repository)) }
}
