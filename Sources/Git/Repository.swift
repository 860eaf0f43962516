import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open git repository: the one owner of a libgit2 repository handle.
///
/// Not Sendable (libgit2 handles are not); everything it returns is a Sendable value. Open one per
/// thread when reading in parallel.
public final class Repository {
    let handle: OpaquePointer

    /// The `.git` folder (for a linked worktree, its private folder), with a trailing `/`.
    public let gitDirectory: String
    /// The working tree with a trailing `/`, or `nil` for a bare repository.
    public let workingDirectory: String?
    /// The repository has no working tree.
    public var isBare: Bool { workingDirectory == nil }

    private init(handle: OpaquePointer) {
        self.handle = handle
        gitDirectory = String(cString: git_repository_path(handle))
        workingDirectory = git_repository_workdir(handle).map { String(cString: $0) }
    }

    deinit { git_repository_free(handle) }

    /// Opens the repository containing `path`, searching upwards like git does: a working tree or
    /// any folder in it, a bare repository, a linked worktree, or a `.git` folder.
    public static func discover(from path: String) throws(GitError) -> Repository {
        _ = libgit2Ready
        var handle: OpaquePointer?
        var rc = git_repository_open_ext(&handle, path, 0, nil)
        if rc < 0 {
            let error = lastError(rc, "opening the repository at \(path)")
            // Owned by another user: open when git would (`safe.directory = *`, GIT_CONFIG_GLOBAL).
            if isOwnership(error), let found = discoverPath(from: path), SafeDirectory.trusts([found, path]) {
                SafeDirectory.allow()
                rc = git_repository_open_ext(&handle, path, 0, nil)
                if rc >= 0 { return Repository(handle: handle!) }
                throw explain(lastError(rc, "opening the repository at \(path)"), path: path)
            }
            throw explain(error, path: path)
        }
        return Repository(handle: handle!)
    }

    /// Opens exactly the repository whose git folder is `gitDirectory`, without searching.
    public static func open(gitDirectory: String) throws(GitError) -> Repository {
        _ = libgit2Ready
        var handle: OpaquePointer?
        var rc = git_repository_open_ext(&handle, gitDirectory, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        if rc < 0 {
            let error = lastError(rc, "opening the repository at \(gitDirectory)")
            guard isOwnership(error), SafeDirectory.trusts([gitDirectory, (gitDirectory as NSString).deletingLastPathComponent]) else {
                throw explain(error, path: gitDirectory)
            }
            SafeDirectory.allow()
            rc = git_repository_open_ext(&handle, gitDirectory, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
            if rc < 0 { throw explain(lastError(rc, "opening the repository at \(gitDirectory)"), path: gitDirectory) }
        }
        return Repository(handle: handle!)
    }

    private static func isOwnership(_ error: GitError) -> Bool {
        error.code == .notOwner || error.message.contains("safe.directory") || error.message.contains("not owned")
    }

    /// The folder git would report for `path` (the working tree, or the git folder of a bare
    /// repository), found without opening it.
    private static func discoverPath(from path: String) -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_repository_discover(&buffer, path, 0, nil) == 0, let pointer = buffer.ptr else { git_error_clear(); return nil }
        var found = String(cString: pointer)
        while found.count > 1 && found.hasSuffix("/") { found.removeLast() }
        // A working tree's `.git` folder: git compares the working tree.
        return found.hasSuffix("/.git") ? String(found.dropLast(5)) : found
    }

    /// Rewrites the errors libgit2 gives for repository shapes it cannot read into plain advice.
    private static func explain(_ error: GitError, path: String) -> GitError {
        var error = error
        if error.code == .notOwner || error.message.contains("safe.directory") || error.message.contains("not owned") {
            error.code = .notOwner
            error.message = "the repository is owned by another user; git refuses it too unless it is "
                + "trusted: git config --global --add safe.directory '\(path)'"
        } else if let range = error.message.range(of: "unsupported extension name ") {
            let name = error.message[range.upperBound...]
            error.code = .unsupported
            error.message = "the repository uses the git extension '\(name)'"
                + (name.lowercased().contains("objectformat") ? " (SHA-256 object ids)" : "")
                + ", which libgit2 1.5 cannot read"
        } else if error.code == .notFound {
            error.message = "not a git repository (or any of the parent folders)"
        }
        return error
    }

    /// The folder shared by all worktrees (`.git/` of the main one), with a trailing `/`.
    public var commonDirectory: String { String(cString: git_repository_commondir(handle)) }

    /// The folder git runs hooks from: `core.hooksPath` when set (relative to the top of the working
    /// tree, as git reads it), else `hooks/` in the common folder, which linked worktrees share.
    public func hooksDirectory() throws(GitError) -> String {
        if var configured = try configString("core.hooksPath"), !configured.isEmpty {
            if configured.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
                configured = home + configured.dropFirst(1)
            }
            if configured.hasPrefix("/") { return configured }
            return (workingDirectory ?? gitDirectory) + configured
        }
        return commonDirectory + "hooks"
    }

    /// The repository is a shallow clone: history stops at its shallow boundary.
    public var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

    /// `HEAD` names a branch that has no commit yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    /// The commit `revision` (`HEAD`, a branch, a tag, an abbreviated id …) points at.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        let context = "resolving the revision '\(revision)'"
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, handle, revision)
        if rc < 0 {
            var error = lastError(rc, context)
            if error.code == .notFound || error.code == .invalidSpec || error.code == .unbornBranch {
                if isHeadUnborn && revision.hasPrefix("HEAD") {
                    error.code = .unbornBranch
                    error.message = "HEAD has no commit yet (unborn branch)"
                } else {
                    error.message = "unknown revision"
                }
            } else if error.code == .ambiguous {
                error.message = "ambiguous revision: give more digits"
            }
            throw error
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peel = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if peel < 0 {
            var error = lastError(peel, context)
            error.message = "the revision does not name a commit"
            throw error
        }
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }

    /// The value of a configuration key (`user.name`) as git would read it, or `nil` when unset.
    public func configString(_ key: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, handle), "reading the git configuration")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let rc = git_config_get_string(&value, config, key)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "reading the git configuration key \(key)")
        return value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) }
    }

    /// The raw bytes of the blob `id`, or `.tooLarge` without reading it when it exceeds `limit`.
    public func blobContents(_ id: ObjectID, limit: Int = .max) throws(GitError) -> FileContents {
        var oid = id.oid
        if limit != .max {
            var odb: OpaquePointer?
            try check(git_repository_odb(&odb, handle), "opening the object database")
            defer { git_odb_free(odb) }
            var size = 0
            var type = GIT_OBJECT_ANY
            try check(git_odb_read_header(&size, &type, odb, &oid), "reading object \(id)")
            if size > limit { return .tooLarge(size) }
        }
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &oid), "reading blob \(id)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return .bytes([]) }
        return .bytes(Array(UnsafeRawBufferPointer(start: raw, count: size)))
    }

    /// A commit whose id starts with `hex` (7 to 40 hexadecimal digits) exists, unambiguously.
    public func commitExists(_ hex: String) -> Bool {
        guard (4...40).contains(hex.utf8.count) else { return false }
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, hex.utf8.count) == 0 else { git_error_clear(); return false }
        // The object database's index answers without inflating the commit; only its header is
        // read, for the type (a check over thousands of `commits` items asks this per item).
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else { git_error_clear(); return false }
        defer { git_odb_free(odb) }
        var full = git_oid()
        guard git_odb_exists_prefix(&full, odb, &oid, hex.utf8.count) == 0 else { git_error_clear(); return false }
        var size = 0
        var type = GIT_OBJECT_INVALID
        guard git_odb_read_header(&size, &type, odb, &full) == 0 else { git_error_clear(); return false }
        return type == GIT_OBJECT_COMMIT
    }

    /// The id git gives a blob with these bytes (`git hash-object`), computed without storing it.
    public static func blobID(of bytes: [UInt8]) -> ObjectID {
        _ = libgit2Ready
        var oid = git_oid()
        _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
        return ObjectID(oid)
    }

    /// Every local and remote-tracking branch with the commit at its tip, sorted by reference name.
    ///
    /// Symbolic references (`origin/HEAD`) and branches whose tip is not a commit are left out.
    public func branchTips() throws(GitError) -> [BranchTip] {
        var iterator: OpaquePointer?
        try check(git_branch_iterator_new(&iterator, handle, GIT_BRANCH_ALL), "listing the branches")
        defer { git_branch_iterator_free(iterator) }
        var tips: [BranchTip] = []
        while true {
            var reference: OpaquePointer?
            var type = GIT_BRANCH_LOCAL
            let rc = git_branch_next(&reference, &type, iterator)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try check(rc, "listing the branches")
            defer { git_reference_free(reference) }
            guard git_reference_type(reference) == GIT_REFERENCE_DIRECT, let cName = git_reference_name(reference) else { continue }
            var commit: OpaquePointer?
            guard git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 else { git_error_clear(); continue }
            defer { git_object_free(commit) }
            let name = String(decoding: UnsafeRawBufferPointer(start: cName, count: strlen(cName)), as: UTF8.self)
            tips.append(BranchTip(name: name, isRemote: type == GIT_BRANCH_REMOTE, commit: ObjectID(git_object_id(commit).pointee)))
        }
        return tips.sorted { $0.name < $1.name }
    }

    /// The mailmap (`.mailmap` in the working tree or HEAD, `mailmap.file`, `mailmap.blob`).
    public func mailmap() throws(GitError) -> Mailmap {
        var map: OpaquePointer?
        try check(git_mailmap_from_repository(&map, handle), "reading .mailmap")
        return Mailmap(handle: map!)
    }
}

/// A branch and the commit at its tip.
public struct BranchTip: Sendable, Hashable {
    /// The full reference name: `refs/heads/main`, `refs/remotes/origin/main`.
    public let name: String
    /// A remote-tracking branch (`refs/remotes/…`), not a local one.
    public let isRemote: Bool
    /// The commit at the tip.
    public let commit: ObjectID
}

/// The bytes of one file of a snapshot, or why they were not read.
public enum FileContents: Sendable, Equatable {
    /// The file's exact bytes.
    case bytes([UInt8])
    /// The file is larger than the limit asked for; its size in bytes.
    case tooLarge(Int)
}

/// The `.mailmap` of a repository: canonical names and e-mails for the identities in history.
public final class Mailmap {
    let handle: OpaquePointer
    init(handle: OpaquePointer) { self.handle = handle }
    deinit { git_mailmap_free(handle) }

    /// The canonical name and e-mail for an identity as recorded in a commit.
    public func resolve(name: String, email: String) -> (name: String, email: String) {
        // The results may point into the C strings passed in: copy them out while those live.
        name.withCString { cName in
            email.withCString { cEmail in
                var realName: UnsafePointer<CChar>?
                var realEmail: UnsafePointer<CChar>?
                guard git_mailmap_resolve(&realName, &realEmail, handle, cName, cEmail) == 0 else {
                    git_error_clear()
                    return (name, email)
                }
                return (realName.map { String(cString: $0) } ?? name, realEmail.map { String(cString: $0) } ?? email)
            }
        }
    }
}
