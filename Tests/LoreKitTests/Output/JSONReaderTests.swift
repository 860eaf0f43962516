import Foundation
import Testing
import LoreKit

/// `JSONValue.parse`, the one-pass reader of synced sources' index.json files.
@Suite struct JSONReaderTests {
    @Test func readsWhatJSONDecoderReads() throws {
        let text = #"""
            {"a": [1, -20, true, false, null, "x\"y\\z\/\n\t\u00e9\ud83d\ude00"], "b": {}, "c": [], "d": {"e": "f"}, "ü": "日本"}
            """#
        let parsed = try JSONValue.parse(Array(text.utf8))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(parsed == decoded)
        #expect(parsed == .object(["a": .array([.number(1), .number(-20), .bool(true), .bool(false), .null, .string("x\"y\\z/\n\té😀")]),
                                   "b": .object([:]), "c": .array([]), "d": .object(["e": .string("f")]), "ü": .string("日本")]))
        #expect(try JSONValue.parse(Array("  7 \n".utf8)) == .number(7))
    }

    @Test func refusesWhatIsNotOneJSONValueSayingWhere() {
        for (text, message) in [
            ("{\"format\": \"lore-index\", ", "expected a key in quotes at byte 25"),
            ("[1, 2,]", "unexpected character at byte 6"),
            ("{\"a\" 1}", "expected ':' at byte 5"),
            ("1.5", "a number that is not whole at byte 1"),
            ("\"abc", "a string without its closing quote at byte 4"),
            ("\"\\ud800x\"", "a lone surrogate in a string at byte 7"),
            ("[1] 2", "unexpected text after the value at byte 4"),
            ("tru", "unexpected character at byte 0"),
            ("\"a\u{1}\"", "a control character in a string at byte 2"),
            (String(repeating: "[", count: 600), "nesting deeper than 512 at byte 512"),
        ] {
            #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
            do {
                _ = try JSONValue.parse(Array(text.utf8))
            } catch {
                #expect(error.description == message, "\(text)")
            }
        }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }
}
