import Foundation

/// Globs over a kind's file names and paths (`include:`, `exclude:`): `*`, `?` and `[…]` within a
/// name (fnmatch), `**` for any number of folders. A pattern without `/` matches the file name at
/// any depth; one with `/` matches the path relative to the kind's folder (a leading `/` anchors a
/// name at the folder itself: `/*.md` is the folder's own Markdown files, not its subfolders').
enum NameGlob {
    /// `pattern` matches the single name `name`.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// `pattern` matches the path made of `components`.
    static func matches(_ pattern: String, _ components: [String]) -> Bool {
        guard pattern.contains("/") else { return components.last.map { matches(pattern, $0) } ?? false }
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return match(parts[...], components[...])
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let name = path.first, fnmatch(first, name, 0) == 0 else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}
