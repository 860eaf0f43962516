import Foundation
import Git

/// `Lore: PM-0042` trailers in a commit message (several ids separated by commas, or several
/// trailers), with where each id stands.
public enum LoreTrailers {
    /// One id named by a trailer.
    public struct Reference: Sendable, Equatable {
        public let id: String
        public let position: SourcePosition

        /// A reference.
        public init(id: String, position: SourcePosition) {
            self.id = id
            self.position = position
        }
    }

    /// Every id the message's `Lore:` lines name; comment lines (`#`) are ignored.
    public static func references(in message: String) -> [Reference] {
        var references: [Reference] = []
        for (index, line) in message.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.hasSuffix("\r") ? line.dropLast() : line
            guard text.lowercased().hasPrefix("lore:") else { continue }
            var column = 6   // after "Lore:"
            for part in text.dropFirst(5).split(separator: ",", omittingEmptySubsequences: false) {
                let leading = part.prefix { $0 == " " || $0 == "\t" }.count
                let id = part.trimmingCharacters(in: .whitespaces)
                if !id.isEmpty {
                    references.append(Reference(id: id, position: SourcePosition(line: index + 1, column: column + leading)))
                }
                column += part.count + 1
            }
        }
        return references
    }
}
