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
            let result = try lore(arguments, in: folder)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.split(separator: "\n").map(String.init).sorted() == expected, "\(arguments)")
        }
        let json = try lore(["list", "--format", "json"], in: folder)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 300)
        #expect(records.allSatisfy { ($0["headings"] as? [Any])?.isEmpty == false })
    }
}

/// `lore check` on a generated corpus finds exactly the generator's deliberate defects at error
/// severity — precision and recall both 100% — and nothing else at error.
@Suite struct CheckCorpusTests {
    @Test func everyDefectAndNothingElseAtError() throws {
        try #require(FileManager.default.fileExists(atPath: GeneratedCorpusTests.generator))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-check-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try runProcess("/usr/bin/env", ["python3", GeneratedCorpusTests.generator, folder, "--entries", "1000", "--commits", "2000", "--seed", "1"],
                                       environment: gitEnvironment())
        try #require(generated.status == 0, "\(generated.stderr)")
        let defects = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/defects.json"))) as? [String: Any])
        let rules = ["missing_required_field": "missing-field", "unknown_severity": "invalid-value",
                     "broken_link": "broken-link", "duplicate_id": "duplicate-id"]
        var expected = Set<String>()
        for defect in try #require(defects["defects"] as? [[String: Any]]) {
            let kind = try #require(defect["defect"] as? String)
            let rule = try #require(rules[kind], "unknown defect kind \(kind)")
            expected.insert("\(defect["file"] as? String ?? "?") \(rule)")
            if let other = defect["duplicate_of"] as? String { expected.insert("\(other) \(rule)") }
        }
        let result = try lore(["check", "--format", "json", "--today", "2025-07-01"], in: folder)
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        let errors = Set(diagnostics.filter { $0["severity"] as? String == "error" }.map { "\($0["path"] as? String ?? "?") \($0["rule"] as? String ?? "?")" })
        #expect(errors == expected)
        #expect(expected.count >= 10)
    }
}
