import CGit2
import Foundation

/// Git's `safe.directory`, read as git reads it, for repositories owned by another user.
///
/// libgit2 1.5 refuses such a repository unless `safe.directory` names it in the configuration
/// files it knows, but it reads neither the file `GIT_CONFIG_GLOBAL` names nor the value `*`,
/// both of which git honours (CI containers set `safe.directory = *`). So when libgit2 refuses,
/// Lore reads the protected configuration as git does — the system file (unless
/// `GIT_CONFIG_NOSYSTEM`; `GIT_CONFIG_SYSTEM` names another), then the global one
/// (`GIT_CONFIG_GLOBAL`, else `$XDG_CONFIG_HOME/git/config` and `~/.gitconfig`), never the
/// repository's own — and opens the repository when git would.
enum SafeDirectory {
    /// Whether git would trust the repository at `path` (its working tree or git folder).
    static func trusts(_ paths: [String]) -> Bool {
        var values: [String] = []
        for file in configurationFiles() {
            for value in multivar(file, "safe.directory") {
                if value.isEmpty { values.removeAll() } else { values.append(value) }  // empty resets, as in git
            }
        }
        let candidates = Set(paths.map(normalised))
        for value in values {
            if value == "*" { return true }
            var expanded = value
            if expanded.hasPrefix("~/"), let home = getenv("HOME") { expanded = String(cString: home) + expanded.dropFirst() }
            // As git 2.39 (Debian 12) compares: the exact text, against the real path.
            if candidates.contains(expanded) { return true }
        }
        return false
    }

    /// Opens with libgit2's ownership check off when git would trust the repository; the option
    /// is process-wide, so every later handle (one per thread) opens too.
    static func allow() { _ = lore_git_set_owner_validation(0) }

    private static func configurationFiles() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var files: [String] = []
        if environment["GIT_CONFIG_NOSYSTEM"].map({ !["", "0", "false", "no"].contains($0.lowercased()) }) != true {
            files.append(environment["GIT_CONFIG_SYSTEM"] ?? "/etc/gitconfig")
        }
        if let global = environment["GIT_CONFIG_GLOBAL"] {
            files.append(global)
        } else {
            let home = environment["HOME"] ?? ""
            files.append((environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config") + "/git/config")
            files.append(home + "/.gitconfig")
        }
        return files.filter { !$0.isEmpty && $0 != "/dev/null" && FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Every value of `key` in one configuration file, in order (includes followed, as libgit2 does).
    private static func multivar(_ file: String, _ key: String) -> [String] {
        var config: OpaquePointer?
        guard git_config_open_ondisk(&config, file) == 0, let config else { git_error_clear(); return [] }
        defer { git_config_free(config) }
        var iterator: OpaquePointer?
        guard git_config_multivar_iterator_new(&iterator, config, key, nil) == 0, let iterator else { git_error_clear(); return [] }
        defer { git_config_iterator_free(iterator) }
        var values: [String] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            values.append(entry.pointee.value.map { String(cString: $0) } ?? "")
        }
        git_error_clear()
        return values
    }

    private static func normalised(_ path: String) -> String {
        var path = path
        if let real = realpath(path, nil) { path = String(cString: real); free(real) }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
