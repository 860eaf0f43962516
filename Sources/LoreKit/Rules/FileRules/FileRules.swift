// Findings produced while reading files (by `EntryParser` and `CorpusLoader`), described here so
// they are listed, documented and configurable like every other rule.

private let fence = "---\nid: PM-0001\ntitle: T\ndate: 2025-03-14\nstatus: draft\nseverity: SEV2\n---\n"

/// The file does not start with front-matter.
public struct MissingFrontMatterRule: FileRule {
    public static let description = RuleDescription(
        id: "missing-front-matter", summary: "an entry file does not start with a `---` line",
        rationale: "without front-matter an entry has no id, title or status and cannot be found or linked",
        defaultSeverity: .error,
        triggering: [.postmortem("↓# Just a heading\n")],
        nonTriggering: [.postmortem(fence)])
}

/// The front-matter is never closed.
public struct UnclosedFrontMatterRule: FileRule {
    public static let description = RuleDescription(
        id: "unclosed-front-matter", summary: "the front-matter has no closing `---` line",
        rationale: "the whole file would be read as YAML; the body is lost",
        defaultSeverity: .error,
        triggering: [.postmortem("↓---\nid: PM-0001\n\n# Body\n")],
        nonTriggering: [.postmortem(fence)])
}

/// The front-matter is not valid YAML, or uses what Lore refuses.
public struct InvalidYAMLRule: FileRule {
    public static let description = RuleDescription(
        id: "invalid-yaml", summary: "the front-matter is not valid YAML, or uses anchors, aliases, complex or duplicate keys",
        rationale: "other tools would read it differently or not at all; anchors can expand without bound",
        defaultSeverity: .error,
        triggering: [.postmortem("---\nid: PM-0001\ntitle: [unclosed\n↓---\n"),
                     .postmortem("---\nid: PM-0001\ntitle: A\n↓title: B\n---\n")],
        nonTriggering: [.postmortem(fence)])
}

/// The file is binary.
public struct BinaryFileRule: FileRule {
    public static let description = RuleDescription(
        id: "binary-file", summary: "a file in an entry folder is binary (a NUL byte among its first 8000 bytes)",
        rationale: "entries are text; a binary file under a kind's folder is a mistake",
        defaultSeverity: .error,
        triggering: [.postmortem("↓---\n\u{0}\n---\n")],
        nonTriggering: [.postmortem(fence)])
}

/// A NUL byte after the first 8000 bytes.
public struct NulByteRule: FileRule {
    public static let description = RuleDescription(
        id: "nul-byte", summary: "a NUL byte in an entry's text",
        rationale: "tools cut text at NUL bytes; what follows would be lost",
        defaultSeverity: .error,
        triggering: [.postmortem(fence + String(repeating: "x", count: 8000) + "\n↓\u{0}\n")],
        nonTriggering: [.postmortem(fence)])
}

/// Not UTF-8.
public struct InvalidUTF8Rule: FileRule {
    public static let description = RuleDescription(
        id: "invalid-utf8", summary: "an entry is not valid UTF-8",
        rationale: "Lore, git hosts and browsers would each show different text",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// Too large to read.
public struct FileTooLargeRule: FileRule {
    public static let description = RuleDescription(
        id: "file-too-large", summary: "an entry file is larger than `max_file_size` (1 MiB by default) and is not read",
        rationale: "a hook must stay fast; an entry that size is almost certainly something else",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// The body's Markdown is too deeply nested to parse safely.
public struct MarkdownTooComplexRule: FileRule {
    public static let description = RuleDescription(
        id: "markdown-too-complex", summary: "the body nests or repeats Markdown so deeply (or holds so many tiny blocks) that parsing it could stall or take memory out of proportion",
        rationale: "Debian's cmark-gfm takes seconds to minutes, or hundreds of times the body's size in memory, on such input; its headings and links are not read",
        defaultSeverity: .error,
        triggering: [.postmortem(fence + "↓" + String(repeating: "> ", count: 70) + "x\n")],
        nonTriggering: [.postmortem(fence + "> > quoted twice\n")])
}

/// A file name that is not UTF-8.
public struct NonUTF8PathRule: FileRule {
    public static let description = RuleDescription(
        id: "non-utf8-path", summary: "an entry's file name is not valid UTF-8",
        rationale: "it shows differently on every system and cannot be linked reliably",
        defaultSeverity: .warning,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// Names equal after Unicode normalisation.
public struct UnicodeNormalizationClashRule: FileRule {
    public static let description = RuleDescription(
        id: "unicode-normalization-clash", summary: "two entry file names differ only in Unicode normalisation",
        rationale: "macOS treats them as one file: a checkout there loses one of them",
        defaultSeverity: .warning,
        triggering: [RuleExample(["lessons/caf\u{E9}.md": "↓" + fence, "lessons/cafe\u{301}.md": "↓" + fence])],
        nonTriggering: [RuleExample(["lessons/cafe.md": fence])])
}

/// An entry with an unresolved merge conflict in the index.
public struct UnmergedFileRule: FileRule {
    public static let description = RuleDescription(
        id: "unmerged-file", summary: "an entry has an unresolved merge conflict in the index being committed (`--staged`)",
        rationale: "the index holds no version of it that git would commit; checking either side would be a guess",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// An entry file that is a symbolic link.
public struct SymlinkEntryRule: FileRule {
    public static let description = RuleDescription(
        id: "symlink-entry", summary: "an entry file is a symbolic link",
        rationale: "git stores the link's target path, not the entry: other clones, the hook and the site would each read something else; what it points to is never read",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// An entry file that could not be read.
public struct UnreadableFileRule: FileRule {
    public static let description = RuleDescription(
        id: "unreadable-file", summary: "an entry file could not be read (permissions, an I/O error, a missing object)",
        rationale: "what cannot be read cannot be checked; the other files are still read and judged",
        defaultSeverity: .error,
        triggering: [],
        nonTriggering: [.postmortem(fence)])
}

/// TOML (`+++`) or JSON (`{`) front-matter that cannot be read.
public struct InvalidFrontMatterRule: FileRule {
    public static let description = RuleDescription(
        id: "invalid-front-matter", summary: "TOML (`+++`) or JSON (`{ … }`) front-matter that cannot be read; the message names the syntax seen",
        rationale: "Hugo and Zola write TOML and JSON front-matter; a mistake in it hides every field of the entry",
        defaultSeverity: .error,
        triggering: [.postmortem("+++\nid = \"PM-0001\"\ntitle = ↓unquoted\n+++\n"),
                     .postmortem("{\n  \"id\": \"PM-0001\",\n  ↓\"id\": \"PM-0002\"\n}\n")],
        nonTriggering: [.postmortem("+++\nid = \"PM-0001\"\ntitle = \"T\"\ndate = 2025-03-14\nstatus = \"draft\"\nseverity = \"SEV2\"\n+++\n")])
}
