import Git

/// What `lore check` concluded about one entry file by itself: the problems found reading it, the
/// findings of the entry rules, and the summary the snapshot-wide rules work on. It depends only on
/// the file's bytes, its path and kind, and the check context, so it is cached under those.
struct FileVerdict: Sendable {
    /// A finding of an entry rule, with the rule's id.
    struct RuleFinding: Sendable {
        let rule: String
        let finding: Finding
    }

    /// Problems found reading the file (at the severity the reader gave them).
    let diagnostics: [Diagnostic]
    /// The entry rules' findings.
    let findings: [RuleFinding]
    /// The entry's summary, when the file could be read as an entry.
    let summary: EntrySummary?

    /// Judges one parsed file with every entry rule.
    init(_ result: EntryParser.Result, rules: [any EntryRule], context: CheckContext) {
        diagnostics = result.diagnostics
        guard let entry = result.entry else {
            findings = []
            summary = nil
            return
        }
        findings = rules.flatMap { rule in
            let id = type(of: rule).description.id
            return rule.check(entry, in: context).map { RuleFinding(rule: id, finding: $0) }
        }
        summary = EntrySummary(entry, configuration: context.configuration)
    }

    private init(diagnostics: [Diagnostic], findings: [RuleFinding], summary: EntrySummary?) {
        self.diagnostics = diagnostics
        self.findings = findings
        self.summary = summary
    }

    /// The binary form (without path and kind, which the cache key holds).
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        ByteWriter.diagnostics(diagnostics, into: &out)
        ByteWriter.varint(findings.count, into: &out)
        for item in findings {
            ByteWriter.string(item.rule, into: &out)
            ByteWriter.position(item.finding.position, into: &out)
            out.append(item.finding.severity.map { $0 == .error ? 1 : 2 } ?? 0)
            ByteWriter.string(item.finding.message, into: &out)
        }
        if let summary { out.append(1); EntrySummaryCoding.encode(summary, into: &out) } else { out.append(0) }
        return out
    }

    /// Reads what `encoded()` wrote; `nil` when the bytes are not a verdict.
    static func decode(_ bytes: ArraySlice<UInt8>, path: GitPath, kind: String) -> FileVerdict? {
        var reader = ByteReader(bytes)
        guard let diagnostics = reader.diagnostics(path: path) else { return nil }
        guard let findingCount = reader.varint() else { return nil }
        var findings: [RuleFinding] = []
        findings.reserveCapacity(findingCount)
        for _ in 0..<findingCount {
            guard let rule = reader.string(), let position = reader.position(), let severity = reader.byte(), severity <= 2,
                  let message = reader.string() else { return nil }
            let lowered: Diagnostic.Severity? = severity == 0 ? nil : severity == 1 ? .error : .warning
            findings.append(RuleFinding(rule: rule, finding: Finding(path, position, message, severity: lowered)))
        }
        guard let hasSummary = reader.byte() else { return nil }
        var summary: EntrySummary?
        if hasSummary == 1 {
            guard let decoded = EntrySummaryCoding.decode(&reader, path: path, kind: kind) else { return nil }
            summary = decoded
        }
        guard reader.isAtEnd else { return nil }
        return FileVerdict(diagnostics: diagnostics, findings: findings, summary: summary)
    }
}

extension FileVerdict {
    /// What a cached verdict says of an entry's summary, read without the findings.
    enum CachedSummary {
        /// The file is an entry with this summary.
        case summary(EntrySummary)
        /// The file could not be read as an entry.
        case notAnEntry
    }

    /// Reads only the summary of what `encoded()` wrote, skipping diagnostics and findings
    /// without making them (a warm `lore recall` reads 10,000 of these); `nil` when the bytes are
    /// not a verdict.
    static func decodeSummary(_ bytes: ArraySlice<UInt8>, path: GitPath, kind: String) -> CachedSummary? {
        var reader = ByteReader(bytes)
        func skipText() -> Bool {
            guard let count = reader.varint(), reader.bytes(count) != nil else { return false }
            return true
        }
        guard reader.skipDiagnostics() else { return nil }
        guard let findingCount = reader.varint() else { return nil }
        for _ in 0..<findingCount {
            guard skipText(), reader.position() != nil, reader.byte() != nil, skipText() else { return nil }
        }
        guard let hasSummary = reader.byte() else { return nil }
        guard hasSummary == 1 else { return reader.isAtEnd ? .notAnEntry : nil }
        guard let summary = EntrySummaryCoding.decode(&reader, path: path, kind: kind), reader.isAtEnd else { return nil }
        return .summary(summary)
    }
}

/// Verdicts by blob id, path, kind and check-context fingerprint, kept in the git directory
/// (`lore/check-cache`): a check in which three files changed judges three files.
final class CheckCache: Sendable {
    let store: RecordStore

    /// Loads the cache of the repository whose git folder is `gitDirectory`; empty when there is none.
    init(gitDirectory: String) {
        store = RecordStore(path: gitDirectory + "lore/check-cache", header: "lore check cache 2 \(LoreVersion.current)\n")
    }

    /// The key of a file's verdict.
    static func key(blob: ObjectID, path: GitPath, kind: String, fingerprint: UInt64) -> [UInt8] {
        var key = blob.raw
        key.reserveCapacity(20 + 8 + kind.utf8.count + 1 + path.bytes.count)
        for shift in stride(from: 0, to: 64, by: 8) { key.append(UInt8(truncatingIfNeeded: fingerprint >> UInt64(shift))) }
        key += kind.utf8
        key.append(0)
        key += path.bytes
        return key
    }
}
