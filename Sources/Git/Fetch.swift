import CGit2
import Foundation

extension Repository {
    /// Opens the bare repository at `path`, creating it (and its parent folders) when missing: the
    /// mirror a synced source is fetched into.
    public static func openOrCreateBare(at path: String) throws(GitError) -> Repository {
        _ = libgit2Ready
        if FileManager.default.fileExists(atPath: path + "/HEAD") { return try open(gitDirectory: path) }
        var handle: OpaquePointer?
        try check(git_repository_init(&handle, path, 1), "creating the bare repository \(path)")
        git_repository_free(handle)
        return try open(gitDirectory: path)
    }

    /// Fetches every branch and tag of the repository at `url` (a path or a URL libgit2 reads:
    /// `file://`, `https://`, `ssh://`) into this repository's `refs/heads/` and `refs/tags/`,
    /// replacing them even when they moved backwards (a force-push is the remote's truth).
    public func fetchMirror(from url: String) throws(GitError) {
        // The CA certificates, which start-up leaves unread (see `Certificates`).
        Certificates.load()
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, handle, url), "reading the remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "preparing a fetch")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.prune = GIT_FETCH_PRUNE
        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        let strings = refspecs.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings
        let rc = pointers.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_remote_fetch(remote, &array, &options, "lore sources sync")
        }
        try check(rc, "fetching \(url)")
    }

    /// The commit `descendant` has `ancestor` in its history (or is it).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        return try mergeBase(ancestor, descendant) == ancestor
    }
}
