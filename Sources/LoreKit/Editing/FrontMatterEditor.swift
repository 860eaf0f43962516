import Git

/// Plans edits of one entry file's front-matter as byte replacements, using the positions the
/// parser gives, so everything Lore does not change stays byte for byte as the author wrote it.
struct FrontMatterEditor {
    let bytes: [UInt8]
    let entry: Entry
    private let lines: ByteLines

    /// Reads `bytes` as the entry at `path`; `nil` with a reason when it is not one.
    init(path: GitPath, kind: String, bytes: [UInt8]) throws(EditError) {
        let result = EntryParser.parse(path: path, kind: kind, bytes: bytes)
        guard let entry = result.entry else {
            let problem = result.diagnostics.first.map { "\($0.position): \($0.message)" } ?? "not an entry"
            throw .refused("\(path):\(problem); fix it before Lore edits it")
        }
        self.bytes = bytes
        self.entry = entry
        lines = ByteLines(bytes)
    }

    private func offset(_ position: SourcePosition) throws(EditError) -> Int {
        guard let offset = lines.offset(of: position) else {
            throw .refused("\(entry.path):\(position): cannot find this value in the file's bytes")
        }
        return offset
    }

    /// Where a new `key: value` line goes: the start of the closing `---` line.
    private var insertionOffset: Int { lines.lineRange(entry.bodyLine - 1).lowerBound }

    /// The offset just after the `:` that ends a pair's key.
    private func afterColon(_ pair: YAMLPair) throws(EditError) -> Int {
        var index = try offset(pair.key.position)
        if let whole = ScalarSource.wholeRange(at: index, in: bytes, flow: false), bytes[index] == 34 || bytes[index] == 39 {
            index = whole.upperBound
        } else {
            index += pair.key.text.utf8.count
        }
        while index < bytes.count, bytes[index] != 58, bytes[index] != 10 { index += 1 }
        guard index < bytes.count, bytes[index] == 58 else {
            throw .refused("\(entry.path):\(pair.key.position): cannot find the ':' after '\(pair.key.text)'")
        }
        return index + 1
    }

    /// Replaces an empty value (`key:` or `key: # comment`) after the colon, keeping a comment.
    private func fillEmpty(_ pair: YAMLPair, with value: String) throws(EditError) -> ByteEdit {
        let start = try afterColon(pair)
        var end = start
        while end < bytes.count, bytes[end] != 10, bytes[end] != 13 {
            if bytes[end] == 35, end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { break }
            end += 1
        }
        let keptComment = end < bytes.count && bytes[end] == 35
        return ByteEdit(range: start..<end, replacement: Array((" " + value + (keptComment ? " " : "")).utf8))
    }

    /// Sets a single-value field (`status`), keeping the old value's quotes when it had some.
    func setScalar(_ key: String, to value: String) throws(EditError) -> [ByteEdit] {
        guard let pair = entry.frontMatter.field(key) else {
            return [ByteEdit(range: insertionOffset..<insertionOffset,
                             replacement: Array("\(key): \(YAMLEmitter.scalar(value))".utf8) + lines.lineEnding)]
        }
        guard let scalar = pair.value.scalar else {
            throw .refused("\(entry.path):\(pair.value.position): '\(key)' is \(pair.value.shapeName); expected a single value")
        }
        if scalar.text == value { return [] }
        if scalar.isNull && scalar.text.isEmpty { return [try fillEmpty(pair, with: YAMLEmitter.scalar(value))] }
        let start = try offset(scalar.position)
        if let written = ScalarSource.range(of: scalar.text, at: start, in: bytes),
           YAMLEmitter.isPlainSafe(value) || (written.quote == 34 && YAMLEmitter.doubleQuoted(value) == "\"\(value)\"") {
            return [ByteEdit(range: written.range, replacement: Array(value.utf8))]
        }
        guard let whole = ScalarSource.wholeRange(at: start, in: bytes, flow: false), scalar.style != .literal, scalar.style != .folded else {
            throw .refused("\(entry.path):\(scalar.position): '\(key)' spans several lines; change it by hand")
        }
        return [ByteEdit(range: whole, replacement: Array(YAMLEmitter.scalar(value).utf8))]
    }

    /// Adds `item` to a list field (`superseded_by`), creating the field when absent: into a flow
    /// list after its last item, as a new `- item` line of a block list, or turning a single
    /// value into a flow list around it.
    func append(_ item: String, to key: String) throws(EditError) -> [ByteEdit] {
        let emitted = YAMLEmitter.scalar(item)
        guard let pair = entry.frontMatter.field(key) else {
            return [ByteEdit(range: insertionOffset..<insertionOffset, replacement: Array("\(key): [\(emitted)]".utf8) + lines.lineEnding)]
        }
        if entry.frontMatter.list(key).contains(item) { return [] }
        switch pair.value {
        case .mapping(_, let position):
            throw .refused("\(entry.path):\(position): '\(key)' is a mapping; expected a list")
        case .scalar(let scalar):
            if scalar.isNull {
                if scalar.text.isEmpty { return [try fillEmpty(pair, with: "[\(emitted)]")] }
                let start = try offset(scalar.position)
                guard let whole = ScalarSource.wholeRange(at: start, in: bytes, flow: false) else {
                    throw .refused("\(entry.path):\(scalar.position): cannot find '\(key)' in the file's bytes")
                }
                return [ByteEdit(range: whole, replacement: Array("[\(emitted)]".utf8))]
            }
            let start = try offset(scalar.position)
            guard scalar.style != .literal, scalar.style != .folded,
                  let whole = ScalarSource.wholeRange(at: start, in: bytes, flow: false) else {
                throw .refused("\(entry.path):\(scalar.position): '\(key)' spans several lines; change it by hand")
            }
            return [ByteEdit(range: whole.lowerBound..<whole.lowerBound, replacement: [91]),
                    ByteEdit(range: whole.upperBound..<whole.upperBound, replacement: Array(", \(emitted)]".utf8))]
        case .sequence(let items, let position):
            let start = try offset(position)
            if bytes[start] == 91 {                                   // [ … ]
                guard let last = items.last else {
                    return [ByteEdit(range: (start + 1)..<(start + 1), replacement: Array(emitted.utf8))]
                }
                let lastStart = try offset(last.position)
                guard last.scalar != nil, let whole = ScalarSource.wholeRange(at: lastStart, in: bytes, flow: true) else {
                    throw .refused("\(entry.path):\(last.position): cannot add to '\(key)' in place; change it by hand")
                }
                return [ByteEdit(range: whole.upperBound..<whole.upperBound, replacement: Array(", \(emitted)".utf8))]
            }
            // A block list: a new "- item" line after the last item's line, indented alike.
            guard let last = items.last else { throw .refused("\(entry.path):\(position): cannot add to '\(key)' in place") }
            let lastLine = lines.lineRange(last.position.line)
            let dash = try offset(SourcePosition(line: last.position.line, column: 1))
            var indent: [UInt8] = []
            var index = dash
            while index < lastLine.upperBound, bytes[index] == 32 { indent.append(32); index += 1 }
            guard index < lastLine.upperBound, bytes[index] == 45, last.position.line + 1 <= lines.count else {
                throw .refused("\(entry.path):\(last.position): cannot add to '\(key)' in place; change it by hand")
            }
            let next = lines.lineRange(last.position.line + 1).lowerBound
            return [ByteEdit(range: next..<next, replacement: indent + Array("- \(emitted)".utf8) + lines.lineEnding)]
        }
    }

    /// Replaces the text `old` of a single value written at `position` by `new`, keeping its
    /// quotes; for ids, whose text needs no escapes.
    func replaceText(_ old: String, at position: SourcePosition, with new: String) throws(EditError) -> ByteEdit {
        let start = try offset(position)
        guard let written = ScalarSource.range(of: old, at: start, in: bytes) else {
            throw .refused("\(entry.path):\(position): '\(old)' is written with escapes or over several lines here; change it by hand")
        }
        return ByteEdit(range: written.range, replacement: Array(new.utf8))
    }

    /// Replaces the target of the wiki link `[[old]]` or `[[old|text]]` written at `position`.
    func replaceWikiTarget(_ old: String, at position: SourcePosition, with new: String) throws(EditError) -> ByteEdit {
        let start = try offset(position)
        var index = start + 2
        guard index <= bytes.count, bytes[start..<index].elementsEqual([91, 91]) else {
            throw .refused("\(entry.path):\(position): cannot find the link [[\(old)]] in the file's bytes")
        }
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
        let needle = Array(old.utf8)
        let end = index + needle.count
        guard end < bytes.count, bytes[index..<end].elementsEqual(needle), [32, 9, 124, 93].contains(bytes[end]) else {
            throw .refused("\(entry.path):\(position): cannot find the link [[\(old)]] in the file's bytes")
        }
        return ByteEdit(range: index..<end, replacement: Array(new.utf8))
    }
}
