import Foundation
import LoreFuzz
import Testing

/// Every input of the seed corpus (Tests/FuzzCorpus/TARGET/), and every crash fuzzing ever found
/// (added there with its fix), runs through its target on each test run: what was fixed stays fixed.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    @Test(arguments: FuzzTargets.all.map(\.name))
    func corpusReplays(target: String) throws {
        let run = try #require(FuzzTargets.all.first { $0.name == target }?.run)
        let folder = Self.root.appendingPathComponent(target).path
        let start = Date()
        let count = FuzzTargets.replay([folder], run)
        #expect(count >= 5, "the seed corpus of \(target) has \(count) inputs")
        // Each input is small: the whole corpus takes well under a second unless one stalls.
        #expect(Date().timeIntervalSince(start) < 20)
    }
}
