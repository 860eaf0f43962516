/// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
public enum GitHubReporter: Reporter {
    public static func render(_ report: CheckReport) -> String {
        var out = ""
        for diagnostic in report.diagnostics {
            let command = diagnostic.severity == .error ? "error" : "warning"
            out += "::\(command) file=\(property(diagnostic.path.description)),line=\(diagnostic.position.line),"
                + "col=\(diagnostic.position.column),title=\(property(diagnostic.code))::\(data(diagnostic.message))\n"
        }
        return out + report.summary + "\n"
    }

    /// Escapes a command's message (`%`, CR, LF), as the runner expects.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a property value (also `:` and `,`).
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
