import Foundation

/// A code host whose URL patterns Lore knows, for "view source" and commit links.
public struct Forge: Sendable, Hashable {
    /// The URL patterns of a host.
    public enum Host: String, Sendable, Hashable {
        case github, gitlab, bitbucket
    }
    /// Which patterns apply.
    public let host: Host
    /// The repository's web address: `https://github.com/owner/name`, without a trailing slash.
    public let base: String

    /// A forge from a repository URL as `git remote` or a browser shows it (`https://…`,
    /// `git@host:owner/name.git`, `ssh://git@host/owner/name.git`), or `nil` when the host is not
    /// GitHub, GitLab or Bitbucket (a self-hosted one counts when its host name says which).
    public init?(repositoryURL: String) {
        var text = repositoryURL.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        var hostAndPath: Substring
        if let range = text.range(of: "://") {
            let scheme = text[..<range.lowerBound].lowercased()
            guard ["https", "http", "ssh", "git"].contains(scheme) else { return nil }
            hostAndPath = text[range.upperBound...]
            if let at = hostAndPath.firstIndex(of: "@"), !hostAndPath[..<at].contains("/") { hostAndPath = hostAndPath[hostAndPath.index(after: at)...] }
        } else if let at = text.firstIndex(of: "@"), let colon = text[at...].firstIndex(of: ":") {
            hostAndPath = Substring(text[text.index(after: at)..<colon] + "/" + text[text.index(after: colon)...])
        } else {
            return nil
        }
        guard let slash = hostAndPath.firstIndex(of: "/") else { return nil }
        var host = String(hostAndPath[..<slash]).lowercased()
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }   // ssh port
        let path = hostAndPath[hostAndPath.index(after: slash)...].split(separator: "/").joined(separator: "/")
        guard path.contains("/"), host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0 != "\"" && $0 != "<" && $0 != ">" && $0 != "\\" }) else { return nil }
        if host.contains("github") { self.host = .github }
        else if host.contains("gitlab") { self.host = .gitlab }
        else if host.contains("bitbucket") { self.host = .bitbucket }
        else { return nil }
        base = "https://\(host)/\(path)"
    }

    /// The page of a file at a commit.
    public func fileURL(_ path: String, commit: String) -> String {
        let escaped = Self.escapePath(path)
        switch host {
        case .github: return "\(base)/blob/\(commit)/\(escaped)"
        case .gitlab: return "\(base)/-/blob/\(commit)/\(escaped)"
        case .bitbucket: return "\(base)/src/\(commit)/\(escaped)"
        }
    }

    /// The page of a folder at a commit.
    public func folderURL(_ path: String, commit: String) -> String {
        let escaped = Self.escapePath(path)
        switch host {
        case .github: return "\(base)/tree/\(commit)/\(escaped)"
        case .gitlab: return "\(base)/-/tree/\(commit)/\(escaped)"
        case .bitbucket: return "\(base)/src/\(commit)/\(escaped)"
        }
    }

    /// The forge's editor for a file on the default branch (`HEAD`): the "edit this page" link.
    public func editURL(_ path: String) -> String {
        let escaped = Self.escapePath(path)
        switch host {
        case .github: return "\(base)/edit/HEAD/\(escaped)"
        case .gitlab: return "\(base)/-/edit/HEAD/\(escaped)"
        case .bitbucket: return "\(base)/src/HEAD/\(escaped)?mode=edit"
        }
    }

    /// The page of a commit.
    public func commitURL(_ id: String) -> String {
        switch host {
        case .github: return "\(base)/commit/\(id)"
        case .gitlab: return "\(base)/-/commit/\(id)"
        case .bitbucket: return "\(base)/commits/\(id)"
        }
    }

    /// Percent-encodes a repository path for a URL, keeping `/`.
    static func escapePath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let isUnreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
                || byte == UInt8(ascii: "/")
            if isUnreserved { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
