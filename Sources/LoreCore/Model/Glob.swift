import Git

/// Matches repository paths against `affects` globs: `*` and `?` within one path component, `**`
/// across components, `[abc]` classes; a pattern ending in `/` or naming a folder matches what it holds.
package struct Glob: Sendable {
    private let pattern: [UInt8]

    /// The pattern's bytes up to the last `/` before its first wildcard: every path the glob can
    /// match starts with them (the whole pattern when it has no wildcard).
    var literalPrefix: [UInt8] {
        guard let wildcard = pattern.firstIndex(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }) else {
            return pattern.last == UInt8(ascii: "/") ? Array(pattern.dropLast()) : pattern
        }
        guard let slash = pattern[..<wildcard].lastIndex(of: UInt8(ascii: "/")) else { return [] }
        return Array(pattern[..<slash])
    }

    /// The globs of `left` that can match a path some glob of `right` matches, judged by their
    /// literal folders: equal globs, or one's leading folders inside the other's (`src/db/**` and
    /// `src/db/pool.swift`). Sorted, each once. What `lore similar` and recurrence call shared paths.
    package static func overlapping(_ left: [String], _ right: [String]) -> [String] {
        overlapping(Prefixed(left), Prefixed(right))
    }

    /// Globs with their literal prefixes worked out once, for comparing with many others
    /// (`lore similar`'s candidates, recurrence's earlier postmortems).
    package struct Prefixed: Sendable {
        package let globs: [(text: String, prefix: [UInt8])]

        package init(_ globs: [String]) { self.globs = globs.map { ($0, Glob($0).literalPrefix) } }

        package var isEmpty: Bool { globs.isEmpty }
    }

    /// `overlapping` of globs whose prefixes are worked out already.
    package static func overlapping(_ left: Prefixed, _ right: Prefixed) -> [String] {
        guard !left.isEmpty, !right.isEmpty else { return [] }
        let others = right.globs
        var shared = Set<String>()
        for (glob, a) in left.globs {
            if others.contains(where: { other, b in
                if a.isEmpty || b.isEmpty { return glob == other }
                return Glob.isInside(a, b) || Glob.isInside(b, a)
            }) {
                shared.insert(glob)
            }
        }
        return shared.sorted()
    }

    /// `path` is `folder` or inside it (by whole components).
    private static func isInside(_ path: [UInt8], _ folder: [UInt8]) -> Bool {
        path == folder || (path.count > folder.count && path.starts(with: folder) && path[folder.count] == UInt8(ascii: "/"))
    }

    package init(_ pattern: String) {
        var text = pattern
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasPrefix("/") { text.removeFirst() }
        self.pattern = Array(text.utf8)
    }

    /// The glob matches `path` itself or a folder holding it.
    func matches(_ path: String) -> Bool { matches(bytes: Array(path.utf8)) }

    /// The glob matches the path with these bytes itself or a folder holding it.
    func matches(bytes: [UInt8]) -> Bool {
        if Glob.match(pattern[...], bytes[...]) { return true }
        // A folder pattern matches every file under it.
        var end = bytes.count
        while let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) {
            if Glob.match(pattern.last == UInt8(ascii: "/") ? pattern.dropLast()[...] : pattern[...], bytes[..<slash]) { return true }
            end = slash
        }
        return false
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        while p < pattern.endIndex {
            let c = pattern[p]
            if c == UInt8(ascii: "*") {
                if p + 1 < pattern.endIndex && pattern[p + 1] == UInt8(ascii: "*") {
                    // `**/` matches zero or more whole components; `**` at the end matches the rest.
                    var rest = p + 2
                    if rest < pattern.endIndex && pattern[rest] == UInt8(ascii: "/") { rest += 1 }
                    if rest == pattern.endIndex { return true }
                    var start = t
                    while true {
                        if match(pattern[rest...], text[start...]) { return true }
                        guard let slash = text[start...].firstIndex(of: UInt8(ascii: "/")) else { return false }
                        start = slash + 1
                    }
                }
                var start = t
                while true {
                    if match(pattern[(p + 1)...], text[start...]) { return true }
                    guard start < text.endIndex, text[start] != UInt8(ascii: "/") else { return false }
                    start += 1
                }
            }
            guard t < text.endIndex else { return false }
            if c == UInt8(ascii: "?") {
                guard text[t] != UInt8(ascii: "/") else { return false }
            } else if c == UInt8(ascii: "[") , let close = pattern[(p + 1)...].firstIndex(of: UInt8(ascii: "]")) {
                var set = pattern[(p + 1)..<close]
                let negate = set.first == UInt8(ascii: "!") || set.first == UInt8(ascii: "^")
                if negate { set = set.dropFirst() }
                var found = false
                var index = set.startIndex
                while index < set.endIndex {
                    if index + 2 < set.endIndex && set[index + 1] == UInt8(ascii: "-") {
                        if text[t] >= set[index] && text[t] <= set[index + 2] { found = true }
                        index += 3
                    } else {
                        if text[t] == set[index] { found = true }
                        index += 1
                    }
                }
                guard found != negate, text[t] != UInt8(ascii: "/") else { return false }
                p = close
            } else if c != text[t] {
                return false
            }
            p += 1
            t += 1
        }
        return t == text.endIndex
    }
}

/// The snapshot's file paths, sorted by bytes, so a glob is matched only against the paths that
/// share its literal prefix (a binary search) instead of every file.
public struct FileIndex: Sendable {
    private let paths: [[UInt8]]

    /// An index of these paths.
    public init(_ paths: [String]) {
        self.paths = paths.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// An index of these paths (a snapshot's listing is already sorted by bytes: not sorted again).
    public init(_ paths: [GitPath]) {
        let bytes = paths.map(\.bytes)
        let sorted = zip(bytes, bytes.dropFirst()).allSatisfy { !$1.lexicographicallyPrecedes($0) }
        self.paths = sorted ? bytes : bytes.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Every path, as text.
    public var all: [String] { paths.map { String(decoding: $0, as: UTF8.self) } }

    /// The path is in the snapshot.
    public func contains(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        let index = lowerBound(bytes)
        return index < paths.count && paths[index] == bytes
    }

    /// Some path matches the glob.
    package func anyMatch(_ glob: Glob) -> Bool { firstMatch(glob, from: 0) != nil }

    /// Every path the glob matches, sorted.
    package func matches(_ glob: Glob) -> [GitPath] {
        var found: [GitPath] = []
        var start = 0
        while let index = firstMatch(glob, from: start) {
            found.append(GitPath(bytes: paths[index]))
            start = index + 1
        }
        return found
    }

    /// The first index at or after `start` of a path the glob matches. Only the paths sharing the
    /// glob's literal prefix are tried (a binary search finds them).
    private func firstMatch(_ glob: Glob, from start: Int) -> Int? {
        let prefix = glob.literalPrefix
        var index = max(start, lowerBound(prefix))
        while index < paths.count, paths[index].starts(with: prefix) {
            if glob.matches(bytes: paths[index]) { return index }
            index += 1
        }
        return nil
    }

    private func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0, high = paths.count
        while low < high {
            let middle = (low + high) / 2
            if paths[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
