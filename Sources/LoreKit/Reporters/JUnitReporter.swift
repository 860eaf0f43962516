/// JUnit XML, for CI systems that show test reports: one test case per checked entry file,
/// passing, or failing with its errors; warnings are attached as output and do not fail.
public enum JUnitReporter: Reporter {
    public static func render(_ report: CheckReport) -> String {
        // Every checked file is a test case, passing or not, in path order.
        var found: [GitPath: [Diagnostic]] = [:]
        for diagnostic in report.diagnostics { found[diagnostic.path, default: []].append(diagnostic) }
        let byPath = report.checkedPaths.map { (path: $0.description, diagnostics: found[$0] ?? []) }
        let failing = byPath.filter { $0.diagnostics.contains { $0.severity == .error } }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"lore check\" tests=\"\(byPath.count)\" failures=\"\(failing)\">\n"
        out += "  <testsuite name=\"lore check\" tests=\"\(byPath.count)\" failures=\"\(failing)\">\n"
        for (path, diagnostics) in byPath {
            guard !diagnostics.isEmpty else {
                out += "    <testcase classname=\"lore.check\" name=\"\(escape(path))\"/>\n"
                continue
            }
            out += "    <testcase classname=\"lore.check\" name=\"\(escape(path))\">\n"
            for diagnostic in diagnostics where diagnostic.severity == .error {
                out += "      <failure type=\"\(escape(diagnostic.code))\" message=\"\(escape(diagnostic.message))\">"
                    + "\(escape(diagnostic.description))</failure>\n"
            }
            let warnings = diagnostics.filter { $0.severity == .warning }
            if !warnings.isEmpty {
                out += "      <system-out>\(escape(warnings.map(\.description).joined(separator: "\n")))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }

    /// Text for JUnit's attributes and elements: XML, line breaks kept as character references.
    static func escape(_ text: String) -> String { Escaping.xmlAttribute(text) }
}
