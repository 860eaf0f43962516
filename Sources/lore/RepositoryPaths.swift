import Foundation
import Git
import LoreKit

/// The one reading of paths typed on the command line (`lore check PATH…`, `lore recall PATH…`,
/// `lore show PATH`, `lore renumber PATH`): relative to the folder the command runs as if started
/// in — `-C`/`--repo` when given, else the current folder — and made relative to the top of the
/// working tree, as git reads paths. `.` and `..` are resolved by their text (as git does), the
/// folders by the file system (so a symlinked checkout or `/tmp` → `/private/tmp` still matches).
struct RepositoryPaths {
    /// The folder paths are relative to, symlinks resolved.
    let base: String
    /// The top of the working tree, symlinks resolved, ending in `/`; `nil` for a bare repository,
    /// whose paths are taken from its root.
    let top: String?

    init(repo: String?, repository: Repository) {
        let here = FileManager.default.currentDirectoryPath
        let start = repo.map { $0.hasPrefix("/") ? $0 : here + "/" + $0 } ?? here
        base = Self.resolved(start)
        top = repository.workingDirectory.map { Self.resolved($0) + "/" }
    }

    /// The path from the top of the working tree (`""` for the top itself), or `nil` when the
    /// path lies outside it.
    func relative(_ path: String) -> String? {
        guard let top else { return Self.normalised(path.split(separator: "/")) }
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        guard let components = Self.normalised(absolute.split(separator: "/")).map({ "/" + $0 }) else { return nil }
        for candidate in [components, Self.resolved(components)] {
            if candidate + "/" == top { return "" }
            if candidate.hasPrefix(top) { return String(candidate.dropFirst(top.count)) }
        }
        return nil
    }

    /// Like `relative`, but a path outside the working tree is a usage error (exit 2) naming it.
    func require(_ path: String) throws -> String {
        guard let relative = relative(path) else {
            throw Failure.usage("\(path) is outside the repository (\(top.map { String($0.dropLast()) } ?? base))")
        }
        return relative
    }

    /// Components with `.` dropped and `..` applied, joined by `/`; `nil` when `..` climbs above
    /// the start.
    private static func normalised(_ parts: [Substring]) -> String? {
        var kept: [Substring] = []
        for part in parts where part != "." {
            if part == ".." {
                guard kept.popLast() != nil else { return nil }
            } else {
                kept.append(part)
            }
        }
        return kept.joined(separator: "/")
    }

    /// `path` with the symlinks of its longest existing part resolved; the rest appended as is.
    private static func resolved(_ path: String) -> String {
        var existing = path
        var rest: [String] = []
        while !existing.isEmpty, existing != "/" {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let head = String(cString: real)
                return ([head == "/" ? "" : head] + rest).joined(separator: "/")
            }
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        return "/" + rest.joined(separator: "/")
    }
}
