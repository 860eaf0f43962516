import Foundation
import LoreKit
import Testing

/// Whatever the bytes, reading an entry gives an entry or diagnostics with positions inside the
/// file — never a crash. Thousands of deterministic mutations of a realistic entry.
@Suite struct MutationTests {
    static let seed = """
        \u{FEFF}---
        id: PM-0042
        title: "Failover: the \\"primary\\" — é 日本"
        date: 2025-03-14
        status: published
        tags: [db, 'quoted', NO, 1.10]
        action_items:
          - title: Fix it
            due: 2025-04-01
            status: open
        notes: |
          literal * text & more
        ---

        # Title

        ## Summary

        See [[LL-0001|the lesson]], [a](../a.md), [b][ref], <https://x.example>, www.example.com.

        | a | b |
        |---|---|
        | 1 | 2 |

        > quote with `code [[NOT]]` and **bold** ~~gone~~

        - [x] done
          - nested

        [ref]: https://example.com
        """

    /// A small deterministic generator (no Foundation randomness: runs must repeat exactly).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let specials: [[UInt8]] = ["---\n", "\n", "\r\n", "[", "]", "[[", "]]", "{", "}", ":", "- ", "&a ", "*a", "? ", "|", ">",
                                      "\t", "\"", "'", "#", "`", "```\n", "\\", "\u{0}", "é", "🙂", "!", "<", "*", "_"].map { Array($0.utf8) }

    @Test func mutatedEntriesNeverCrashAndReportPositionsInsideTheFile() {
        var generator = Generator(state: 42)
        let base = Array(Self.seed.utf8)
        for round in 0..<10_000 {
            var bytes = base
            for _ in 0..<(1 + generator.next(6)) {
                let at = generator.next(bytes.count + 1)
                switch generator.next(4) {
                case 0: if at < bytes.count { bytes.remove(at: at) }
                case 1: bytes.insert(contentsOf: Self.specials[generator.next(Self.specials.count)], at: at)
                case 2: if at < bytes.count { bytes[at] = UInt8(generator.next(256)) }
                default:
                    let length = generator.next(40)
                    if at + length <= bytes.count { bytes.insert(contentsOf: bytes[at..<(at + length)], at: at) }
                }
            }
            let result = EntryParser.parse(path: GitPath("postmortems/m.md"), kind: "postmortem", bytes: bytes)
            let lines = bytes.split(separator: 10, omittingEmptySubsequences: false).count
            for diagnostic in result.diagnostics {
                #expect(diagnostic.position.line >= 1 && diagnostic.position.line <= lines + 1, "round \(round): \(diagnostic)")
                #expect(diagnostic.position.column >= 1, "round \(round): \(diagnostic)")
                #expect(!diagnostic.message.isEmpty)
            }
            #expect(result.entry != nil || !result.diagnostics.isEmpty, "round \(round)")
        }
    }

    @Test func mutatedConfigurationsGiveAConfigurationOrAPositionedError() {
        var generator = Generator(state: 7)
        let base = Array(Configuration.initialFileText.utf8)
        for round in 0..<3000 {
            var bytes = base
            for _ in 0..<(1 + generator.next(4)) {
                let at = generator.next(bytes.count + 1)
                if generator.next(2) == 0 {
                    bytes.insert(contentsOf: Self.specials[generator.next(Self.specials.count)], at: at)
                } else if at < bytes.count {
                    bytes.remove(at: at)
                }
            }
            do {
                let configuration = try Configuration.parse(bytes)
                #expect(!configuration.kinds.isEmpty, "round \(round)")
            } catch {
                #expect(error.position.line >= 1 && error.position.column >= 1 && !error.message.isEmpty, "round \(round)")
            }
        }
    }
}
