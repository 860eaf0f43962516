import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A commit's parents and message, read without diffing anything: what a walk over history needs.
public struct CommitHeader: Sendable, Hashable {
    /// The commit id.
    public let id: ObjectID
    /// Parent commit ids, first parent first, as recorded (a shallow clone may not hold them).
    public let parents: [ObjectID]
    /// The full message.
    public let message: String
    /// Who committed it, and when.
    public let committer: Signature
}

extension ObjectID {
    /// The id written as 40 hexadecimal digits (either case); `nil` for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, 40) == 0 else { git_error_clear(); return nil }
        self.init(oid)
    }
}

extension Repository {
    /// The parents, message and committer of commit `id`, without reading its tree.
    public func readCommitHeader(_ id: ObjectID) throws(GitError) -> CommitHeader {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(id)")
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        for index in 0..<git_commit_parentcount(commit) {
            parents.append(ObjectID(git_commit_parent_id(commit, index).pointee))
        }
        let message = git_commit_message(commit).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        return CommitHeader(id: id, parents: parents, message: message, committer: Signature(git_commit_committer(commit)))
    }

    /// The best common ancestor of two commits, or `nil` when they share no history.
    public func mergeBase(_ one: ObjectID, _ other: ObjectID) throws(GitError) -> ObjectID? {
        var result = git_oid()
        var a = one.oid, b = other.oid
        let rc = git_merge_base(&result, handle, &a, &b)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "finding the merge base of \(one) and \(other)")
        return ObjectID(result)
    }

    /// Every path that differs between commit `old` (nothing when `nil`) and commit `new`: both
    /// sides of a rename, added, deleted and modified files, sorted by bytes. No rename detection
    /// runs: a rename is a deletion plus an addition, and both paths count.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [GitPath] {
        let newTree = try commitTree(new)
        let oldTree = try old.map { (id: ObjectID) throws(GitError) -> TreeHandle in try commitTree(id) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a diff")
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, oldTree?.pointer, newTree.pointer, &options),
                  "diffing \(old?.hex ?? "nothing") with \(new)")
        defer { git_diff_free(diff) }
        return Self.paths(of: diff)
    }

    /// The tree of commit `id`, owned: the one commit-to-tree lookup of the Git layer.
    func commitTree(_ id: ObjectID) throws(GitError) -> TreeHandle {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(id)")
        defer { git_commit_free(commit) }
        return try tree(ofCommit: commit!, id: id)
    }

    /// The tree of an open commit (`id` names it in errors), owned.
    func tree(ofCommit commit: OpaquePointer, id: ObjectID) throws(GitError) -> TreeHandle {
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, commit), "reading the tree of \(id)")
        return TreeHandle(tree!)
    }

    /// The old and new paths of every delta of a diff, sorted and without repeats.
    static func paths(of diff: OpaquePointer?) -> [GitPath] {
        var paths = Set<GitPath>()
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index) else { continue }
            if let old = delta.pointee.old_file.path { paths.insert(GitPath(cString: old)) }
            if let new = delta.pointee.new_file.path { paths.insert(GitPath(cString: new)) }
        }
        return paths.sorted()
    }
}

extension Snapshot {
    /// Every path that differs between commit `revision` (nothing when `nil`, as on an unborn
    /// branch) and this snapshot, both sides of renames and deleted files included, sorted. For the
    /// working tree, untracked files that git does not ignore count as added.
    public func changedPathsIncludingDeletions(since revision: String?) throws(GitError) -> [GitPath] {
        let base = try revision.map { (text: String) throws(GitError) -> TreeHandle in
            try repository.commitTree(try repository.resolveCommit(text))
        }
        return try diff(from: base?.pointer) { diff in Repository.paths(of: diff) }
    }
}
