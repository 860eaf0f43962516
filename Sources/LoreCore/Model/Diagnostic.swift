import Git

/// A problem found in a file, at a line and column: the one shape every finding takes.
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    /// The file, as exact bytes.
    public let path: GitPath
    /// Where in the file.
    public let position: SourcePosition
    /// Error or warning.
    public let severity: Severity
    /// A stable kebab-case identifier of the kind of problem (`invalid-yaml`, `binary-file` …).
    public let code: String
    /// What is wrong: short, lowercase, no trailing period.
    public let message: String

    /// A finding.
    public init(path: GitPath, position: SourcePosition, severity: Severity = .error, code: String, message: String) {
        self.path = path
        self.position = position
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// `path:line:col: error: message [code]`, as compilers print.
    public var description: String {
        "\(displayPath):\(position.line):\(position.column): \(severity.rawValue): \(oneLineMessage) [\(code)]"
    }

    /// The message on one line, control characters escaped (a title or file name quoted into it
    /// may hold line breaks, ESC or BEL).
    public var oneLineMessage: String { Escaping.terminal(message) }

    /// The path for a line of text: invalid UTF-8 as `\xNN`, control characters escaped.
    public var displayPath: String { Escaping.terminal(path.description) }

    /// Diagnostics sort by path bytes, then position, then code: the same order on every run.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.position != rhs.position { return lhs.position < rhs.position }
        if lhs.code != rhs.code { return lhs.code < rhs.code }
        return lhs.message < rhs.message
    }
}
