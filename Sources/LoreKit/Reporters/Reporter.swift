import Foundation

/// Turns a check report into one output format. Each format is one small type.
public protocol Reporter {
    /// The whole output for a report.
    static func render(_ report: CheckReport) -> String
}

/// The output formats of `lore check`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, github, sarif, junit

    /// Renders a report in this format.
    public func render(_ report: CheckReport, colour: Bool = false) -> String {
        switch self {
        case .text: return TextReporter.render(report, colour: colour)
        case .json: return JSONReporter.render(report)
        case .github: return GitHubReporter.render(report)
        case .sarif: return SARIFReporter.render(report)
        case .junit: return JUnitReporter.render(report)
        }
    }
}

extension CheckReport {
    /// `3 errors, 1 warning in 240 entries`.
    public var summary: String {
        func count(_ number: Int, _ singular: String, _ plural: String) -> String { "\(number) \(number == 1 ? singular : plural)" }
        return "\(count(errorCount, "error", "errors")), \(count(warningCount, "warning", "warnings")) in \(count(entryCount, "entry", "entries"))"
    }
}
