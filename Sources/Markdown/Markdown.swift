import CCmark
import Foundation

/// A `##`-style heading of a Markdown document.
public struct Heading: Sendable, Hashable {
    /// 1 for `#`, 2 for `##` …
    public let level: Int
    /// The heading's plain text, inline markup removed.
    public let text: String
    /// 1-based line in the text passed to `MarkdownDocument.parse`, plus its `lineOffset`.
    public let line: Int

    /// A heading.
    public init(level: Int, text: String, line: Int) {
        self.level = level
        self.text = text
        self.line = line
    }
}

/// A link found in a Markdown document (never inside code spans or code blocks).
public struct Link: Sendable, Hashable {
    /// How the link was written.
    public enum Kind: String, Sendable, Codable {
        /// `[text](destination)`
        case inline
        /// `[text][label]`, `[label][]` or `[label]` with a definition elsewhere.
        case reference
        /// `<https://…>` or a bare URL (GFM autolink).
        case autolink
        /// `[[ID]]` or `[[ID|text]]`.
        case wiki
    }
    /// How the link was written.
    public let kind: Kind
    /// The destination: a URL, a relative path, or for wiki links the target id.
    public let destination: String
    /// The link text (for `[[ID]]` without text, empty).
    public let text: String
    /// 1-based line, offset by `lineOffset`.
    public let line: Int
    /// 1-based column counted in Unicode scalars.
    public let column: Int

    /// A link.
    public init(kind: Kind, destination: String, text: String, line: Int, column: Int) {
        self.kind = kind
        self.destination = destination
        self.text = text
        self.line = line
        self.column = column
    }
}

/// Why a Markdown text was not parsed: it has a shape that makes cmark-gfm 0.29 super-linear.
public struct MarkdownTooComplex: Error, Sendable, Equatable, CustomStringConvertible {
    /// Line of the offending construct (offset by `lineOffset`).
    public let line: Int
    /// Column of the offending construct.
    public let column: Int
    /// What is too deep or too wide, and the limit.
    public let reason: String
    public var description: String { reason }

    /// A refusal at a position.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }
}
