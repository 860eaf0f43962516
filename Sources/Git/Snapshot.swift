import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which state of a repository to read.
public enum SnapshotSource: Sendable, Hashable, CustomStringConvertible {
    /// The files on disk, including untracked ones git does not ignore.
    case workingTree
    /// The index git is about to commit. `file` is an explicit index file; `nil` means the one
    /// `GIT_INDEX_FILE` names when set (as during `git commit -a` or `git commit <paths>`), else
    /// the repository's own.
    case index(file: String?)
    /// The tree of a commit: `HEAD`, a branch, a tag, an abbreviated id …
    case revision(String)

    public var description: String {
        switch self {
        case .workingTree: return "working tree"
        case .index(let file): return file.map { "index \($0)" } ?? "staged index"
        case .revision(let revision): return "revision \(revision)"
        }
    }
}

/// One file of a snapshot and where its bytes are.
public struct SnapshotFile: Sendable, Hashable {
    /// The path from the repository root, as exact bytes.
    public let path: GitPath
    /// The blob holding the bytes, or `nil` for a working-tree file read from disk.
    public let blob: ObjectID?
    /// The file is a symbolic link. As in git, its bytes are the link's target text, in every
    /// snapshot; what it points to is never read.
    public let isSymbolicLink: Bool

    init(path: GitPath, blob: ObjectID?, isSymbolicLink: Bool = false) {
        self.path = path
        self.blob = blob
        self.isSymbolicLink = isSymbolicLink
    }
}

/// A read-only view of a repository's files as they are in one state: working tree, index or commit.
public final class Snapshot {
    /// The repository read.
    public let repository: Repository
    /// The state read.
    public let source: SnapshotSource
    /// The commit read, for a revision snapshot.
    public let commit: ObjectID?
    private let treeHandle: TreeHandle?
    /// The root tree of a revision snapshot, owned by `treeHandle`.
    private var tree: OpaquePointer? { treeHandle?.pointer }
    private let index: OpaquePointer?

    /// Opens a snapshot of `repository`.
    ///
    /// Working-tree and index snapshots of a bare repository are refused with `.bareRepository`.
    /// A revision on an unborn branch is refused with `.unbornBranch`.
    public init(repository: Repository, source: SnapshotSource) throws(GitError) {
        self.repository = repository
        self.source = source
        switch source {
        case .workingTree:
            guard !repository.isBare else {
                throw GitError(.bareRepository, "a bare repository has no working tree; read a commit with --rev REV",
                               context: "reading the working tree")
            }
            treeHandle = nil; index = nil; commit = nil
        case .index(let file):
            guard !repository.isBare else {
                throw GitError(.bareRepository, "a bare repository has no index; read a commit with --rev REV",
                               context: "reading the index")
            }
            let path = file ?? Snapshot.environmentIndexFile(for: repository)
            var handle: OpaquePointer?
            if let path {
                let rc = git_index_open(&handle, path)
                if rc < 0 { throw Snapshot.explainIndex(lastError(rc, "reading the index \(path)")) }
            } else {
                let rc = git_repository_index(&handle, repository.handle)
                if rc < 0 { throw Snapshot.explainIndex(lastError(rc, "reading the index")) }
            }
            index = handle; treeHandle = nil; commit = nil
            try rejectSparseEntries()
        case .revision(let revision):
            let commitID = try repository.resolveCommit(revision)
            treeHandle = try repository.commitTree(commitID); index = nil; commit = commitID
        }
    }

    /// What identifies this snapshot's content without reading it: the root tree's id for a
    /// revision, the index file's checksum for the index (it changes with every staged change),
    /// `nil` for the working tree, which has no such identity.
    public var contentID: ObjectID? {
        if let tree { return ObjectID(git_tree_id(tree).pointee) }
        if let index, let checksum = git_index_checksum(index) { return ObjectID(checksum.pointee) }
        return nil
    }

    deinit {
        if let index { git_index_free(index) }
    }

    /// `GIT_INDEX_FILE` as git sets it for hooks, made absolute against the working tree.
    private static func environmentIndexFile(for repository: Repository) -> String? {
        guard let value = getenv("GIT_INDEX_FILE").map({ String(cString: $0) }), !value.isEmpty else { return nil }
        if value.hasPrefix("/") { return value }
        // Like git, a relative GIT_INDEX_FILE is relative to the current folder (in a hook: the
        // top of the working tree).
        return FileManager.default.currentDirectoryPath + "/" + value
    }

    private static func explainIndex(_ error: GitError) -> GitError {
        var error = error
        if error.message.contains("unsupported mandatory extension") || error.message.contains("extension") {
            error.code = .unsupported
            error.message = "the index uses an extension libgit2 1.5 cannot read (split or sparse index: "
                + "run 'git update-index --no-split-index' or 'git sparse-checkout disable'): \(error.message)"
        }
        return error
    }

    /// A sparse index stores whole folders as single entries; reading it as files would be wrong.
    private func rejectSparseEntries() throws(GitError) {
        guard let index else { return }
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position) else { continue }
            if entry.pointee.mode == 0o040000 {
                throw GitError(.unsupported,
                               "the index is a sparse index, which libgit2 1.5 cannot read; run 'git sparse-checkout disable' or set index.sparse=false",
                               context: "reading the index")
            }
        }
    }

    /// Every regular file (and symlink, for tree and index snapshots) under the given folders, or
    /// named by them, sorted by path bytes. An empty `prefixes` means the whole snapshot.
    public func files(under prefixes: [GitPath] = []) throws(GitError) -> [SnapshotFile] {
        var result: [SnapshotFile]
        switch source {
        case .workingTree: result = try workingTreeFiles(under: prefixes)
        case .index: result = indexFiles(under: prefixes)
        case .revision: result = try treeFiles(under: prefixes)
        }
        result.sort { $0.path < $1.path }
        return result
    }

    /// The bytes of one file listed by `files(under:)`, or `.tooLarge` when above `limit`.
    public func contents(of file: SnapshotFile, limit: Int = .max) throws(GitError) -> FileContents {
        if let blob = file.blob { return try repository.blobContents(blob, limit: limit) }
        return try readDisk(file.path, limit: limit)
    }

    /// Paths with an unresolved merge conflict in the index (stages 1–3), sorted; empty for other
    /// snapshots. Such a path has no version git would commit.
    public func conflictedPaths(under prefixes: [GitPath] = []) -> [GitPath] {
        guard let index else { return [] }
        var paths = Set<GitPath>()
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position), (entry.pointee.flags >> 12) & 0x3 != 0 else { continue }
            let path = GitPath(cString: entry.pointee.path)
            if prefixes.isEmpty || prefixes.contains(where: { path.isInside($0) }) { paths.insert(path) }
        }
        return paths.sorted()
    }

    /// A Sendable ticket from which each thread opens its own reader of this snapshot's files
    /// (libgit2 handles cannot be shared between threads).
    public var parallelReader: ParallelSnapshotReader {
        ParallelSnapshotReader(gitDirectory: repository.gitDirectory, workingDirectory: repository.workingDirectory)
    }

    /// The bytes at `path`, or `nil` when the snapshot has no file there.
    public func contents(at path: GitPath, limit: Int = .max) throws(GitError) -> FileContents? {
        switch source {
        case .workingTree:
            // As git sees it: a regular file or a symbolic link (read as its target's text),
            // reached through real folders only — a symlinked folder is a file to git.
            guard let kind = Snapshot.workingTreeKind(root: repository.workingDirectory!, path) else {
                return try skipWorktreeContents(at: path, limit: limit)
            }
            guard kind == S_IFREG || kind == S_IFLNK else { return nil }
            return try readDisk(path, limit: limit)
        case .index:
            let entry = path.withCString { git_index_get_bypath(index, $0, 0) }
            guard let entry else { return nil }
            return try repository.blobContents(ObjectID(entry.pointee.id), limit: limit)
        case .revision:
            var entry: OpaquePointer?
            let rc = path.withCString { git_tree_entry_bypath(&entry, tree, $0) }
            if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
            try check(rc, "looking up \(path) in \(source)")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
            return try repository.blobContents(ObjectID(git_tree_entry_id(entry).pointee), limit: limit)
        }
    }

    /// A file sparse checkout keeps out of the working tree (skip-worktree): its bytes as the
    /// repository's index has them, which is what git shows for it.
    private func skipWorktreeContents(at path: GitPath, limit: Int) throws(GitError) -> FileContents? {
        var handle: OpaquePointer?
        guard git_repository_index(&handle, repository.handle) == 0, let index = handle else {
            git_error_clear()
            return nil
        }
        defer { git_index_free(index) }
        guard let entry = path.withCString({ git_index_get_bypath(index, $0, 0) }),
              UInt32(entry.pointee.flags_extended) & GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue != 0 else { return nil }
        return try repository.blobContents(ObjectID(entry.pointee.id), limit: limit)
    }

    /// Paths whose content differs between the commit `revision` and this snapshot: added,
    /// modified, type-changed, and the new side of renames (untracked files count for the working
    /// tree). Deleted paths are not included: they have no findings of their own.
    public func changedPaths(since revision: String) throws(GitError) -> Set<GitPath> {
        let commitID = try repository.resolveCommit(revision)
        let base = try repository.commitTree(commitID)
        return try diff(from: base.pointer, renames: true) { diff in
            var paths = Set<GitPath>()
            for position in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, position), delta.pointee.status != GIT_DELTA_DELETED else { continue }
                paths.insert(GitPath(cString: delta.pointee.new_file.path))
            }
            return paths
        }
    }

    /// Diffs the tree `base` (nothing when `nil`) with this snapshot and hands the diff to `body`.
    func diff<T>(from base: OpaquePointer?, renames: Bool = false, _ body: (OpaquePointer?) -> T) throws(GitError) -> T {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a diff")
        var diff: OpaquePointer?
        switch source {
        case .revision:
            try check(git_diff_tree_to_tree(&diff, repository.handle, base, tree, &options), "diffing with \(source)")
        case .index:
            try check(git_diff_tree_to_index(&diff, repository.handle, base, index, &options), "diffing with \(source)")
        case .workingTree:
            options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            try check(git_diff_tree_to_workdir_with_index(&diff, repository.handle, base, &options), "diffing with the working tree")
        }
        defer { git_diff_free(diff) }
        if renames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing a diff")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check(git_diff_find_similar(diff, &find), "finding renames")
        }
        return body(diff)
    }

    // MARK: Trees

    private final class WalkBox {
        var files: [SnapshotFile] = []
        var prefix: [UInt8] = []
    }

    private func treeFiles(under prefixes: [GitPath]) throws(GitError) -> [SnapshotFile] {
        let box = WalkBox()
        let roots = prefixes.isEmpty ? [GitPath(bytes: [])] : prefixes
        for root in roots {
            var subtree: OpaquePointer? = tree
            var owned = false
            if !root.bytes.isEmpty {
                var entry: OpaquePointer?
                let rc = root.withCString { git_tree_entry_bypath(&entry, tree, $0) }
                if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); continue }
                try check(rc, "looking up \(root) in \(source)")
                defer { git_tree_entry_free(entry) }
                // A prefix naming a file lists that file, as the index's and working tree's listings do.
                let mode = git_tree_entry_filemode(entry)
                if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK {
                    box.files.append(SnapshotFile(path: root, blob: ObjectID(git_tree_entry_id(entry).pointee),
                                                  isSymbolicLink: mode == GIT_FILEMODE_LINK))
                    continue
                }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { continue }
                var object: OpaquePointer?
                try check(git_tree_entry_to_object(&object, repository.handle, entry), "reading tree \(root)")
                subtree = object
                owned = true
            }
            defer { if owned { git_object_free(subtree) } }
            box.prefix = root.bytes.isEmpty ? [] : root.bytes + [UInt8(ascii: "/")]
            let payload = Unmanaged.passUnretained(box).toOpaque()
            let rc = git_tree_walk(subtree, GIT_TREEWALK_PRE, { parent, entry, payload in
                let box = Unmanaged<WalkBox>.fromOpaque(payload!).takeUnretainedValue()
                let mode = git_tree_entry_filemode(entry)
                guard mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK
                else { return 0 }
                var bytes = box.prefix
                if let parent { bytes.append(contentsOf: UnsafeRawBufferPointer(start: parent, count: strlen(parent))) }
                let name = git_tree_entry_name(entry)!
                bytes.append(contentsOf: UnsafeRawBufferPointer(start: name, count: strlen(name)))
                box.files.append(SnapshotFile(path: GitPath(bytes: bytes), blob: ObjectID(git_tree_entry_id(entry).pointee),
                                              isSymbolicLink: mode == GIT_FILEMODE_LINK))
                return 0
            }, payload)
            try check(rc, "listing the tree \(root) of \(source)")
        }
        return box.files
    }

    // MARK: Index

    private func indexFiles(under prefixes: [GitPath]) -> [SnapshotFile] {
        var files: [SnapshotFile] = []
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position) else { continue }
            // Stage bits 12-13 of flags: only stage 0 is a file git would commit.
            guard (entry.pointee.flags >> 12) & 0x3 == 0 else { continue }
            let mode = entry.pointee.mode
            guard mode == 0o100644 || mode == 0o100755 || mode == 0o120000 else { continue }
            let path = GitPath(cString: entry.pointee.path)
            if !prefixes.isEmpty && !prefixes.contains(where: { path.isInside($0) }) { continue }
            files.append(SnapshotFile(path: path, blob: ObjectID(entry.pointee.id), isSymbolicLink: mode == 0o120000))
        }
        return files
    }

    // MARK: Working tree

    private func workingTreeFiles(under prefixes: [GitPath]) throws(GitError) -> [SnapshotFile] {
        let root = GitPath(repository.workingDirectory!)
        // Tracked files are never ignored, so only untracked paths need git's ignore rules (asking
        // for every file stats every parent's .gitignore: a fifth of the time on 100,000 files).
        let tracked = trackedPaths()
        // A git folder inside the working tree under another name (`--separate-git-dir`) is
        // never part of it.
        let gitFolder = Snapshot.relativeGitFolder(repository)
        var files: [SnapshotFile] = []
        let starts = prefixes.isEmpty ? [GitPath(bytes: [])] : prefixes
        for start in starts {
            // Git sees what is under real folders only: a kind's folder that is a symlink is one
            // file to git (listed as such), and one behind a symlinked parent does not exist.
            if !start.bytes.isEmpty {
                switch Snapshot.workingTreeKind(root: repository.workingDirectory!, start) {
                case S_IFDIR?: break
                case let kind? where kind == S_IFLNK || kind == S_IFREG:  // a file: itself, as in the index
                    var keep = tracked.files.contains(start.bytes)
                    if !keep { keep = try !isIgnored(start, folder: false) }
                    if keep { files.append(SnapshotFile(path: start, blob: nil, isSymbolicLink: kind == S_IFLNK)) }
                    continue
                default: continue
                }
                if start.bytes == gitFolder || Snapshot.holdsRepository(root.appending(start)) { continue }
            }
            var pending = [start]
            while let folder = pending.popLast() {
                let full = folder.bytes.isEmpty ? root : root.appending(folder)
                guard let directory = full.withCString({ opendir($0) }) else { continue }
                defer { closedir(directory) }
                while let entry = readdir(directory) {
                    let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        let count = raw.firstIndex(of: 0) ?? raw.count
                        return Array(raw[0..<count])
                    }
                    if Self.isDotOrGit(name) { continue }
                    let relative = folder.bytes.isEmpty ? GitPath(bytes: name) : folder.appending(GitPath(bytes: name))
                    var kind = entry.pointee.d_type
                    if kind == UInt8(DT_UNKNOWN) {
                        var info = stat()
                        guard root.appending(relative).withCString({ lstat($0, &info) }) == 0 else { continue }
                        kind = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR)
                            : (info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG)
                            : (info.st_mode & S_IFMT) == S_IFLNK ? UInt8(DT_LNK) : UInt8(DT_UNKNOWN)
                    }
                    if kind == UInt8(DT_DIR) {
                        // A submodule or a nested repository is one entry to git, never
                        // descended into; nor is a git folder kept under another name.
                        if relative.bytes == gitFolder || Snapshot.holdsRepository(root.appending(relative)) { continue }
                        var keep = tracked.folders.contains(relative.bytes)
                        if !keep { keep = try !isIgnored(relative, folder: true) }
                        if keep { pending.append(relative) }
                    } else if kind == UInt8(DT_REG) || kind == UInt8(DT_LNK) {
                        var keep = tracked.files.contains(relative.bytes)
                        if !keep { keep = try !isIgnored(relative, folder: false) }
                        if keep { files.append(SnapshotFile(path: relative, blob: nil, isSymbolicLink: kind == UInt8(DT_LNK))) }
                    }
                }
            }
        }
        // Sparse checkout: a skip-worktree file is absent from the disk but present for git
        // (`git status` is clean); read it from the index, as git would.
        if !tracked.skipWorktree.isEmpty {
            let listed = Set(files.map(\.path))
            for file in tracked.skipWorktree where !listed.contains(file.path)
                && (prefixes.isEmpty || prefixes.contains(where: { file.path.isInside($0) })) {
                files.append(file)
            }
        }
        return files
    }

    /// The type (`S_IFDIR`, `S_IFREG`, `S_IFLNK` …) of the working-tree path, reached through real
    /// folders only; `nil` when it is missing or a parent is not a real folder.
    static func workingTreeKind(root: String, _ path: GitPath) -> mode_t? {
        var current = GitPath(root)
        let components = path.components
        for (position, component) in components.enumerated() {
            current = current.appending(GitPath(bytes: Array(component)))
            var info = stat()
            guard current.withCString({ lstat($0, &info) }) == 0 else { return nil }
            let kind = info.st_mode & S_IFMT
            if position == components.count - 1 { return kind }
            guard kind == S_IFDIR else { return nil }
        }
        return components.isEmpty ? S_IFDIR : nil
    }

    /// The folder holds a repository of its own (a `.git` file or folder): a submodule or a
    /// nested repository.
    private static func holdsRepository(_ folder: GitPath) -> Bool {
        var info = stat()
        return folder.appending(GitPath(".git")).withCString { lstat($0, &info) } == 0
    }

    /// The git folder's path relative to the working tree, when it lies inside it.
    private static func relativeGitFolder(_ repository: Repository) -> [UInt8]? {
        guard let tree = repository.workingDirectory else { return nil }
        var folder = repository.gitDirectory
        while folder.hasSuffix("/") { folder.removeLast() }
        let prefix = tree.hasSuffix("/") ? tree : tree + "/"
        guard folder.hasPrefix(prefix) else { return nil }
        return Array(folder.utf8.dropFirst(prefix.utf8.count))
    }

    private static func isDotOrGit(_ name: [UInt8]) -> Bool {
        switch name.count {
        case 1: return name[0] == 46
        case 2: return name[0] == 46 && name[1] == 46
        case 4: return name[0] == 46 && name[1] == 103 && name[2] == 105 && name[3] == 116  // ".git"
        default: return false
        }
    }

    /// The repository index's paths and their folders; empty when the index cannot be read (every
    /// path then goes through the ignore rules, which is slower but still right).
    private func trackedPaths() -> (files: Set<[UInt8]>, folders: Set<[UInt8]>, skipWorktree: [SnapshotFile]) {
        var handle: OpaquePointer?
        guard git_repository_index(&handle, repository.handle) == 0, let index = handle else {
            git_error_clear()
            return ([], [], [])
        }
        defer { git_index_free(index) }
        var files = Set<[UInt8]>()
        var folders = Set<[UInt8]>()
        var skipWorktree: [SnapshotFile] = []
        let count = git_index_entrycount(index)
        files.reserveCapacity(count)
        for position in 0..<count {
            guard let entry = git_index_get_byindex(index, position) else { continue }
            let path = GitPath(cString: entry.pointee.path).bytes
            files.insert(path)
            let mode = entry.pointee.mode
            if UInt32(entry.pointee.flags_extended) & GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue != 0,
               (entry.pointee.flags >> 12) & 0x3 == 0, mode == 0o100644 || mode == 0o100755 || mode == 0o120000 {
                skipWorktree.append(SnapshotFile(path: GitPath(bytes: path), blob: ObjectID(entry.pointee.id), isSymbolicLink: mode == 0o120000))
            }
            var end = path.count
            while let slash = path[..<end].lastIndex(of: UInt8(ascii: "/")) {
                if !folders.insert(Array(path[..<slash])).inserted { break }
                end = slash
            }
        }
        return (files, folders, skipWorktree)
    }

    private func isIgnored(_ path: GitPath, folder: Bool) throws(GitError) -> Bool {
        var ignored: Int32 = 0
        let target = folder ? GitPath(bytes: path.bytes + [UInt8(ascii: "/")]) : path
        try check(target.withCString { git_ignore_path_is_ignored(&ignored, repository.handle, $0) },
                  "checking whether \(path) is ignored")
        return ignored == 1
    }

    private func readDisk(_ path: GitPath, limit: Int) throws(GitError) -> FileContents {
        try readWorkingTreeFile(root: repository.workingDirectory!, path, limit: limit)
    }
}

/// Opens, on the calling thread, a reader of a snapshot's files with a repository handle of its own.
public struct ParallelSnapshotReader: Sendable {
    let gitDirectory: String
    let workingDirectory: String?

    /// A reader for this thread.
    public func open() throws(GitError) -> SnapshotFileReader {
        SnapshotFileReader(repository: try Repository.open(gitDirectory: gitDirectory), workingDirectory: workingDirectory)
    }
}

/// Reads files listed by a snapshot on one thread.
public final class SnapshotFileReader {
    let repository: Repository
    let workingDirectory: String?

    init(repository: Repository, workingDirectory: String?) {
        self.repository = repository
        self.workingDirectory = workingDirectory
    }

    /// The bytes of one file listed by `Snapshot.files(under:)`, or `.tooLarge` when above `limit`.
    public func contents(of file: SnapshotFile, limit: Int = .max) throws(GitError) -> FileContents {
        if let blob = file.blob { return try repository.blobContents(blob, limit: limit) }
        return try readWorkingTreeFile(root: workingDirectory ?? "", file.path, limit: limit)
    }
}

private func readWorkingTreeFile(root: String, _ path: GitPath, limit: Int) throws(GitError) -> FileContents {
    let full = GitPath(root).appending(path)
    // Never through a symbolic link: git stores a link's target text, and so does Lore.
    let fd = full.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
    guard fd >= 0 else {
        let code = errno
        if code == ELOOP, let target = readLink(full) {
            return target.count > limit ? .tooLarge(target.count) : .bytes(target)
        }
        throw GitError(.other(-1), String(cString: strerror(code)), context: "reading \(path)")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        throw GitError(.other(-1), String(cString: strerror(errno)), context: "reading \(path)")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw GitError(.other(-1), "not a regular file", context: "reading \(path)")
    }
    let size = Int(info.st_size)
    if size > limit { return .tooLarge(size) }
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    while filled < size {
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, size - filled) }
        if count < 0 {
            if errno == EINTR { continue }
            throw GitError(.other(-1), String(cString: strerror(errno)), context: "reading \(path)")
        }
        if count == 0 { break }
        filled += count
    }
    if filled < size { bytes.removeLast(size - filled) }
    return .bytes(bytes)
}

/// The target text of the symbolic link at `path`, as git stores it.
private func readLink(_ path: GitPath) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = path.withCString { name in
        buffer.withUnsafeMutableBufferPointer { readlink(name, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
    }
    guard count >= 0 else { return nil }
    return Array(buffer[0..<count])
}
