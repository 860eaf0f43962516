import Foundation
import LoreKit
import Markdown

/// What each fuzz target does with one input: the parsers that read what a pull request controls.
/// Every one must return (or throw its typed error) for any bytes: no trap, no stall, no unbounded
/// memory. The libFuzzer executables in `Sources/Fuzz/` call these (`make fuzz`), and `FuzzCorpusTests`
/// replays the seed corpus in `Tests/FuzzCorpus/` through them on every `make test`.
public enum FuzzTargets {
    /// The targets by name (the folder names in `Sources/Fuzz/` and `Tests/FuzzCorpus/`).
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("entry", entry), ("markdown", markdown), ("configuration", configuration), ("search-query", searchQuery),
    ]

    /// An entry file: the front-matter split, the YAML reader, the entry fields, the Markdown
    /// body's headings, sections and links, and the parse cache's encoding of the result.
    public static func entry(_ bytes: [UInt8]) {
        for kind in ["postmortem", "lesson", "decision"] {
            let result = EntryParser.parse(path: GitPath("lessons/fuzz.md"), kind: kind, bytes: bytes)
            if let entry = result.entry {
                _ = entry.id; _ = entry.title; _ = entry.date; _ = entry.tags
                _ = entry.frontMatter.list("related")
            }
            _ = result.diagnostics.map(\.description)
        }
    }

    /// A Markdown body: headings and links with positions, and the safe-mode HTML of the site.
    public static func markdown(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try? MarkdownDocument.parse(text, lineOffset: 3)
        _ = try? renderHTML(text)
    }

    /// `.lore/config.yml`: every setting, with positioned errors.
    public static func configuration(_ bytes: [UInt8]) {
        do {
            let configuration = try Configuration.parse(bytes)
            _ = configuration.kinds.map(\.dir)
        } catch {
            _ = error.description
        }
    }

    /// `lore search WORDS`: the query parser that turns words into an FTS5 expression.
    public static func searchQuery(_ bytes: [UInt8]) {
        _ = try? SearchQuery.ftsExpression(String(decoding: bytes, as: UTF8.self))
    }

    /// Runs `target` on each file named (a folder: each file in it), for replaying a corpus or a
    /// crash outside libFuzzer; returns how many inputs ran.
    @discardableResult
    public static func replay(_ paths: [String], _ target: ([UInt8]) -> Void) -> Int {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target(Array(data))
                count += 1
            }
        }
        return count
    }
}

/// libFuzzer's driver (in the fuzzer runtime `-sanitize=fuzzer` links); only the fuzz build calls it.
@_silgen_name("LLVMFuzzerRunDriver")
public func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                                _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
