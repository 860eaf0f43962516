import Foundation
import Testing
import TestSupport

/// End to end on a corpus from the shared generator (`../shared/bench/gen_corpus.py`), the same
/// one `make bench` measures: every entry listed, at the paths the generator's ground truth gives.
@Suite struct GeneratedCorpusTests {
    static let generator: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py").path
    }()

    @Test func everyGeneratedEntryIsListedFromEverySnapshot() throws {
        try #require(FileManager.default.fileExists(atPath: Self.generator), "the shared generator is expected beside the project: \(Self.generator)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-gen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try runProcess("/usr/bin/env", ["python3", Self.generator, folder, "--entries", "300", "--commits", "500", "--seed", "7"],
                                       environment: gitEnvironment())
        try #require(generated.status == 0, "\(generated.stderr)")
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/truth.json"))) as? [String: Any])
        let entries = (truth["entries"] as? [String: Any]) ?? truth
        let expected = entries.keys.filter { $0.hasSuffix(".md") }.sorted()
        try #require(expected.count == 300)
        for arguments in [["list", "--format", "paths"], ["list", "--rev", "HEAD", "--format", "paths"], ["list", "--staged", "--format", "paths"]] {
            let result = try runProcess(loreBinary, arguments, in: folder, environment: gitEnvironment())
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.split(separator: "\n").map(String.init).sorted() == expected, "\(arguments)")
        }
        let json = try runProcess(loreBinary, ["list", "--format", "json"], in: folder, environment: gitEnvironment())
        let records = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 300)
        #expect(records.allSatisfy { ($0["headings"] as? [Any])?.isEmpty == false })
    }
}
