import Foundation
import Git

/// Installs Lore's git hooks where git runs them, chaining any hook that was there before, and
/// restores exactly what was there on uninstall.
public enum HookInstaller {
    /// The first line mark that tells Lore's hooks apart.
    public static let marker = "# lore-hook:"

    /// What is at a hook's place.
    public enum State: Equatable, Sendable {
        /// Nothing.
        case absent
        /// Lore's hook; `previous` is the chained or replaced hook kept beside it, if any.
        case lore(previous: String?)
        /// Somebody else's hook.
        case foreign
    }

    /// One hook's state.
    public struct Status: Sendable, Equatable {
        public let name: String
        public let path: String
        public let state: State
    }

    /// Why an install or uninstall did not happen.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The state of each of Lore's hooks.
    public static func status(in repository: Repository) throws -> [Status] {
        let folder = try repository.hooksDirectory()
        return BuiltInHooks.names.map { name in
            let path = folder + "/" + name
            return Status(name: name, path: path, state: state(at: path))
        }
    }

    /// Installs the named hooks. A foreign hook is kept and run first (`NAME.lore-chained`), or with
    /// `force` set aside unrun (`NAME.lore-replaced`); either way `uninstall` puts it back. Returns
    /// one line per hook saying what was done.
    public static func install(_ names: [String], in repository: Repository, force: Bool) throws -> [String] {
        let folder = try repository.hooksDirectory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var said: [String] = []
        for name in names {
            guard let script = BuiltInHooks.script(for: name) else { throw Problem(description: "unknown hook '\(name)'") }
            let path = folder + "/" + name
            switch state(at: path) {
            case .absent:
                try write(script, to: path)
                said.append("installed \(name) in \(folder)")
            case .lore:
                try write(script, to: path)
                said.append("updated \(name) in \(folder)")
            case .foreign:
                let keep = path + (force ? ".lore-replaced" : ".lore-chained")
                for other in [path + ".lore-chained", path + ".lore-replaced"] where FileManager.default.fileExists(atPath: other) {
                    throw Problem(description: "\(other) is in the way: move it before installing")
                }
                guard rename(path, keep) == 0 else { throw Problem(description: "cannot move \(path) aside: \(String(cString: strerror(errno)))") }
                do {
                    try write(script, to: path)
                } catch {
                    _ = rename(keep, path)   // put the user's hook back as it was
                    throw error
                }
                said.append(force
                    ? "installed \(name) in \(folder); the previous hook is kept, not run, as \(keep)"
                    : "installed \(name) in \(folder); the previous hook runs first, kept as \(keep)")
            }
        }
        return said
    }

    /// Removes Lore's hooks and puts back what was there before. Foreign hooks are left alone.
    /// Hooks in `quietlySkipping` that are not installed are not mentioned (optional ones).
    public static func uninstall(_ names: [String], in repository: Repository, quietlySkipping: Set<String> = []) throws -> [String] {
        let folder = try repository.hooksDirectory()
        var said: [String] = []
        for name in names {
            let path = folder + "/" + name
            switch state(at: path) {
            case .absent:
                if !quietlySkipping.contains(name) { said.append("\(name): not installed") }
            case .foreign:
                said.append("\(name): not Lore's hook; left alone")
            case .lore(let previous):
                if let previous {
                    guard rename(previous, path) == 0 else { throw Problem(description: "cannot restore \(previous): \(String(cString: strerror(errno)))") }
                    said.append("removed \(name); restored the previous hook")
                } else {
                    guard unlink(path) == 0 else { throw Problem(description: "cannot remove \(path): \(String(cString: strerror(errno)))") }
                    said.append("removed \(name)")
                }
            }
        }
        return said
    }

    private static func state(at path: String) -> State {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .absent }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 256)) ?? Data(), as: UTF8.self)
        guard head.split(separator: "\n", maxSplits: 2).dropFirst().first?.hasPrefix(marker) == true else { return .foreign }
        let previous = [path + ".lore-chained", path + ".lore-replaced"].first { FileManager.default.fileExists(atPath: $0) }
        return .lore(previous: previous)
    }

    /// Writes an executable script all at once: a temporary file renamed into place.
    private static func write(_ script: String, to path: String) throws {
        let temporary = path + ".lore-new-\(getpid())"
        guard ScratchFile.write(Array(script.utf8), to: temporary, mode: 0o755) else {
            throw Problem(description: "cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Problem(description: "cannot install \(path): \(String(cString: strerror(errno)))")
        }
    }
}
