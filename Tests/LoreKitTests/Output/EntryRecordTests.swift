import Foundation
import LoreKit
import Testing

@Suite struct EntryRecordTests {
    static let text = """
        ---
        id: PM-0001
        title: "Quotes \\" and \\\\ and \\t tab"
        date: 2025-03-14
        status: published
        tags: [a, "b/c"]
        empty:
        action_items:
          - title: Fix it
            due: 2025-04-01
        nested: { z: 1, a: [x, ~] }
        ---

        ## Summary é

        See [[LL-1|the lesson]] and <https://example.com/?a=1&b=2>.
        """

    /// The fast writer and the Codable record describe the same thing.
    @Test(arguments: [true, false])
    func writtenJSONDecodesToTheRecord(pretty: Bool) throws {
        let entry = try #require(EntryParser.parse(path: GitPath("postmortems/a.md"), kind: "postmortem", bytes: Array(Self.text.utf8)).entry)
        var writer = JSONWriter(pretty: pretty)
        EntryRecord.write(entry, to: &writer, depth: 0)
        let decoded = try JSONDecoder().decode(EntryRecord.self, from: Data(writer.bytes))
        #expect(decoded == EntryRecord(entry))
        #expect(decoded.fields["nested"] == .object(["z": .string("1"), "a": .array([.string("x"), .null])]))
        #expect(decoded.fields["empty"] == .null)
    }

    @Test func compactOutputIsExact() throws {
        let entry = try #require(EntryParser.parse(path: GitPath("lessons/x.md"), kind: "lesson",
                                                   bytes: Array("---\nid: LL-1\ntitle: \"a\\u0001b\"\n---\n# H\n".utf8)).entry)
        var writer = JSONWriter(pretty: false)
        EntryRecord.write(entry, to: &writer, depth: 0)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"authors":[],"date":null,"fields":{"id":"LL-1","title":"a\u0001b"},"headings":[{"level":1,"line":5,"title":"H"}],"id":"LL-1","kind":"lesson","links":[],"path":"lessons/x.md","status":null,"tags":[],"title":"a\u0001b"}"#)
    }
}
