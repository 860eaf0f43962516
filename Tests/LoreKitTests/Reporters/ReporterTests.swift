import Foundation
import LoreKit
import TestSupport
import Testing

/// Each reporter against its expected-output file (`Fixtures/reporters/*.expected`). To update
/// after an intended change: `LORE_UPDATE_FIXTURES=1 swift test --filter ReporterTests`.
@Suite struct ReporterTests {
    static let report = CheckReport(diagnostics: [
        Diagnostic(path: GitPath("lessons/日本🙂.md"), position: SourcePosition(line: 3, column: 9), severity: .error,
                   code: "invalid-value", message: "'status' must be one of active, archived, not '100% <done> & \"over\"'"),
        Diagnostic(path: GitPath("postmortems/a,b:c.md"), position: SourcePosition(line: 1, column: 1), severity: .error,
                   code: "missing-field", message: "missing required field 'severity'"),
        Diagnostic(path: GitPath("postmortems/a,b:c.md"), position: SourcePosition(line: 12, column: 5), severity: .warning,
                   code: "overdue-action-item", message: "action item 'Fix\nit' was due 2025-04-01"),
    ], entryCount: 240, notes: [])

    static let fixtures = packageRoot.appendingPathComponent("Tests/LoreKitTests/Fixtures/reporters")

    @Test(arguments: ReportFormat.allCases.map(\.rawValue))
    func rendersItsExpectedOutput(format: String) throws {
        let rendered = ReportFormat(rawValue: format)!.render(Self.report)
        let file = Self.fixtures.appendingPathComponent("\(format).expected")
        if ProcessInfo.processInfo.environment["LORE_UPDATE_FIXTURES"] != nil {
            try rendered.write(to: file, atomically: false, encoding: .utf8)
        }
        #expect(rendered == (try String(contentsOf: file, encoding: .utf8)))
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!ReportFormat.text.render(Self.report).contains("\u{1B}["))
        #expect(ReportFormat.text.render(Self.report, colour: true).contains("\u{1B}[1;31merror:"))
    }

    @Test func jsonAndSARIFAreValidJSON() throws {
        for format in [ReportFormat.json, .sarif] {
            let data = Data(format.render(Self.report, colour: false).utf8)
            #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        }
    }
}
