import Foundation
import Git

/// Where each entry's record lies in a rendered index, with the digest of what it was rendered
/// from (`MemoryIndex.recordDigest`): what lets the next `lore index --output FILE` copy the
/// records whose inputs did not change instead of rendering them.
package struct IndexRecordLayout: Sendable {
    /// One record: the entry's path, its inputs' digest, and its byte range in the output.
    package struct Place: Sendable {
        package let path: String
        package let digest: [UInt8]
        package let offset: Int
        package let length: Int
    }

    /// The records, in output order.
    package let places: [Place]
    /// How many records were rendered rather than copied.
    package let rendered: Int
    /// The previous output's bytes the places point into (set when reading it back).
    private var bytes: [UInt8] = []
    private var byPath: [String: Int] = [:]

    init(places: [Place], rendered: Int) {
        self.places = places
        self.rendered = rendered
    }

    /// The layout of `bytes`, a previous output, so its records can be taken.
    init(places: [Place], of bytes: [UInt8]) {
        self.init(places: places, rendered: 0)
        self.bytes = bytes
        byPath.reserveCapacity(places.count)
        for (index, place) in places.enumerated() { byPath[place.path] = index }
    }

    /// The record of `path` in the previous output, when it was rendered from inputs with `digest`.
    func record(_ path: String, digest: [UInt8]) -> ArraySlice<UInt8>? {
        guard let index = byPath[path] else { return nil }
        let place = places[index]
        guard place.digest == digest, place.offset >= 0, place.length >= 0, place.offset <= bytes.count - place.length
        else { return nil }
        return bytes[place.offset..<(place.offset + place.length)]
    }

    /// A stable 128-bit digest (two `WordHash`es with different seeds).
    static func digest(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for seed: UInt64 in [0x9E37_79B9_7F4A_7C15, 0x6c62_272e_07bb_0142] {
            let value = WordHash.hash(bytes, seed: seed)
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        return out
    }
}

/// `lore index --output FILE`: the index written atomically, updated rather than rewritten. Beside
/// each output, a record in the common git folder (`lore/index-output-…`, named by a hash of the
/// output's absolute path) holds the Lore version, the options and configuration it was written
/// with, the digest and size of the whole file, and where each entry's record lies with the digest
/// of its inputs. The next run reads the previous output back only when all of that matches —
/// a hand-edited, truncated, replaced or foreign file fails the digest and everything is rendered —
/// and copies the bytes of every record whose inputs did not change. The result is byte for byte
/// what a full run gives.
public enum IndexOutput {
    /// What a write did.
    public struct Outcome: Sendable, Equatable {
        /// Records rendered (the others were copied from the previous output).
        public let rendered: Int
        /// Every record written.
        public let records: Int

        /// An outcome of `rendered` records rendered out of `records`.
        public init(rendered: Int, records: Int) {
            self.rendered = rendered
            self.records = records
        }
    }

    /// Writes `index` (JSON Lines when `lines`) to `path` atomically, reusing the previous output's
    /// unchanged records when `memory` keeps caches.
    public static func write(_ index: MemoryIndex, lines: Bool, to path: String, memory: MemoryRepository) throws(NewFileError) -> Outcome {
        let store = memory.caching && index.organization == nil
            ? RecordStore(path: memory.repository.commonDirectory + "lore/index-output-" + name(of: path),
                          header: "lore index output 1 \(LoreVersion.current)\n")
            : nil
        let key = Array(absolute(path).utf8)
        let options = optionsKey(index, lines: lines)
        let previous = store.flatMap { previousLayout($0[key], options: options, path: path) }
        let (bytes, layout) = index.render(lines: lines, reusing: previous)
        try AtomicFile.write(bytes, to: path)
        if let store {
            var payload: [UInt8] = []
            ByteWriter.bytes(Array(options.utf8), into: &payload)
            ByteWriter.varint(bytes.count, into: &payload)
            ByteWriter.bytes(IndexRecordLayout.digest(bytes[...]), into: &payload)
            ByteWriter.varint(layout.places.count, into: &payload)
            for place in layout.places {
                ByteWriter.string(place.path, into: &payload)
                ByteWriter.bytes(place.digest, into: &payload)
                ByteWriter.varint(place.offset, into: &payload)
                ByteWriter.varint(place.length, into: &payload)
            }
            store.replace(with: [(key, payload)])
        }
        return Outcome(rendered: layout.rendered, records: index.corpus.entries.count)
    }

    /// What the records depend on besides each entry's inputs: the form and the configuration.
    private static func optionsKey(_ index: MemoryIndex, lines: Bool) -> String {
        "format \(lines ? "jsonl" : "json") version \(MemoryIndex.formatVersion) configuration \(index.corpus.configuration.sourceDigest)"
    }

    /// The previous output's layout, when the record describes the file now at `path` exactly.
    private static func previousLayout(_ payload: ArraySlice<UInt8>?, options: String, path: String) -> IndexRecordLayout? {
        guard let payload else { return nil }
        var reader = ByteReader(payload)
        guard let written = reader.lengthPrefixedBytes(), written == Array(options.utf8), let size = reader.varint(),
              let digest = reader.lengthPrefixedBytes(), let count = reader.varint(), count <= payload.count else { return nil }
        var places: [IndexRecordLayout.Place] = []
        places.reserveCapacity(count)
        for _ in 0..<count {
            guard let path = reader.string(), let digest = reader.lengthPrefixedBytes(), let offset = reader.varint(),
                  let length = reader.varint() else { return nil }
            places.append(.init(path: path, digest: digest, offset: offset, length: length))
        }
        guard reader.isAtEnd, let bytes = ScratchFile.read(path), bytes.count == size,
              IndexRecordLayout.digest(bytes[...]) == digest else { return nil }
        return IndexRecordLayout(places: places, of: bytes)
    }

    /// `path` made absolute against the current folder.
    private static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    /// 16 hexadecimal digits naming the record of the output at `path`.
    private static func name(of path: String) -> String {
        let text = String(WordHash.hash(Array(absolute(path).utf8)[...], seed: 0x9E37_79B9_7F4A_7C15), radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
