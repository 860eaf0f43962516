import Foundation
import Git

/// The one file format of Lore's caches in the git folder (`lore/parse-cache`, `lore/history-cache`):
/// a header naming the format and Lore version, then records of a 20-byte object id, a varint
/// length, the payload and an FNV-1a checksum. A damaged record is dropped; a foreign or truncated
/// file reads as empty, so a cache is only ever rebuilt, never trusted blindly.
enum CacheFile {
    /// The records of the file at `path` whose first bytes are `header`; empty when missing or foreign.
    static func read(path: String, header: [UInt8]) -> [ObjectID: ArraySlice<UInt8>] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let bytes = [UInt8](data)
        guard bytes.starts(with: header) else { return [:] }
        var records: [ObjectID: ArraySlice<UInt8>] = [:]
        var reader = ByteReader(bytes[header.count...])
        while !reader.isAtEnd {
            guard let key = reader.bytes(20).flatMap({ ObjectID(raw: Array($0)) }), let length = reader.varint(),
                  let payload = reader.bytes(length), let sum = reader.bytes(8) else { return [:] }
            // A record whose checksum does not match is dropped: it will be computed again.
            if Array(sum) == checksum(payload) { records[key] = payload }
        }
        return records
    }

    /// Writes the records sorted by key, atomically (a temporary file renamed into place). Failing
    /// to write is not an error: a cache only saves time.
    static func write(path: String, header: [UInt8], records: [ObjectID: ArraySlice<UInt8>]) {
        var out = header
        for (key, payload) in records.sorted(by: { $0.key < $1.key }) {
            out += key.raw
            ByteWriter.varint(payload.count, into: &out)
            out += payload
            out += checksum(payload)
        }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(out)) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// FNV-1a, 64 bits, of a record: catches a damaged cache file before it could mislead.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
    }
}
