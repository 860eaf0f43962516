import Foundation

/// What each page of a published site was made from: a digest of everything its template was
/// given (the context, the template's and layout's names and values, the theme's text, Lore's
/// version) and the size of the page written. It is kept in the site's marker file (`.lore-site`,
/// after the marker's text), so the next `lore publish` into the same `--out` renders only the
/// pages whose digest changed and takes the others from the previous site as they are.
///
/// The previous manifest is trusted only as far as it is checked: a marker that does not parse
/// line by line, names another format or Lore version, or a page whose file is missing or not
/// the size recorded, makes that page (or, for the marker, every page) render again. A page
/// rendered again is the same bytes a full build gives, so a damaged manifest costs time, never
/// correctness.
struct SiteManifest: Sendable, Equatable {
    /// One page: its digest and the size of its file.
    struct Page: Sendable, Equatable {
        let digest: String
        let size: Int
    }

    /// The first line after the marker's text: format and Lore version.
    static var header: String { "lore site manifest 1 \(LoreVersion.current)\n" }

    /// Page path → digest and size.
    var pages: [String: Page] = [:]

    /// The marker file's text: the marker, then one line per page in path order.
    func markerText() -> String {
        var out = Site.markerText + Self.header
        for (path, page) in pages.sorted(by: { $0.key < $1.key }) { out += "\(page.digest) \(page.size) \(path)\n" }
        return out
    }

    /// The manifest in the marker file of the site at `folder`, or `nil` when there is none or it
    /// is damaged in any way (then every page is rendered).
    static func read(site folder: String) -> SiteManifest? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + Site.markerName),
              let text = String(data: data, encoding: .utf8), text.hasPrefix(Site.markerText + header), text.hasSuffix("\n") else { return nil }
        var manifest = SiteManifest()
        let body = text.dropFirst(Site.markerText.count + header.count)
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].utf8.count == 32, parts[0].utf8.allSatisfy({ Self.isHex($0) }),
                  let size = Int(parts[1]), size >= 0, !parts[2].isEmpty, !parts[2].hasPrefix("/"),
                  !parts[2].split(separator: "/").contains(".."), manifest.pages[String(parts[2])] == nil else { return nil }
            manifest.pages[String(parts[2])] = Page(digest: String(parts[0]), size: size)
        }
        return manifest
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}

/// A stable 128-bit digest (two `WordHash`es with different seeds) of a page's inputs: a
/// Mustache context of strings, numbers, booleans, lists and objects, keys in sorted order, each
/// value tagged with its type so that no two different contexts encode alike.
struct PageDigest {
    private var bytes: [UInt8] = []

    mutating func add(_ text: String) {
        bytes.append(UInt8(ascii: "s"))
        ByteWriter.string(text, into: &bytes)
    }

    /// Adds a template value: the same bytes for the same value, each tagged with its type.
    mutating func add(value: TemplateValue) {
        switch value {
        case .string(let text): add(text)
        case .bool(let flag): bytes.append(flag ? UInt8(ascii: "T") : UInt8(ascii: "F"))
        case .number(let number):
            bytes.append(UInt8(ascii: "i"))
            add(String(number))
        case .object(let object): add(object: object)
        case .list(let list):
            bytes.append(UInt8(ascii: "["))
            ByteWriter.varint(list.count, into: &bytes)
            for item in list { add(value: item) }
        }
    }

    /// Adds an object, keys in sorted order.
    mutating func add(object: [String: TemplateValue]) {
        bytes.append(UInt8(ascii: "{"))
        ByteWriter.varint(object.count, into: &bytes)
        for (key, item) in object.sorted(by: { $0.key < $1.key }) {
            add(key)
            add(value: item)
        }
    }

    /// 32 hexadecimal digits.
    var hex: String {
        let first = WordHash.hash(bytes[...], seed: 0x9E37_79B9_7F4A_7C15), second = WordHash.hash(bytes[...], seed: 0x6c62_272e_07bb_0142)
        return [first, second].map { value in
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
