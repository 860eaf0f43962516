import ArgumentParser
import LoreKit

/// What the shell completion scripts (`lore --generate-completion-script bash|zsh|fish`) offer for
/// kinds, ids, statuses and rule ids. The scripts call `lore` back as they complete, so the values
/// are those of the repository the shell is in (or of `-C DIR` typed before): its configuration's
/// kinds and statuses, the ids of its working tree. Outside a repository only the built-in kinds
/// and statuses are offered; nothing is ever printed on standard error.
enum Completions {
    /// The configuration and working-tree entries of the repository the words typed point at.
    private static func corpus(_ words: [String]) -> Corpus? {
        var folder: String?
        if let index = words.firstIndex(where: { $0 == "-C" || $0 == "--repo" }), index + 1 < words.count {
            folder = words[index + 1]
        }
        guard let memory = try? openRepository(folder) else { return nil }
        return try? memory.corpus(.workingTree)
    }

    private static func matching(_ values: [String], _ prefix: String) -> [String] {
        Array(Set(values)).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Kinds: the repository's configuration, else the built-in ones.
    static let kinds = CompletionKind.custom { words, _, prefix in
        let kinds = corpus(words)?.configuration.kinds ?? Configuration.builtIn.kinds
        return matching(kinds.map(\.name), prefix)
    }

    /// Entry ids of the working tree.
    static let ids = CompletionKind.custom { words, _, prefix in
        matching(corpus(words)?.entries.compactMap(\.id) ?? [], prefix)
    }

    /// Every status a kind lists.
    static let statuses = CompletionKind.custom { words, _, prefix in
        let kinds = corpus(words)?.configuration.kinds ?? Configuration.builtIn.kinds
        return matching(kinds.flatMap(\.statuses), prefix)
    }

    /// Rule ids (`lore rules RULE`, `rules:` in .lore/config.yml).
    static let rules = CompletionKind.custom { _, _, prefix in matching(RuleIdentifiers.all, prefix) }
}
