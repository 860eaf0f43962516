import CGit2
import Foundation

/// A git object id (SHA-1), as a value.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 20 raw bytes.
    public let raw: [UInt8]

    init(_ oid: git_oid) {
        var oid = oid
        raw = withUnsafeBytes(of: &oid.id) { Array($0) }
    }

    /// An id from its 20 raw bytes.
    public init?(raw: [UInt8]) {
        guard raw.count == 20 else { return nil }
        self.raw = raw
    }

    /// The 40-digit lowercase hex form.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in raw {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { buffer in
            for index in 0..<min(buffer.count, raw.count) { buffer[index] = raw[index] }
        }
        return oid
    }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.raw.lexicographicallyPrecedes(rhs.raw)
    }
}
