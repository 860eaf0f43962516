/// A YAML scalar exactly as the author wrote it, with where it stands.
public struct YAMLScalar: Sendable, Hashable {
    /// How the scalar was written.
    public enum Style: String, Sendable, Hashable { case plain, singleQuoted, doubleQuoted, literal, folded }
    /// The scalar's text after YAML unescaping, never re-typed: `NO` stays `"NO"`, `1.10` stays `"1.10"`.
    public let text: String
    /// How it was written; a quoted `"2025-03-14"` and a bare `2025-03-14` are both dates by type.
    public let style: Style
    /// Where the scalar starts in the file.
    public let position: SourcePosition

    /// A scalar with its text, style and position.
    public init(text: String, style: Style, position: SourcePosition) {
        self.text = text
        self.style = style
        self.position = position
    }

    /// Plain `~`, `null`, `Null`, `NULL` or nothing at all.
    public var isNull: Bool {
        style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }
}

/// A node of front-matter or configuration YAML: scalars keep their text, mappings keep their order.
public indirect enum YAMLValue: Sendable, Hashable {
    case scalar(YAMLScalar)
    case sequence([YAMLValue], SourcePosition)
    case mapping([YAMLPair], SourcePosition)

    /// Where the node starts.
    public var position: SourcePosition {
        switch self {
        case .scalar(let scalar): return scalar.position
        case .sequence(_, let position), .mapping(_, let position): return position
        }
    }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The node is a null scalar.
    public var isNull: Bool { scalar?.isNull ?? false }

    /// The value for `key` when this node is a mapping.
    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key.text == key }?.value
    }

    /// What the node is, for messages: "a string", "a list", "a mapping".
    public var shapeName: String {
        switch self {
        case .scalar: return "a single value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// One `key: value` of a mapping.
public struct YAMLPair: Sendable, Hashable {
    /// The key (always a scalar: complex keys are refused).
    public let key: YAMLScalar
    /// The value.
    public let value: YAMLValue

    /// A pair.
    package init(key: YAMLScalar, value: YAMLValue) {
        self.key = key
        self.value = value
    }
}
