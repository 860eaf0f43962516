import CGit2
import Foundation

/// The one error type of the Git layer: libgit2's code, class and message, plus what Lore was doing.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libgit2's return codes that callers tell apart.
    public enum Code: Sendable, Equatable {
        case generic, notFound, exists, ambiguous, bareRepository, unbornBranch, unmerged
        case invalidSpec, locked, peel, invalid, directory, notOwner
        /// A shape of repository libgit2 1.5 cannot read faithfully (shallow, SHA-256, sparse index …).
        case unsupported
        case other(Int32)

        init(_ rc: Int32) {
            switch rc {
            case GIT_ENOTFOUND.rawValue: self = .notFound
            case GIT_EEXISTS.rawValue: self = .exists
            case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
            case GIT_EBAREREPO.rawValue: self = .bareRepository
            case GIT_EUNBORNBRANCH.rawValue: self = .unbornBranch
            case GIT_EUNMERGED.rawValue: self = .unmerged
            case GIT_EINVALIDSPEC.rawValue: self = .invalidSpec
            case GIT_ELOCKED.rawValue: self = .locked
            case GIT_EPEEL.rawValue: self = .peel
            case GIT_EINVALID.rawValue: self = .invalid
            case GIT_EDIRECTORY.rawValue: self = .directory
            case GIT_EOWNER.rawValue: self = .notOwner
            case GIT_ERROR.rawValue: self = .generic
            default: self = .other(rc)
            }
        }
    }

    /// The kind of error libgit2 reported.
    public var code: Code
    /// libgit2's error class (`"odb"`, `"repository"`, `"os"` …), or `nil` when libgit2 set none.
    public var errorClass: String?
    /// libgit2's message, or Lore's own when the error did not come from libgit2.
    public var message: String
    /// What Lore was doing, in a few words (`"reading the index /repo/.git/index"`).
    public var context: String

    /// Creates an error that did not come from a libgit2 call.
    public init(_ code: Code, _ message: String, context: String) {
        self.code = code
        self.errorClass = nil
        self.message = message
        self.context = context
    }

    public var description: String {
        context.isEmpty ? message : "\(context): \(message)"
    }
}

private let errorClassNames = [
    "none", "nomemory", "os", "invalid", "reference", "zlib", "repository", "config", "regex", "odb",
    "index", "object", "net", "tag", "tree", "indexer", "ssl", "submodule", "thread", "stash",
    "checkout", "fetchhead", "merge", "ssh", "filter", "revert", "callback", "cherrypick", "describe",
    "rebase", "filesystem", "patch", "worktree", "sha", "http", "internal",
]

/// Initialises libgit2 once per process, invisibly, before the first call that needs it.
let libgit2Ready: Void = {
    git_libgit2_init()
    // git itself does not re-hash objects on read; libgit2 does by default, at a third of read time.
    _ = lore_git_set_strict_hash_verification(0)
    // Pack files are read through mmap'd windows that count as resident memory; libgit2's default
    // maps 1 GiB windows up to 8 GiB. 32 MiB windows, at most 256 MiB of them, keep a
    // 100,000-entry read lean at no cost in speed.
    _ = lore_git_set_mwindow_size(32 << 20)
    _ = lore_git_set_mwindow_mapped_limit(256 << 20)
    // Trees over 4 KiB are not cached by default, so a history walk over a folder of thousands of
    // entries parsed each tree twice (as a commit's and as its child's parent's); cache them.
    _ = lore_git_set_cache_object_limit(GIT_OBJECT_TREE, 4 << 20)
    // What a walk needs of that cache is the last few trees; libgit2's default of 256 MiB per
    // repository handle (one per thread) only adds resident memory.
    _ = lore_git_set_cache_max_size(64 << 20)
}()

/// Checks a libgit2 return code, turning a negative one into a `GitError` read from the calling
/// thread's error slot (which is then cleared).
@inline(__always)
func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(GitError) {
    if rc < 0 { throw lastError(rc, context()) }
}

func lastError(_ rc: Int32, _ context: String) -> GitError {
    var error = GitError(.init(rc), "libgit2 error \(rc)", context: context)
    if let last = git_error_last() {
        if let message = last.pointee.message {
            error.message = String(decoding: UnsafeRawBufferPointer(start: message, count: strlen(message)), as: UTF8.self)
        }
        let klass = Int(last.pointee.klass)
        error.errorClass = klass < errorClassNames.count ? errorClassNames[klass] : "class \(klass)"
    }
    git_error_clear()
    return error
}
