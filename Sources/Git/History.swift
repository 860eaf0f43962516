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
    /// Parent commit ids, first parent first.
    public let parents: [ObjectID]
    /// The author.
    public let author: Signature
    /// The committer.
    public let committer: Signature
    /// The full message.
    public let message: String
    /// The files changed against the first parent (against nothing for a root commit).
    public let changes: [FileChange]
}

extension Repository {
    /// Walks history from `revision` (newest first, parents after children), calling `body` with
    /// each commit and its changes against the first parent, with renames detected. Only paths under
    /// `prefixes` are diffed (all when empty). Return `false` from `body` to stop.
    ///
    /// A shallow clone is refused with `.unsupported`: its history stops at the boundary.
    public func walkHistory(from revision: String = "HEAD", under prefixes: [GitPath] = [],
                            _ body: (CommitRecord) throws -> Bool) throws {
        guard !isShallow else {
            throw GitError(.unsupported,
                           "the repository is a shallow clone, so its history is incomplete; fetch it whole with 'git fetch --unshallow' (in CI: fetch-depth: 0)",
                           context: "walking history")
        }
        let start = try resolveCommit(revision)
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, handle), "walking history")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "walking history")
        var startOid = start.oid
        try check(git_revwalk_push(walk, &startOid), "walking history from \(revision)")

        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a diff")
        var find = git_diff_find_options()
        try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing a diff")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue

        // The pathspec strings must outlive every diff: keep them in C memory for the whole walk.
        let specs: [UnsafeMutablePointer<CChar>?] = prefixes.map { prefix in prefix.withCString { strdup($0) } }
        defer { specs.forEach { free($0) } }
        var specArray = specs

        var oid = git_oid()
        while true {
            let rc = git_revwalk_next(&oid, walk)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try check(rc, "walking history")
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(ObjectID(oid))")
            defer { git_commit_free(commit) }
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commit), "reading the tree of \(ObjectID(oid))")
            defer { git_tree_free(tree) }
            var parents: [ObjectID] = []
            for index in 0..<git_commit_parentcount(commit) {
                parents.append(ObjectID(git_commit_parent_id(commit, index).pointee))
            }
            var parentTree: OpaquePointer?
            if !parents.isEmpty {
                var parent: OpaquePointer?
                try check(git_commit_parent(&parent, commit, 0), "reading the parent of \(ObjectID(oid))")
                defer { git_commit_free(parent) }
                try check(git_commit_tree(&parentTree, parent), "reading the parent tree of \(ObjectID(oid))")
            }
            defer { if let parentTree { git_tree_free(parentTree) } }

            var diff: OpaquePointer?
            let diffRC = specArray.withUnsafeMutableBufferPointer { buffer -> Int32 in
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                return git_diff_tree_to_tree(&diff, handle, parentTree, tree, &options)
            }
            try check(diffRC, "diffing commit \(ObjectID(oid))")
            defer { git_diff_free(diff) }
            try check(git_diff_find_similar(diff, &find), "finding renames in \(ObjectID(oid))")
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
            let message = git_commit_message(commit).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
            let record = CommitRecord(id: ObjectID(oid), parents: parents,
                                      author: Signature(git_commit_author(commit)),
                                      committer: Signature(git_commit_committer(commit)),
                                      message: message, changes: changes)
            if try !body(record) { break }
        }
    }
}
