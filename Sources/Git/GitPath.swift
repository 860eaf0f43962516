import CGit2
import Foundation

/// A path inside a repository, kept as the exact bytes git stores (`/`-separated, no leading `/`).
///
/// Git paths are bytes, not text: a non-UTF-8 name or two names differing only in Unicode
/// normalisation are distinct paths, and compare, sort and hash by their bytes.
public struct GitPath: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The exact bytes of the path.
    public let bytes: [UInt8]

    /// A path from its bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A path from text (always valid UTF-8).
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    init(cString: UnsafePointer<CChar>) {
        self.bytes = Array(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
    }

    /// The path as text when its bytes are valid UTF-8, else `nil`.
    public var string: String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// The bytes are valid UTF-8.
    public var isValidUTF8: Bool { string != nil }

    /// The path for display: text where valid UTF-8, each invalid byte written `\xNN`.
    public var description: String {
        if let string { return string }
        var out = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(at: index)
            if length > 0 {
                out += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            } else {
                let hex = String(bytes[index], radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                index += 1
            }
        }
        return out
    }

    private func validSequenceLength(at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil ? 0 : length
    }

    /// The last component (file name) bytes.
    public var nameBytes: ArraySlice<UInt8> {
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { return bytes[(slash + 1)...] }
        return bytes[...]
    }

    /// The components between `/`.
    public var components: [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
    }

    /// This path with `other` appended after a `/`.
    public func appending(_ other: GitPath) -> GitPath {
        if bytes.isEmpty { return other }
        return GitPath(bytes: bytes + [UInt8(ascii: "/")] + other.bytes)
    }

    /// The path is `prefix` itself or lies under the folder `prefix`.
    public func isInside(_ prefix: GitPath) -> Bool {
        if prefix.bytes.isEmpty { return true }
        guard bytes.count >= prefix.bytes.count, bytes.starts(with: prefix.bytes) else { return false }
        return bytes.count == prefix.bytes.count || bytes[prefix.bytes.count] == UInt8(ascii: "/")
    }

    public static func < (lhs: GitPath, rhs: GitPath) -> Bool {
        lhs.bytes.withUnsafeBytes { a in
            rhs.bytes.withUnsafeBytes { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
    }

    public static func == (lhs: GitPath, rhs: GitPath) -> Bool { lhs.bytes == rhs.bytes }

    /// Hashes the bytes in one call (the derived conformance fed them one by one).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var terminated = bytes
        terminated.append(0)
        return try terminated.withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, body)
        }
    }
}
