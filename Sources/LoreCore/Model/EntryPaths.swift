import Foundation
import Git

/// How a Markdown link written in an entry names a repository path: the one reading of relative
/// `.md` links, for summaries, link resolution and the `broken-link` rule.
package enum EntryPaths {
    /// The folders of a path, for resolving relative links from it.
    package static func folder(of path: GitPath) -> [Substring] {
        Array(path.description.split(separator: "/", omittingEmptySubsequences: true).dropLast())
    }

    /// The repository path a relative link to a `.md` file points at, or `nil` for URLs, anchors and
    /// links to other kinds of files.
    package static func entryFileTarget(_ destination: String, from path: GitPath) -> String? {
        entryFileTarget(destination, folder: folder(of: path))
    }

    package static func entryFileTarget(_ destination: String, folder: [Substring]) -> String? {
        var target = Substring(destination)
        if let cut = target.firstIndex(where: { $0 == "#" || $0 == "?" }) { target = target[..<cut] }
        guard target.hasSuffix(".md"), !target.hasPrefix("mailto:") else { return nil }
        // A scheme (`https:`) makes it a URL, not a path.
        if let colon = target.firstIndex(of: ":"), !target[..<colon].contains("/") { return nil }
        let decoded = target.contains("%") ? (String(target).removingPercentEncoding ?? String(target)) : String(target)
        var components: [Substring] = decoded.hasPrefix("/") ? [] : folder
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if components.isEmpty { return decoded }   // escapes the repository: never present
                components.removeLast()
            } else {
                components.append(part)
            }
        }
        return components.joined(separator: "/")
    }

    /// A link without `.md` that may name an entry (a kind reading records as found): relative or
    /// site-absolute, extension-less or `.html`, pretty URLs with a trailing `/`; the repository
    /// path it points at without extension (`/…` resolved from the root). `nil` for URLs,
    /// anchors and links to other kinds of file.
    package static func looseTarget(_ destination: String, folder: [Substring]) -> String? {
        var target = Substring(destination)
        if let cut = target.firstIndex(where: { $0 == "#" || $0 == "?" }) { target = target[..<cut] }
        if let colon = target.firstIndex(of: ":"), !target[..<colon].contains("/") { return nil }
        while target.hasSuffix("/") { target = target.dropLast() }
        guard let last = target.split(separator: "/").last, !last.isEmpty, last != ".", last != ".." else { return nil }
        if let dot = last.lastIndex(of: ".") {
            guard last[last.index(after: dot)...].lowercased() == "html" else { return nil }
            target = target.dropLast(5)
        }
        return entryFileTarget(String(target) + ".md", folder: folder).map { String($0.dropLast(3)) }
    }
}
