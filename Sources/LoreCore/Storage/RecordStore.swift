import Foundation

/// A file of keyed binary records in the git directory (`lore/…`): the one on-disk format of every
/// cache Lore keeps. Each record is stored with a checksum; a damaged record is dropped, a file
/// with another header (format or Lore version) is ignored, and a missing one is empty. Caches only
/// save time: failing to read or write one is never an error.
package final class RecordStore: @unchecked Sendable {
    /// A record's key: bytes, hashed in one call rather than byte by byte.
    struct Key: Hashable {
        let bytes: ArraySlice<UInt8>

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.bytes.count == rhs.bytes.count && lhs.bytes.withUnsafeBytes { a in
                rhs.bytes.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
            }
        }
    }

    /// Where the file is.
    let path: String
    /// The file's first bytes: the format's name and version, and Lore's version.
    private let header: [UInt8]
    /// The records read from the file; read-only while workers use them.
    private let records: [Key: ArraySlice<UInt8>]
    /// Records used or made by this process, as given to `keep` (made into a table only when the
    /// file is rewritten: a run that changed nothing hashes nothing more).
    private var used: [[(key: [UInt8], payload: ArraySlice<UInt8>, fresh: Bool)]] = []
    /// Keys this process appended to the file.
    private var appended: Set<Key> = []
    /// How many records the file holds now (stale ones included).
    private var fileCount: Int
    /// The file must be written whole (missing, foreign, or damaged where appending cannot help).
    private var rewrite: Bool

    /// Reads the store at `path` if it has `header`.
    package init(path: String, header: String) {
        self.path = path
        self.header = Array(header.utf8)
        var records: [Key: ArraySlice<UInt8>] = [:]
        var rewrite = true
        if let bytes = ScratchFile.read(path) {
            if bytes.starts(with: self.header) {
                var reader = ByteReader(bytes[self.header.count...])
                rewrite = false
                while !reader.isAtEnd {
                    guard let keyLength = reader.varint(), let key = reader.bytes(keyLength), let length = reader.varint(),
                          let payload = reader.bytes(length), let sum = reader.bytes(8) else { rewrite = true; break }
                    // A record whose checksum does not match is dropped: it is made again.
                    if Self.checksum(key, payload).elementsEqual(sum) { records[Key(bytes: key)] = payload } else { rewrite = true }
                }
            }
        }
        self.records = records
        fileCount = records.count
        self.rewrite = rewrite
    }

    /// How many records the file held.
    var count: Int { records.count }

    /// The record stored under `key`.
    package subscript(key: [UInt8]) -> ArraySlice<UInt8>? { records[Key(bytes: key[...])] }

    /// Remembers the records one run used (`fresh` when just made) and brings the file up to date:
    /// new records are appended; the file is rewritten with only the records used by this process
    /// (a process reading two snapshots keeps both) when it is damaged or about a quarter of it is
    /// stale.
    package func keep(_ batch: [(key: [UInt8], payload: ArraySlice<UInt8>, fresh: Bool)]) {
        used.append(batch)
        var added: [(Key, ArraySlice<UInt8>)] = []
        var addedKeys = Set<Key>()
        var reused = 0
        for record in batch {
            let key = Key(bytes: record.key[...])
            if record.fresh, records[key] == nil, !appended.contains(key) {
                if addedKeys.insert(key).inserted { added.append((key, record.payload)) }
            } else {
                reused += 1
            }
        }
        // `reused` may count a record twice (two files with the same content): the estimate of
        // stale records is then low, and the file is compacted on a later run instead.
        if rewrite || fileCount - reused > max(64, fileCount / 4) {
            var kept: [Key: ArraySlice<UInt8>] = [:]
            for earlier in used { for record in earlier { kept[Key(bytes: record.key[...])] = record.payload } }
            if rewrite || fileCount - kept.count > max(64, fileCount / 4) || !added.isEmpty {
                save(kept.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }.map { ($0.key, $0.value) }, whole: true)
                return
            }
        }
        if !added.isEmpty { save(added.sorted { $0.0.bytes.lexicographicallyPrecedes($1.0.bytes) }, whole: false) }
    }

    /// Makes these the file's only records, written whole and atomically: for a store that keeps
    /// one current value under a key (a snapshot's state, the history state), where appending would keep every old one.
    package func replace(with records: [(key: [UInt8], payload: [UInt8])]) {
        save(records.map { (Key(bytes: $0.key[...]), $0.payload[...]) }, whole: true)
    }

    /// Appends `records` to the file in one write, after what is there: for a store that keeps a
    /// value and a journal of changes to it (a snapshot's state). `false` when the file is gone or
    /// cannot be written (the caller writes it whole with `replace`). Records read later with the
    /// same key as an earlier one replace it.
    package func append(_ records: [(key: [UInt8], payload: [UInt8])]) -> Bool {
        guard !rewrite else { return false }
        return appendRecords(records.map { (Key(bytes: $0.key[...]), $0.payload[...]) })
    }

    /// The records' bytes as the file holds them.
    private func encode(_ records: [(Key, ArraySlice<UInt8>)], into out: inout [UInt8]) {
        for (key, payload) in records {
            ByteWriter.varint(key.bytes.count, into: &out)
            out += key.bytes
            ByteWriter.varint(payload.count, into: &out)
            out += payload
            out += Self.checksum(key.bytes, payload)
        }
    }

    /// Appends records to the file in one write (a record torn by a crash fails its checksum and
    /// is made again); `false` when the file is gone or the write fell short.
    private func appendRecords(_ records: [(Key, ArraySlice<UInt8>)]) -> Bool {
        var out: [UInt8] = []
        encode(records, into: &out)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        let count = out.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard count == out.count else { return false }
        appended.formUnion(records.map(\.0))
        fileCount += records.count
        return true
    }

    /// Writes records: the whole file atomically (a temporary file renamed into place), or appended
    /// to the file in one write (a record torn by a crash fails its checksum and is made again).
    private func save(_ records: [(Key, ArraySlice<UInt8>)], whole: Bool) {
        if !whole {
            if appendRecords(records) { return }
            // Gone or not writable: write it whole.
            rewrite = true
            keep([])
            return
        }
        var out = header
        encode(records, into: &out)
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        guard ScratchFile.write(out, to: temporary) else { return }
        if rename(temporary, path) != 0 { unlink(temporary); return }
        appended = Set(records.map(\.0))
        fileCount = records.count
        rewrite = false
    }

    /// A 64-bit checksum over a record's key and payload: catches a damaged file before it misleads.
    static func checksum(_ key: ArraySlice<UInt8>, _ payload: ArraySlice<UInt8>) -> [UInt8] {
        let hash = WordHash.hash(payload, seed: WordHash.hash(key, seed: 0x9E37_79B9_7F4A_7C15))
        return (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
    }
}

/// FNV-1a, 64 bits: a fast, stable (same on every machine and run) hash for cache keys and checks.
package enum FNV1a {
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    package static func hash<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = offsetBasis) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The hash of several texts, each followed by a 0 byte so that ("ab", "c") ≠ ("a", "bc").
    package static func hash(texts: [String]) -> UInt64 {
        texts.reduce(offsetBasis) { hash(CollectionOfOne(UInt8(0)), seed: hash($1.utf8, seed: $0)) }
    }
}

/// A fast 64-bit hash taking eight bytes at a time (multiply and fold), for checksums of large
/// cache files: stable across machines and runs, not cryptographic.
package enum WordHash {
    package static func hash(_ bytes: ArraySlice<UInt8>, seed: UInt64) -> UInt64 {
        bytes.withUnsafeBytes { raw -> UInt64 in
            var hash = seed ^ (UInt64(raw.count) &* 0xFF51_AFD7_ED55_8CCD)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = mix(hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < raw.count {
                tail |= UInt64(raw[offset]) << shift
                shift += 8
                offset += 1
            }
            return mix(hash ^ tail)
        }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return x &* 0x94D0_49BB_1331_11EB
    }
}
