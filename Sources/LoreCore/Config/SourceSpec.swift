import Git

/// One repository of the organization's memory, as `.lore/config.yml` lists it under `sources:`.
public struct SourceSpec: Sendable, Hashable {
    /// Where a source is read from.
    public enum Location: Sendable, Hashable {
        /// A git repository (a path, relative to the top of the working tree, or a URL libgit2
        /// reads) and the branch, tag or commit read.
        case git(url: String, ref: String)
        /// A published `index.json` (`lore index`, `lore publish`): a path or an http(s) URL.
        case index(String)
    }

    /// The short name qualified ids use (`payments` in `payments:PM-0001`).
    public let name: String
    /// Where it is read from.
    public let location: Location
    /// Where the configuration names it.
    public let position: SourcePosition

    /// A source.
    public init(name: String, location: Location, position: SourcePosition) {
        self.name = name
        self.location = location
        self.position = position
    }

    /// The location as written (`../payments@main`, `https://…/index.json`).
    public var locationDescription: String {
        switch location {
        case .git(let url, let ref): return "\(url) (\(ref))"
        case .index(let location): return location
        }
    }

    /// `name:ID` split at its first `:` when `name` has the form of a source name, else `nil`.
    public static func qualified(_ text: String) -> (source: String, id: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon]), id = String(text[text.index(after: colon)...])
        guard isName(name), !id.isEmpty, !id.contains(":"), !id.contains("/") else { return nil }
        return (name, id)
    }

    /// A source name: a lowercase letter, then lowercase letters, digits, `-` and `_`.
    public static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first), text.unicodeScalars.count <= 64 else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}
