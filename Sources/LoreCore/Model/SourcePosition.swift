extension String {
    /// The text is empty or only spaces and tabs (without Foundation's slow bridging).
    package var isBlank: Bool { utf8.allSatisfy { $0 == 32 || $0 == 9 } }

    /// The text without leading and trailing spaces and tabs.
    package var trimmingBlanks: String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
        let last = bytes.lastIndex(where: { $0 != 32 && $0 != 9 })!
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return self }
        return String(self[first...last])
    }
}

/// A 1-based line and column in a file; columns count Unicode scalars.
public struct SourcePosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Line 1, column 1: where a finding about a whole file points.
    public static let start = SourcePosition(line: 1, column: 1)

    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    /// A position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}
