import Foundation
import TestSupport
import Testing

/// The library's folders are layers: each may use only the folders of lower layers (and its own).
/// The split into `LoreCore` and `LoreKit` makes the compiler refuse a use of LoreKit from the core;
/// this test keeps the order of the folders inside each module, as docs/architecture.md draws it.
@Suite struct LayeringTests {
    /// Each folder's layer, bottom (0) to top. A new folder must be placed here before it builds a
    /// passing test suite.
    static let layers: [String: (module: String, layer: Int)] = [
        "Support": ("LoreCore", 0), "Model": ("LoreCore", 0), "Resources": ("LoreCore", 0),
        "Storage": ("LoreCore", 1), "Parsing": ("LoreCore", 1), "Template": ("LoreCore", 1),
        "Config": ("LoreCore", 2), "History": ("LoreCore", 2),
        "Corpus": ("LoreCore", 3), "Query": ("LoreCore", 3),
        "Links": ("LoreCore", 4),
        "Editing": ("LoreKit", 5), "FollowUp": ("LoreKit", 5), "Hooks": ("LoreKit", 5),
        "Rules": ("LoreKit", 6), "Output": ("LoreKit", 6), "Organization": ("LoreKit", 6),
        "Reporters": ("LoreKit", 7), "Recall": ("LoreKit", 7), "Search": ("LoreKit", 7),
        "Scaffold": ("LoreKit", 7), "Publish": ("LoreKit", 7), "Similarity": ("LoreKit", 5),
    ]

    struct SourceFile {
        let folder: String
        let name: String
        let text: String
    }

    static func sources() throws -> [SourceFile] {
        let root = packageRoot.appendingPathComponent("Sources")
        var files: [SourceFile] = []
        for module in ["LoreCore", "LoreKit"] {
            let base = root.appendingPathComponent(module)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let parts = relative.split(separator: "/")
                guard parts.count > 1 else { continue }   // Exports.swift and the like: no layer
                let text = try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8)
                files.append(SourceFile(folder: String(parts[0]), name: "\(module)/\(relative)", text: text))
            }
        }
        return files.sorted { $0.name < $1.name }
    }

    /// The top-level types a file declares (`struct`, `enum`, `class`, `protocol`, `typealias`).
    static func declarations(in text: String) -> [String] {
        let pattern = #/(?m)^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|final|indirect)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+([A-Z]\w*)/#
        return text.matches(of: pattern).map { String($0.output.1) }
    }

    /// The capitalised words of code, outside comments and one-line string literals.
    static func typeWords(in text: String) -> Set<String> {
        var words = Set<String>()
        for line in text.split(separator: "\n") {
            var word = ""
            var inString = false
            var previous: Character = " "
            func finish() {
                if let first = word.first, first.isUppercase { words.insert(word) }
                word = ""
            }
            for character in line {
                if inString {
                    if character == "\"" && previous != "\\" { inString = false }
                } else if character == "\"" {
                    finish()
                    inString = true
                } else if character == "/" && previous == "/" {
                    word = ""
                    break
                } else if character.isLetter || character.isNumber || character == "_" {
                    if word.isEmpty && (previous.isLetter || previous.isNumber || previous == "_") {
                        // the rest of a word that started with a lower-case letter
                    } else {
                        word.append(character)
                    }
                } else {
                    finish()
                }
                previous = character
            }
            finish()
        }
        return words
    }

    @Test func everyFolderHasALayerInItsModule() throws {
        for file in try Self.sources() {
            let layer = try #require(Self.layers[file.folder], "\(file.name): folder \(file.folder) has no layer in LayeringTests.layers")
            #expect(file.name.hasPrefix(layer.module + "/"), "\(file.name): folder \(file.folder) belongs in \(layer.module)")
        }
    }

    @Test func noFolderUsesAFolderAboveIt() throws {
        let files = try Self.sources()
        var owner: [String: String] = [:]
        for file in files {
            for name in Self.declarations(in: file.text) where owner[name] == nil { owner[name] = file.folder }
        }
        var crossings: [String] = []
        for file in files {
            guard let layer = Self.layers[file.folder]?.layer else { continue }
            for word in Self.typeWords(in: file.text).sorted() {
                guard let folder = owner[word], let used = Self.layers[folder]?.layer, used > layer else { continue }
                crossings.append("\(file.name) (\(file.folder), layer \(layer)) uses \(word) of \(folder) (layer \(used))")
            }
        }
        #expect(crossings.isEmpty, "\(crossings.joined(separator: "\n"))")
    }

    /// The test itself can fail: a use of a higher folder's type is seen.
    @Test func aCrossingIsSeen() {
        #expect(Self.declarations(in: "public struct Checker {\n}\nenum A {}\n") == ["Checker", "A"])
        #expect(Self.typeWords(in: "let x = Checker.run() // SearchIndex\nlet s = \"Publish\"") == ["Checker"])
        #expect(Self.typeWords(in: "func f(_ a: [EntrySummary]) -> LinkGraph? { aB }") == ["EntrySummary", "LinkGraph"])
        #expect(!Self.typeWords(in: "let x = 1 // SearchIndex\nlet s = \"Publish\"").contains("SearchIndex"))
        #expect(!Self.typeWords(in: "let s = \"Publish\"").contains("Publish"))
    }
}
