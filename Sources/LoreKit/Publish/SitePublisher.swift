import Foundation

/// Writes a `Site` to a folder all at once: the files go to a temporary folder beside it, which
/// then replaces the folder by rename(2). A publish that fails half-way leaves the previous site.
public enum SitePublisher {
    /// Checks that `out` may be replaced: not the repository's working tree or git folder, nor a
    /// folder holding them, nor a file; empty, missing, or a site written earlier (the marker
    /// file), unless `force`. Returns the absolute path to write.
    public static func checkOutput(_ out: String, protecting roots: [String], force: Bool) throws(PublishError) -> String {
        try checkOutput(out, protecting: roots, repository: nil, force: force)
    }

    /// What `--out` must never replace, `--force` or not, besides the repository's own folders.
    public struct Protected: Sendable {
        /// The git folders (the repository's and the common one): `--out` may not be inside them.
        public var gitFolders: [String]
        /// The working tree, when there is one.
        public var workingTree: String?
        /// Paths of the working tree `--out` may neither hold nor lie inside: the files git tracks
        /// and the kinds' folders. `nil` when they could not be listed: then no folder of the
        /// working tree is allowed.
        public var paths: [GitPath]?

        public init(gitFolders: [String], workingTree: String?, paths: [GitPath]?) {
            self.gitFolders = gitFolders
            self.workingTree = workingTree
            self.paths = paths
        }
    }

    /// Checks `out` as above and, with `repository`, refuses (whatever `force` says) a folder
    /// inside a git folder, or one of the working tree holding or inside a tracked file or a
    /// kind's folder: replacing it would delete what git or the memory keeps.
    public static func checkOutput(_ out: String, protecting roots: [String], repository: Protected?,
                                   force: Bool) throws(PublishError) -> String {
        let absolute = absolutePath(out)
        // A missing folder is resolved through its nearest existing parent, so a symlink on the
        // way cannot lead into a protected place.
        let resolved = resolvedPath(absolute)
        if resolved == "/" { throw .refused("--out cannot be the root folder") }
        for root in roots {
            let root = realPath(root) ?? root
            if root == resolved || root.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/") {
                let gitFolder = (repository?.gitFolders ?? []).contains { (realPath($0) ?? $0) == root }
                throw .refused("--out \(out) holds the repository (\(root)); choose a folder of its own, such as \(out == "." || gitFolder ? "" : out + "/")site")
            }
        }
        if let repository {
            for folder in repository.gitFolders {
                let folder = realPath(folder) ?? folder
                if resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
                    throw .refused("--out \(out) is inside the git folder (\(folder)); choose a folder of its own outside it")
                }
            }
            if let tree = repository.workingTree.map({ realPath($0) ?? $0 }), resolved.hasPrefix(tree.hasSuffix("/") ? tree : tree + "/") {
                let relative = GitPath(String(resolved.dropFirst(tree.hasSuffix("/") ? tree.count : tree.count + 1)))
                guard let paths = repository.paths else {
                    throw .refused("--out \(out) is inside the working tree, whose tracked files could not be listed; choose a folder outside it")
                }
                if let kept = paths.first(where: { relative.isInside($0) || $0.isInside(relative) }) {
                    throw .refused("--out \(out) would replace \(kept), which the repository keeps (a tracked file or a kind's folder); choose a folder of its own")
                }
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder) else { return absolute }
        guard isFolder.boolValue else { throw .refused("--out \(out) is a file, not a folder") }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []
        if contents.isEmpty || contents.contains(Site.markerName) || force { return absolute }
        throw .refused("--out \(out) is not empty and was not written by lore publish (no \(Site.markerName)); pass --force to replace it whole")
    }

    /// Writes `site` to the absolute folder `out` (checked by `checkOutput`), replacing what is there.
    /// Each page is written as soon as it is rendered (into the temporary folder), so memory holds
    /// a batch of pages, not the site. Returns how many files the site has.
    @discardableResult
    public static func write(_ site: Site, to out: String) throws(PublishError) -> Int {
        let parent = (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .write(path: parent, message: error.localizedDescription)
        }
        removeLeftovers(in: parent, name: name)
        let temporary = "\(parent)/.\(name).lore-publish-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        let count: Int
        do {
            count = try writeFiles(site, into: temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        if FileManager.default.fileExists(atPath: out) {
            let old = "\(parent)/.\(name).lore-old-\(getpid())"
            guard rename(out, old) == 0 else {
                let message = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw .write(path: out, message: message)
            }
            guard rename(temporary, out) == 0 else {
                let message = String(cString: strerror(errno))
                _ = rename(old, out)
                try? FileManager.default.removeItem(atPath: temporary)
                throw .write(path: out, message: message)
            }
            try? FileManager.default.removeItem(atPath: old)
        } else if rename(temporary, out) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .write(path: out, message: message)
        }
        return count
    }

    /// Test hook: `LORE_TEST_CRASH_AFTER_FILES=N` ends the process (exit status 97) after writing
    /// N files of the site, as a crash or a full disk would stop it half-way.
    static var crashAfterFiles: Int? {
        guard let value = getenv("LORE_TEST_CRASH_AFTER_FILES") else { return nil }
        return Int(String(cString: value))
    }

    private static func writeFiles(_ site: Site, into folder: String) throws(PublishError) -> Int {
        guard mkdir(folder, 0o755) == 0 else { throw .write(path: folder, message: String(cString: strerror(errno))) }
        var made: Set<String> = [folder]
        // The marker first, so a publish that dies half-way leaves a folder the next one knows as
        // Lore's and removes; the pages' manifest replaces it once every page is written.
        try write(SiteFile(path: Site.markerName, bytes: Array(Site.markerText.utf8)), into: folder, made: &made)
        let crashAfter = crashAfterFiles
        var written = 0
        return try site.builder.produce(reusing: site.reused) { (file: SiteFile) throws(PublishError) in
            if let crashAfter, written >= crashAfter { _exit(97) }
            try write(file, into: folder, made: &made)
            written += 1
        }
    }

    /// Writes one file of a site into `folder` (its folders made as needed, `made` remembering them).
    private static func write(_ file: SiteFile, into folder: String, made: inout Set<String>) throws(PublishError) {
        let path = folder + "/" + file.path
        let directory = (path as NSString).deletingLastPathComponent
        if !made.contains(directory) {
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                throw .write(path: directory, message: String(cString: strerror(errno)))
            }
            made.insert(directory)
        }
        var bytes = file.bytes
        if let previous = file.previous {
            // The previous site's file, unchanged: a hard link (the previous folder is removed
            // once the new one is in place), or a copy where links are not possible.
            if link(previous, path) == 0 { return }
            guard let data = FileManager.default.contents(atPath: previous), data.count == file.size else {
                throw .write(path: path, message: "the previous site's \(file.path) changed while publishing")
            }
            bytes = Array(data)
        }
        if file.path == Site.markerName { unlink(path) }   // the early marker, replaced by the full one
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .write(path: path, message: String(cString: strerror(errno))) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(fd)
                throw .write(path: path, message: message)
            }
            written += count
        }
        guard close(fd) == 0 else { throw .write(path: path, message: String(cString: strerror(errno))) }
    }

    /// Folders a crashed publish left beside `out` (they hold the marker, so they are Lore's).
    private static func removeLeftovers(in parent: String, name: String) {
        guard let siblings = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for sibling in siblings where sibling.hasPrefix(".\(name).lore-publish-") || sibling.hasPrefix(".\(name).lore-old-") {
            let path = parent + "/" + sibling
            if FileManager.default.fileExists(atPath: path + "/" + Site.markerName) { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// Writes the built-in theme's files into `folder` (created when missing) to start a theme
    /// from; never replaces a file that exists. Returns the paths written.
    public static func printTheme(to folder: String) throws(PublishError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .write(path: folder, message: error.localizedDescription)
        }
        var written: [String] = []
        for file in BuiltInTheme.files {
            let path = folder + "/" + file.name
            do {
                try NewFile.create(at: path, bytes: Array(file.text.utf8))
            } catch {
                throw .refused("\(error)")
            }
            written.append(path)
        }
        return written
    }

    private static func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (joined as NSString).standardizingPath
    }

    /// `path` with every symlink resolved; the part that does not exist yet is appended as given.
    private static func resolvedPath(_ path: String) -> String {
        var existing = path
        var rest: [String] = []
        while realPath(existing) == nil, existing != "/", !existing.isEmpty {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        let base = realPath(existing) ?? existing
        return rest.reduce(base) { $0.hasSuffix("/") ? $0 + $1 : $0 + "/" + $1 }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
