/// `path:line:col: error|warning: message [rule-id]`, then a summary line; colour on a terminal.
public enum TextReporter: Reporter {
    public static func render(_ report: CheckReport) -> String { render(report, colour: false) }

    /// The text, with ANSI colour for severities when `colour`.
    public static func render(_ report: CheckReport, colour: Bool) -> String {
        var out = ""
        for diagnostic in report.diagnostics {
            guard colour else { out += diagnostic.description + "\n"; continue }
            let tint = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
            out += "\u{1B}[1m\(diagnostic.displayPath):\(diagnostic.position.line):\(diagnostic.position.column):\u{1B}[0m "
                + "\(tint)\(diagnostic.severity.rawValue):\u{1B}[0m \(diagnostic.oneLineMessage) \u{1B}[2m[\(diagnostic.code)]\u{1B}[0m\n"
        }
        return out + report.summary + "\n"
    }
}
