import Foundation

/// SARIF 2.1.0, for code-scanning dashboards.
public enum SARIFReporter: Reporter {
    struct Log: Codable {
        let version = "2.1.0"
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Codable {
        let tool: Tool
        /// Lore counts columns in Unicode scalars, as SARIF's `unicodeCodePoints` does.
        var columnKind = "unicodeCodePoints"
        let results: [Result]
    }
    struct Tool: Codable { let driver: Driver }
    struct Driver: Codable {
        let name: String
        let version: String
        let rules: [Rule]
    }
    struct Text: Codable { let text: String }
    struct Rule: Codable {
        let id: String
        let shortDescription: Text
        let fullDescription: Text
        let defaultConfiguration: Configuration
        let help: Text
    }
    struct Configuration: Codable { let level: String }
    struct Result: Codable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Text
        let locations: [Location]
    }
    struct Location: Codable { let physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Codable {
        let artifactLocation: ArtifactLocation
        let region: Region
    }
    struct ArtifactLocation: Codable { let uri: String }
    struct Region: Codable {
        let startLine: Int
        let startColumn: Int
    }

    public static func render(_ report: CheckReport) -> String {
        let descriptions = Checker.descriptions
        let index = Dictionary(uniqueKeysWithValues: descriptions.enumerated().map { ($1.id, $0) })
        let rules = descriptions.map {
            Rule(id: $0.id, shortDescription: Text(text: $0.summary), fullDescription: Text(text: $0.rationale),
                 defaultConfiguration: Configuration(level: $0.defaultSeverity == .off ? "none" : $0.defaultSeverity.rawValue),
                 help: Text(text: "\($0.rationale). `lore rules --format markdown` describes every rule with examples."))
        }
        let results = report.diagnostics.map { diagnostic in
            Result(ruleId: diagnostic.code, ruleIndex: index[diagnostic.code] ?? 0, level: diagnostic.severity.rawValue,
                   message: Text(text: diagnostic.message),
                   locations: [Location(physicalLocation: PhysicalLocation(
                       artifactLocation: ArtifactLocation(uri: uri(diagnostic.path.description)),
                       region: Region(startLine: diagnostic.position.line, startColumn: diagnostic.position.column)))])
        }
        return stableJSON(Log(runs: [Run(tool: Tool(driver: Driver(name: "lore", version: LoreVersion.current, rules: rules)),
                                         results: results)]))
    }

    /// A relative URI reference: path segments percent-encoded where they must be.
    static func uri(_ path: String) -> String {
        // Not `:`, which would make a first segment look like a URI scheme.
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(":")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
