extension Configuration {
    /// The commented `.lore/config.yml` that `lore init` writes: the built-in kinds spelled out,
    /// so a team can see every setting and change it, plus a `retrospective` kind (dated ids)
    /// using the built-in retrospective template.
    public static let initialFileText = """
    # Lore configuration (repository format v1).
    # Which kinds of entries this repository keeps, where they live, and how they are checked.
    # Delete a kind you do not use; add your own (every kind needs dir, prefix and statuses).
    version: 1
    kinds:
      postmortem:
        dir: postmortems                 # entries of this kind: .md files anywhere under this folder
        prefix: PM                       # ids are PM-0001, PM-0002, ...
        path: "{yyyy}/{date}-{slug}.md"  # where `lore new` writes, relative to dir
        ids: sequence                    # sequence | date | random
        template: postmortem             # .lore/templates/postmortem.md, else the built-in template
        statuses: [draft, in-review, published, closed]
        severities: [SEV1, SEV2, SEV3, SEV4]
        optional_sections: [Where we got lucky]
        # fields:                        # declare or tighten fields beyond the common ones
        #   services: { type: list, required: true }
      lesson:
        dir: lessons
        prefix: LL
        path: "{slug}.md"
        statuses: [draft, active, superseded, archived]
      decision:
        dir: decisions
        prefix: DR
        path: "{nnnn}-{slug}.md"
        statuses: [proposed, accepted, rejected, deprecated, superseded]
      retrospective:                     # not built in: a kind of this repository's own
        dir: retrospectives
        prefix: RT
        path: "{yyyy}/{date}-{slug}.md"
        ids: date                        # RT-20250314-1, RT-20250314-2, ...
        statuses: [draft, published]
    # Field types: string, text, date, datetime, bool, int, url, email, enum (with values),
    # list, ids, globs, objects (with fields).
    # Path placeholders: {yyyy} {mm} {dd} {date} {slug} {id} {nnnn}.
    #
    # rules:                             # per-rule severity: error | warning | off (`lore rules` lists them)
    #   unknown-field: warning
    #
    # draft_statuses: [draft, proposed]  # unfinished sections are warnings, not errors, in these
    #
    # max_file_size: 1MiB                # larger entry files are reported, not read

    """
}

extension Configuration {
    /// The configuration `lore init` writes, read back: the built-in kinds and `retrospective`.
    public static var initial: Configuration {
        // The text is part of Lore and covered by tests: it always parses.
        (try? Configuration.parse(Array(initialFileText.utf8))) ?? .builtIn
    }
}
