import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who made a commit, and when.
public struct Signature: Sendable, Hashable {
    /// The name as recorded.
    public let name: String
    /// The e-mail as recorded.
    public let email: String
    /// Seconds since the Unix epoch.
    public let time: Int64
    /// The recorded time-zone offset, in minutes east of UTC.
    public let offsetMinutes: Int

    init(_ signature: UnsafePointer<git_signature>) {
        name = signature.pointee.name.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        email = signature.pointee.email.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        time = signature.pointee.when.time
        offsetMinutes = Int(signature.pointee.when.offset)
    }
}

/// How one file changed in a commit, compared with its first parent.
public struct FileChange: Sendable, Hashable {
    /// What happened to the file.
    public enum Status: String, Sendable { case added, deleted, modified, renamed, typeChanged }
    /// What happened to the file.
    public let status: Status
    /// The path before (for added files, the same as `newPath`).
    public let oldPath: GitPath
    /// The path after (for deleted files, the same as `oldPath`).
    public let newPath: GitPath

    /// A change.
    public init(status: Status, oldPath: GitPath, newPath: GitPath) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
    }
}

/// One commit of history with the files it changed.
public struct CommitRecord: Sendable, Hashable {
    /// The commit id.
    public let id: ObjectID
    /// Parent commit ids, first parent first (empty for a root commit and at a shallow boundary).
    public let parents: [ObjectID]
    /// The author.
    public let author: Signature
    /// The committer.
    public let committer: Signature
    /// The full message.
    public let message: String
    /// The files changed against the first parent (against nothing for a root commit or a shallow
    /// boundary commit).
    public let changes: [FileChange]
    /// For a merge, the paths that differ from each parent after the first (second parent first):
    /// a path missing from a list is the same as in that parent.
    public let otherParentChanges: [[GitPath]]
    /// The commit is at the shallow boundary of a shallow clone: its parents are not in the
    /// repository, so its `changes` list everything it has, not what it changed.
    public let isShallowBoundary: Bool
}

extension Repository {
    /// The commits at the shallow boundary of a shallow clone (the `shallow` file of the common git
    /// folder); empty for a complete repository.
    public func shallowBoundary() -> Set<ObjectID> {
        guard isShallow, let data = FileManager.default.contents(atPath: commonDirectory + "shallow") else { return [] }
        var result = Set<ObjectID>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var oid = git_oid()
            if line.utf8.count == 40, git_oid_fromstrn(&oid, String(line), 40) == 0 { result.insert(ObjectID(oid)) } else { git_error_clear() }
        }
        return result
    }

    /// The full id of the commit whose id starts with `hex` (4 to 40 hexadecimal digits), or `nil`
    /// when there is none or the prefix is ambiguous.
    public func commitID(prefix hex: String) -> ObjectID? {
        guard (4...40).contains(hex.utf8.count) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, hex.utf8.count) == 0 else { git_error_clear(); return nil }
        var object: OpaquePointer?
        let rc = git_object_lookup_prefix(&object, handle, &oid, hex.utf8.count, GIT_OBJECT_COMMIT)
        if rc < 0 { git_error_clear(); return nil }
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object).pointee)
    }

    /// Reads one commit with the files it changed under `prefixes` (all when empty) against its
    /// first parent, renames detected, and for a merge the paths that differ from each other parent.
    /// A commit in `boundary` (see `shallowBoundary()`) is read as if it had no parents.
    public func readCommit(_ id: ObjectID, under prefixes: [GitPath] = [], boundary: Set<ObjectID> = []) throws(GitError) -> CommitRecord {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(id)")
        defer { git_commit_free(commit) }
        let treeHandle = try self.tree(ofCommit: commit!, id: id)
        defer { withExtendedLifetime(treeHandle) {} }
        let tree = treeHandle.pointer
        let isBoundary = boundary.contains(id)
        var parents: [ObjectID] = []
        if !isBoundary {
            for index in 0..<git_commit_parentcount(commit) {
                parents.append(ObjectID(git_commit_parent_id(commit, index).pointee))
            }
        }
        let changes = try diffTrees(try parentTree(parents.first, of: id), tree, under: prefixes, renames: true,
                                    context: "diffing commit \(id)")
        var others: [[GitPath]] = []
        for parent in parents.dropFirst() {
            let found = try diffTrees(try parentTree(parent, of: id), tree, under: prefixes, renames: false,
                                      context: "diffing commit \(id) with its parent \(parent)")
            others.append(found.map(\.newPath))
        }
        let message = git_commit_message(commit).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        return CommitRecord(id: id, parents: parents, author: Signature(git_commit_author(commit)),
                            committer: Signature(git_commit_committer(commit)), message: message,
                            changes: changes, otherParentChanges: others, isShallowBoundary: isBoundary)
    }

    /// The tree of commit `parent` (read for its child `child`), or `nil` for no parent.
    private func parentTree(_ parent: ObjectID?, of child: ObjectID) throws(GitError) -> TreeHandle? {
        guard let parent else { return nil }
        return try commitTree(parent)
    }

    /// The changes from `old` (nothing when `nil`) to `new` under `prefixes`. When every prefix names
    /// the same subtree on both sides (most commits of a repository that is mostly code), no diff runs.
    private func diffTrees(_ oldHandle: TreeHandle?, _ new: OpaquePointer, under prefixes: [GitPath], renames: Bool,
                           context: String) throws(GitError) -> [FileChange] {
        defer { withExtendedLifetime(oldHandle) {} }
        let old = oldHandle?.pointer
        if !prefixes.isEmpty {
            func entryID(_ tree: OpaquePointer?, _ path: GitPath) -> git_oid? {
                guard let tree else { return nil }
                var entry: OpaquePointer?
                let rc = path.withCString { git_tree_entry_bypath(&entry, tree, $0) }
                if rc < 0 { git_error_clear(); return nil }
                defer { git_tree_entry_free(entry) }
                return git_tree_entry_id(entry).pointee
            }
            let unchanged = prefixes.allSatisfy { prefix in
                let a = entryID(old, prefix), b = entryID(new, prefix)
                switch (a, b) {
                case (nil, nil): return true
                case (var a?, var b?): return git_oid_equal(&a, &b) == 1
                default: return false
                }
            }
            if unchanged { return [] }
            // Most commits only add or change files: a merge-join of the changed subtrees is
            // exact and far cheaper than libgit2's diff machinery. Only when files were both
            // removed and added (a rename, perhaps) does libgit2 run, to detect renames as git does.
            if let quick = quickChanges(old, new, under: prefixes),
               !renames || !(quick.contains { $0.status == .added } && quick.contains { $0.status == .deleted }) {
                return quick
            }
        }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a diff")
        // The pathspec strings must outlive the diff: C copies for the call.
        let specs: [UnsafeMutablePointer<CChar>?] = prefixes.map { prefix in prefix.withCString { strdup($0) } }
        defer { specs.forEach { free($0) } }
        var specArray = specs
        var diff: OpaquePointer?
        let diffRC = specArray.withUnsafeMutableBufferPointer { buffer -> Int32 in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_diff_tree_to_tree(&diff, handle, old, new, &options)
        }
        try check(diffRC, context)
        defer { git_diff_free(diff) }
        if renames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing a diff")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check(git_diff_find_similar(diff, &find), "finding renames, \(context)")
        }
        var changes: [FileChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            let status: FileChange.Status
            switch delta.pointee.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_TYPECHANGE: status = .typeChanged
            default: status = .modified
            }
            changes.append(FileChange(status: status,
                                      oldPath: GitPath(cString: delta.pointee.old_file.path),
                                      newPath: GitPath(cString: delta.pointee.new_file.path)))
        }
        return changes
    }

    /// The parents of commit `id` (none when it is in `boundary`), without diffing anything.
    public func parents(of id: ObjectID, boundary: Set<ObjectID> = []) throws(GitError) -> [ObjectID] {
        guard !boundary.contains(id) else { return [] }
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(id)")
        defer { git_commit_free(commit) }
        return (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0).pointee) }
    }

    /// The changes under `prefixes` from tree `old` to tree `new`, found by walking both trees in
    /// step and descending only into subtrees whose ids differ; as libgit2 reports them without
    /// rename detection (a type change is a deletion and an addition). `nil` when a tree cannot be
    /// read (the caller then lets libgit2 try and report the error).
    private func quickChanges(_ old: OpaquePointer?, _ new: OpaquePointer, under prefixes: [GitPath]) -> [FileChange]? {
        // A prefix inside another is covered by it.
        let roots = prefixes.filter { prefix in !prefixes.contains { $0 != prefix && prefix.isInside($0) } }
        var changes: [FileChange] = []
        for prefix in Set(roots).sorted() {
            let a = subtree(old, prefix), b = subtree(new, prefix)
            if case .failed = a { return nil }
            if case .failed = b { return nil }
            guard walk(a.tree, b.tree, base: prefix.bytes, into: &changes) else { return nil }
        }
        return changes
    }

    private enum Subtree {
        case tree(TreeHandle?)
        case failed
        var tree: OpaquePointer? { if case .tree(let handle) = self { return handle?.pointer } else { return nil } }
    }

    /// The tree at `path` inside `root` (`nil` inside when there is none, or it is not a tree).
    private func subtree(_ root: OpaquePointer?, _ path: GitPath) -> Subtree {
        guard let root else { return .tree(nil) }
        var entry: OpaquePointer?
        let rc = path.withCString { git_tree_entry_bypath(&entry, root, $0) }
        if rc < 0 { git_error_clear(); return .tree(nil) }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return .tree(nil) }
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, handle, git_tree_entry_id(entry)) == 0, let tree else { git_error_clear(); return .failed }
        return .tree(TreeHandle(tree))
    }

    /// Appends the changes from `old` to `new` (either may be absent), paths under `base`.
    private func walk(_ old: OpaquePointer?, _ new: OpaquePointer?, base: [UInt8], into changes: inout [FileChange]) -> Bool {
        let oldCount = old.map { git_tree_entrycount($0) } ?? 0
        let newCount = new.map { git_tree_entrycount($0) } ?? 0
        var i = 0, j = 0
        func name(_ entry: OpaquePointer) -> UnsafeBufferPointer<UInt8> {
            let pointer = git_tree_entry_name(entry)!
            return UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
        }
        func path(_ entry: OpaquePointer) -> [UInt8] { base.isEmpty ? Array(name(entry)) : base + [UInt8(ascii: "/")] + name(entry) }
        func isTree(_ entry: OpaquePointer) -> Bool { git_tree_entry_type(entry) == GIT_OBJECT_TREE }
        /// Every file under a tree entry (or the entry itself), as added or deleted.
        func whole(_ entry: OpaquePointer, _ status: FileChange.Status) -> Bool {
            guard isTree(entry) else {
                let file = GitPath(bytes: path(entry))
                changes.append(FileChange(status: status, oldPath: file, newPath: file))
                return true
            }
            var tree: OpaquePointer?
            guard git_tree_lookup(&tree, handle, git_tree_entry_id(entry)) == 0, let tree else { git_error_clear(); return false }
            defer { git_tree_free(tree) }
            return status == .added ? walk(nil, tree, base: path(entry), into: &changes) : walk(tree, nil, base: path(entry), into: &changes)
        }
        // Git orders a tree's entries by name, a subtree's name compared as if it ended in "/".
        func order(_ a: OpaquePointer, _ b: OpaquePointer) -> Int {
            let x = name(a), y = name(b)
            let n = min(x.count, y.count)
            let c = memcmp(x.baseAddress!, y.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
            let xe: UInt8 = x.count > n ? x[n] : (isTree(a) ? UInt8(ascii: "/") : 0)
            let ye: UInt8 = y.count > n ? y[n] : (isTree(b) ? UInt8(ascii: "/") : 0)
            return xe == ye ? 0 : xe < ye ? -1 : 1
        }
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(old, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(new, j) : nil
            switch (a, b) {
            case (let a?, let b?):
                let c = order(a, b)
                if c < 0 {
                    guard whole(a, .deleted) else { return false }
                    i += 1
                } else if c > 0 {
                    guard whole(b, .added) else { return false }
                    j += 1
                } else {
                    i += 1
                    j += 1
                    let sameID = git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) == 1
                    if isTree(a) && isTree(b) {
                        guard !sameID else { continue }
                        var oldTree: OpaquePointer?, newTree: OpaquePointer?
                        guard git_tree_lookup(&oldTree, handle, git_tree_entry_id(a)) == 0,
                              git_tree_lookup(&newTree, handle, git_tree_entry_id(b)) == 0 else {
                            git_error_clear()
                            git_tree_free(oldTree)
                            return false
                        }
                        defer { git_tree_free(oldTree); git_tree_free(newTree) }
                        guard walk(oldTree, newTree, base: path(a), into: &changes) else { return false }
                    } else if isTree(a) != isTree(b) || Self.isLink(a) != Self.isLink(b) {
                        // A file became a folder or a link, or the reverse: libgit2 (without
                        // type-change detection) reports a deletion and an addition.
                        guard whole(a, .deleted), whole(b, .added) else { return false }
                    } else if !sameID || git_tree_entry_filemode(a) != git_tree_entry_filemode(b) {
                        let file = GitPath(bytes: path(b))
                        changes.append(FileChange(status: .modified, oldPath: file, newPath: file))
                    }
                }
            case (let a?, nil):
                guard whole(a, .deleted) else { return false }
                i += 1
            case (nil, let b?):
                guard whole(b, .added) else { return false }
                j += 1
            case (nil, nil):
                return true
            }
        }
        return true
    }

    private static func isLink(_ entry: OpaquePointer) -> Bool { git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK }

    /// The commits reachable from `start`, parents before children (a depth-first post-order,
    /// first parent first), stopping at `boundary`. `parents` gives a commit's parents (from a cache,
    /// or by reading it); the walk is iterative, so a history of any length fits the stack.
    public static func parentsFirstOrder(from start: ObjectID,
                                         parents: (ObjectID) throws(GitError) -> [ObjectID]) throws(GitError) -> [ObjectID] {
        var order: [ObjectID] = []
        var state: [ObjectID: Bool] = [:]     // false: on the stack; true: emitted
        var stack: [(id: ObjectID, parents: [ObjectID], next: Int)] = [(start, try parents(start), 0)]
        state[start] = false
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].next < stack[top].parents.count {
                let parent = stack[top].parents[stack[top].next]
                stack[top].next += 1
                if state[parent] == nil {
                    state[parent] = false
                    stack.append((parent, try parents(parent), 0))
                }
            } else {
                let done = stack.removeLast()
                state[done.id] = true
                order.append(done.id)
            }
        }
        return order
    }

    /// Walks history from `revision`, newest first (children before parents), calling `body` with
    /// each commit and its changes against the first parent, with renames detected. Only paths under
    /// `prefixes` are diffed (all when empty). Return `false` from `body` to stop.
    ///
    /// In a shallow clone the walk stops at the shallow boundary; the boundary commits are reported
    /// with `isShallowBoundary` set. Returns `false` when history was incomplete (a shallow clone).
    @discardableResult
    public func walkHistory(from revision: String = "HEAD", under prefixes: [GitPath] = [],
                            _ body: (CommitRecord) throws -> Bool) throws -> Bool {
        let start = try resolveCommit(revision)
        let boundary = shallowBoundary()
        var records: [ObjectID: CommitRecord] = [:]
        let order = try Repository.parentsFirstOrder(from: start) { (id: ObjectID) throws(GitError) -> [ObjectID] in
            let record = try readCommit(id, under: prefixes, boundary: boundary)
            records[id] = record
            return record.parents
        }
        for id in order.reversed() {
            if try !body(records[id]!) { break }
        }
        return boundary.isEmpty
    }
}

/// Owns a tree handle: freed once when the value goes away.
final class TreeHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_free(pointer) }
}
