/// `lore check --format json`: every finding and the counts.
public enum JSONReporter: Reporter {
    struct Output: Codable {
        struct Finding: Codable {
            let path: String
            let line: Int
            let column: Int
            let severity: String
            let rule: String
            let message: String
        }
        struct Summary: Codable {
            let entries: Int
            let errors: Int
            let warnings: Int
        }
        let diagnostics: [Finding]
        let summary: Summary
    }

    public static func render(_ report: CheckReport) -> String {
        stableJSON(Output(
            diagnostics: report.diagnostics.map {
                .init(path: $0.path.description, line: $0.position.line, column: $0.position.column,
                      severity: $0.severity.rawValue, rule: $0.code, message: $0.message)
            },
            summary: .init(entries: report.entryCount, errors: report.errorCount, warnings: report.warningCount)))
    }
}
