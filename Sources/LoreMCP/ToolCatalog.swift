import LoreKit
import MCP

/// The tools' names, descriptions and input schemas.
enum ToolCatalog {
    struct Definition: Sendable {
        let tool: Tool
        let arguments: Set<String>
        let call: @Sendable (MemoryRepository, Arguments) throws -> ToolOutput
    }

    private static func string(_ description: String) -> Value { .object(["type": "string", "description": .string(description)]) }
    private static func strings(_ description: String) -> Value {
        .object(["type": "array", "items": .object(["type": "string"]), "description": .string(description)])
    }
    private static func integer(_ description: String, _ minimum: Int, _ maximum: Int) -> Value {
        .object(["type": "integer", "minimum": .int(minimum), "maximum": .int(maximum), "description": .string(description)])
    }
    private static func boolean(_ description: String) -> Value { .object(["type": "boolean", "description": .string(description)]) }
    private static let org = boolean("true: read this repository and every synced source (.lore/config.yml `sources:`, `lore sources sync`) "
        + "as one memory, as `--org` does; other repositories' ids are qualified (payments:PM-0001).")
    private static let cursor = string("next_cursor of the previous page; the other arguments must be the same.")
    private static let filters: [String: Value] = [
        "kind": string("Only entries of this kind (postmortem, lesson, decision, or one the repository configures)."),
        "status": string("Only entries with this status."),
        "tags": strings("Only entries with all of these tags."),
        "since": string("Only entries dated on or after this day, YYYY-MM-DD."),
        "where": strings("Conditions FIELD OP VALUE, all of which must hold, as `lore list --where`: OP is = != ~ (contains) !~ < <= > >=; "
            + "e.g. severity=SEV1, services~payments, date>=2025-01-01, owner= (absent), action_items.owner~ana."),
    ]

    private static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map(Value.string)),
                 "additionalProperties": false])
    }

    private static func outputSchema(_ properties: [String]) -> Value {
        .object(["type": "object", "properties": .object(Dictionary(uniqueKeysWithValues: properties.map { ($0, Value.object([:])) }))])
    }

    private static func define(_ name: String, _ title: String, _ description: String, _ properties: [String: Value], required: [String] = [],
                               output: [String], readOnly: Bool = true,
                               _ call: @escaping @Sendable (MemoryRepository, Arguments) throws -> ToolOutput) -> Definition {
        Definition(tool: Tool(name: name, title: title, description: description, inputSchema: schema(properties, required: required),
                              annotations: .init(title: title, readOnlyHint: readOnly, destructiveHint: false, idempotentHint: readOnly,
                                                 openWorldHint: false),
                              outputSchema: outputSchema(output)),
                   arguments: Set(properties.keys), call: call)
    }

    static func definitions(allowWrite: Bool) -> [Definition] {
        var all = [
            define("recall", "Recall what matters for a change",
                   "The postmortems, lessons and decisions that matter for the code a change touches, ranked, each with its reasons "
                   + "(an `affects` glob matching a changed path, a listed commit that touched it, a `Lore:` trailer). Call it before changing code. "
                   + "Give exactly one of paths, rev or staged. The result is `lore recall --format json`, a page of entries at a time.",
                   ["paths": strings("Changed paths, relative to the repository root (e.g. src/payments/pool.go)."),
                    "rev": string("A range A..B (what B changed since it forked from A), or one commit."),
                    "staged": boolean("Recall for the staged changes (the index against HEAD)."),
                    "limit": integer("Entries per page (default 20).", 1, 100), "cursor": cursor, "org": org],
                   output: ["changed", "changed_count", "entries", "notes", "total", "next_cursor"], MemoryService.recall),
            define("search", "Search the memory",
                   "Ranked full-text search over titles, fields and bodies, as `lore search`: all words must occur; \"a phrase\"; word* prefixes; "
                   + "OR between terms. Matching ignores case and accents and folds English endings (fail finds failing, failed).",
                   ["query": string("The words to look for."), "limit": integer("Hits per page (default 10).", 1, 100), "cursor": cursor, "org": org]
                       .merging(filters) { a, _ in a },
                   required: ["query"], output: ["hits", "next_cursor", "notes"], MemoryService.search),
            define("get_entry", "Read one entry",
                   "One entry by id (PM-0042) or path: its fields, sections (text), action items, links both ways (relations, [[ID]] links, "
                   + "affects, commits, Lore: trailers) and git history (created, updated, authors), as its record in `lore index`.",
                   ["id": string("The entry's id (payments:PM-0001 with org), or its path from the repository root."), "org": org],
                   required: ["id"], output: ["id", "path", "kind", "fields", "sections", "links", "history", "notes"], MemoryService.getEntry),
            define("list_entries", "List entries",
                   "Entries filtered by any field and sorted by any field, as `lore list`: id, kind, title, status, date, path, a page at a time.",
                   ["sort": string("Order by this field (any front-matter field, kind or path); -FIELD for descending."),
                    "limit": integer("Entries per page (default 50).", 1, 200), "cursor": cursor, "org": org].merging(filters) { a, _ in a },
                   output: ["entries", "total", "next_cursor", "notes"], MemoryService.listEntries),
            define("action_items", "Follow-ups",
                   "Action items of postmortems, as `lore actions`: open and overdue by default, grouped by entry, owner or service, "
                   + "with the commits that followed them up.",
                   ["state": .object(["type": "string", "enum": ["open", "overdue", "all"],
                                      "description": "open: not done (open and overdue, the default); overdue: only overdue; all: done and won't-do too."]),
                    "owner": string("Only items with this owner (exact)."), "service": string("Only items of entries naming this service."),
                    "by": .object(["type": "string", "enum": ["entry", "owner", "service"], "description": "Group by (default entry)."]),
                    "today": string("The day due dates are judged against, YYYY-MM-DD (default: today)."),
                    "limit": integer("Items per page (default 50).", 1, 200), "cursor": cursor, "org": org].merging(filters) { a, _ in a },
                   output: ["today", "groups", "counts", "next_cursor", "notes"], MemoryService.actionItems),
            define("similar", "Find similar past entries",
                   "Past entries similar to a text (an incident description, a draft, an error message): the text's most frequent significant "
                   + "words are searched with OR and ranked by BM25, so entries sharing more and rarer words come first. The words used are returned.",
                   ["text": string("The text to compare (up to 1 MiB)."), "limit": integer("How many entries (default 5).", 1, 50), "org": org]
                       .merging(filters) { a, _ in a },
                   required: ["text"], output: ["hits", "terms", "notes"], MemoryService.similar),
            define("check_draft", "Check a draft entry",
                   "The findings `lore check` would give for a proposed entry text (front-matter and Markdown), judged with the rest of the "
                   + "repository (duplicate ids, broken links, unknown commits), without writing anything.",
                   ["text": string("The whole entry file: YAML front-matter between --- lines, then Markdown."),
                    "path": string("Where the file would be (inside a kind's folder, e.g. postmortems/2025/x.md); default: a new file of 'kind'."),
                    "kind": string("The kind when no path is given (default postmortem)."),
                    "today": string("The day overdue action items are judged against, YYYY-MM-DD.")],
                   required: ["text"], output: ["path", "findings", "errors", "warnings", "ok"], MemoryService.checkDraft),
            define("superseded", "Is this decision still current?",
                   "For an entry id (usually a decision), the chain of entries that supersede it (superseded_by / supersedes), and the current "
                   + "one to follow. Call it before relying on a decision.",
                   ["id": string("The entry's id (DR-0003) or path.")],
                   required: ["id"], output: ["entry", "superseded", "chain", "current"], MemoryService.superseded),
        ]
        if allowWrite {
            all.append(define("create_entry", "Create an entry",
                              "Creates a new entry file from its kind's template with the next id, as `lore new` (inside the kind's folder, never "
                              + "over an existing file). Only offered when lore mcp runs with --allow-write. Fill the file's sections afterwards.",
                              ["kind": string("postmortem, lesson, decision, or a kind the repository configures."),
                               "title": string("The title."),
                               "values": .object(["type": "object", "description": "Front-matter values by field (severity: SEV2, services: [a, b] …).",
                                                  "additionalProperties": true]),
                               "links": strings("Ids to add to `related`."), "date": string("The entry's date, YYYY-MM-DD (default today).")],
                              required: ["kind", "title"], output: ["id", "path", "uri", "kind"], readOnly: false, MemoryService.createEntry))
        }
        return all
    }
}
