import Foundation
import Testing
import TestSupport

/// Runs the real `lore` binary.
private func lore(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(loreBinary, arguments, in: directory, environment: gitEnvironment(environment))
}

/// What `lore list --format json` says of one record, in the terms issue 13 measures.
private struct Record: Equatable, CustomStringConvertible {
    var id: String?
    var title: String?
    var date: String?
    var status: String?
    var supersedes: [String] = []
    var supersededBy: [String] = []

    init(_ id: String?, _ title: String?, _ date: String?, _ status: String?, supersedes: [String] = [], supersededBy: [String] = []) {
        self.id = id
        self.title = title
        self.date = date
        self.status = status
        self.supersedes = supersedes
        self.supersededBy = supersededBy
    }

    var description: String { "\(id ?? "nil") | \(title ?? "nil") | \(date ?? "nil") | \(status ?? "nil") | \(supersedes) | \(supersededBy)" }
}

/// `lore init` then `lore list --format json` in `repo`: the records listed, after checking that
/// init changed nothing but `.lore/`.
private func adopt(_ repo: TemporaryRepository, sourceLocation: SourceLocation = #_sourceLocation) throws -> (records: [Record], initOutput: String) {
    let initialized = try lore(["init"], in: repo.path)
    #expect(initialized.status == 0, "lore init failed: \(initialized.stderr)", sourceLocation: sourceLocation)
    let changes = try repo.git(["status", "--porcelain", "--untracked-files=all"]).split(separator: "\n")
    #expect(!changes.isEmpty && changes.allSatisfy { $0.hasPrefix("?? .lore/") }, "init changed \(changes)", sourceLocation: sourceLocation)
    let listed = try lore(["list", "--format", "json"], in: repo.path)
    #expect(listed.status == 0, "lore list failed: \(listed.stderr)", sourceLocation: sourceLocation)
    let json = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    let records = json.map { object -> Record in
        let fields = object["fields"] as? [String: Any] ?? [:]
        return Record(object["id"] as? String, object["title"] as? String, object["date"] as? String, object["status"] as? String,
                      supersedes: fields["supersedes"] as? [String] ?? [], supersededBy: fields["superseded_by"] as? [String] ?? [])
    }
    return (records, initialized.stdout)
}

/// Commits everything with the author date `date` (`YYYY-MM-DD`).
private func commit(_ repo: TemporaryRepository, _ message: String, on date: String) throws {
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", message], environment: ["GIT_AUTHOR_DATE": "\(date)T10:00:00+00:00", "GIT_COMMITTER_DATE": "\(date)T10:00:00+00:00"])
}

@Suite struct AdoptionCLITests {
    /// adr-tools (Nygard): `.adr-dir`, `# N. Title`, `Date:` lines, `## Status` sections, and the
    /// text `adr new -s` writes on both sides of a supersession.
    @Test func adrTools() throws {
        let repo = try TemporaryRepository()
        try repo.write(".adr-dir", "doc/architecture/decisions\n")
        let folder = "doc/architecture/decisions/"
        try repo.write(folder + "0001-record-architecture-decisions.md", """
            # 1. Record architecture decisions

            Date: 2018-03-01

            ## Status

            Accepted

            ## Context

            We need to record the architectural decisions made on this project.

            ## Decision

            We will use Architecture Decision Records, as described by Michael Nygard.

            ## Consequences

            See Michael Nygard's article, linked above.

            """)
        try repo.write(folder + "0002-store-sessions-in-postgresql.md", """
            # 2. Store sessions in PostgreSQL

            Date: 2018-04-11

            ## Status

            Superceded by [4. Store sessions in Redis](0004-store-sessions-in-redis.md)

            ## Context

            Sessions need a home.

            ## Decision

            PostgreSQL.

            ## Consequences

            One more table.

            """)
        try repo.write(folder + "0003-deploy-with-terraform.md", """
            # 3. Deploy with Terraform

            Date: 2018-05-02

            ## Status

            ✅ Accepted.

            ## Context

            Clicking in consoles does not scale.

            ## Decision

            Terraform.

            ## Consequences

            State files to guard.

            """)
        try repo.write(folder + "0004-store-sessions-in-redis.md", """
            # 4. Store sessions in Redis

            Date: 2019-01-20

            ## Status

            Accepted

            Supercedes [2. Store sessions in PostgreSQL](0002-store-sessions-in-postgresql.md)

            ## Context

            PostgreSQL sessions were slow.

            ## Decision

            Redis.

            ## Consequences

            A cache to run.

            """)
        try repo.write(folder + "0005-adopt-feature-flags.md", """
            # 5. Adopt feature flags

            Date: 2019-06-30

            ## Status

            Proposed

            ## Context

            Releases are risky.

            ## Decision

            Flags.

            ## Consequences

            Flags to clean up.

            """)
        try repo.write("README.md", "# Service\n")
        try repo.commitAll("decisions")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("0001", "Record architecture decisions", "2018-03-01", "accepted"),
            Record("0002", "Store sessions in PostgreSQL", "2018-04-11", "superseded", supersededBy: ["0004"]),
            Record("0003", "Deploy with Terraform", "2018-05-02", "accepted"),
            Record("0004", "Store sessions in Redis", "2019-01-20", "accepted", supersedes: ["0002"]),
            Record("0005", "Adopt feature flags", "2019-06-30", "proposed"),
        ])
        #expect(output.contains("doc/architecture/decisions/: 5 decision entries (adr-tools (Nygard))"))
        // The records pass `lore check` as found: the template lists the sections they share.
        let checked = try lore(["check"], in: repo.path)
        #expect(checked.status == 0, "\(checked.stdout)")
    }

    /// MADR 2: `* Status:` and `* Date:` bullets, numbering from 0000, a template beside them.
    @Test func madr2() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/adr/template.md", "# [short title of solved problem and solution]\n\n* Status: [proposed | rejected | accepted]\n")
        try repo.write("docs/adr/0000-use-markdown-architectural-decision-records.md", """
            # Use Markdown Architectural Decision Records

            * Status: accepted
            * Deciders: Ann, Bob
            * Date: 2017-12-05

            Technical Story: how to keep decisions

            ## Context and Problem Statement

            We want to record decisions.

            ## Decision Outcome

            Chosen option: "MADR".

            """)
        try repo.write("docs/adr/0001-use-crc32-for-ids.md", """
            # Use CRC32 for ids

            * Status: superseded by [ADR-0002](0002-use-uuids-for-ids.md)
            * Date: 2018-02-01

            ## Context and Problem Statement

            Ids.

            ## Decision Outcome

            CRC32.

            """)
        try repo.write("docs/adr/0002-use-uuids-for-ids.md", """
            # Use UUIDs for ids

            * Status: Accepted
            * Deciders: Ann
            * Date: 2018-03-15

            ## Context and Problem Statement

            CRC32 collided.

            ## Decision Outcome

            UUIDs.

            """)
        try repo.commitAll("adr")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("0000", "Use Markdown Architectural Decision Records", "2017-12-05", "accepted"),
            Record("0001", "Use CRC32 for ids", "2018-02-01", "superseded", supersededBy: ["0002"]),
            Record("0002", "Use UUIDs for ids", "2018-03-15", "accepted"),
        ])
        #expect(output.contains("docs/adr/: 3 decision entries (MADR 2 (bullets))"))
    }

    /// MADR 3 (front-matter with status, date, deciders) and MADR 4 (decision-makers), with a
    /// record that has no date (git gives it) and one whose status names its successor.
    @Test func madr3And4() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/decisions/adr-template.md", "---\nstatus: \"{proposed | rejected | accepted}\"\n---\n# {short title}\n")
        try repo.write("docs/decisions/0001-use-madr.md", """
            ---
            status: accepted
            date: 2022-11-04
            deciders: [Ann, Bob]
            ---
            # Use MADR 3

            ## Context and Problem Statement

            Decisions.

            """)
        try repo.write("docs/decisions/0002-use-json-logs.md", """
            ---
            status: "superseded by [ADR-0003](0003-use-otel-logs.md)"
            date: 2023-01-09
            ---
            # Use JSON logs

            ## Context and Problem Statement

            Logs.

            """)
        try repo.write("docs/decisions/0003-use-otel-logs.md", """
            ---
            status: Accepted
            decision-makers: Ann
            consulted: Carl
            ---

            # Use OpenTelemetry logs

            ## Context and Problem Statement

            Logs again.

            """)
        try commit(repo, "decisions", on: "2024-02-29")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("0001", "Use MADR 3", "2022-11-04", "accepted"),
            Record("0002", "Use JSON logs", "2023-01-09", "superseded", supersededBy: ["0003"]),
            Record("0003", "Use OpenTelemetry logs", "2024-02-29", "accepted"),
        ])
        #expect(output.contains("docs/decisions/: 3 decision entries (MADR 4)"))
    }

    /// Records as real collections leave them: a site generator's front-matter with its page ids
    /// (`id: adrs-adr001`) and a colon in an unquoted title, the record's number before its title, a `| Created | Status |` table, a
    /// template's status placeholder, `Approved`, and a date whose month and day were swapped.
    @Test func recordsAsRealCollectionsLeaveThem() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/architecture-decisions/adr001-keep-a-log.md", """
            ---
            id: adrs-adr001
            title: ADR001: Keep a decision log
            sidebar_label: ADR001
            ---

            | Created    | Status |
            | ---------- | ------ |
            | 2021-03-04 | Approved |

            ## Context

            Why.

            """)
        try repo.write("docs/architecture-decisions/adr002-queue.md", """
            ---
            id: adrs-adr002
            title: 'ADR002: Pick a queue'
            ---

            ## Context

            Queues.

            """)
        try repo.write("docs/architecture-decisions/adr003-cache.md", """
            # ADR003 - Cache pages

            - Status: [ proposed | accepted | superseded by [x](adr00x-x.md)] <!-- optional -->
            - Date: 2022-14-03

            ## Context

            Pages.

            """)
        try commit(repo, "decisions", on: "2024-02-29")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("adr001", "Keep a decision log", "2021-03-04", "accepted"),
            Record("adr002", "Pick a queue", "2024-02-29", nil),
            Record("adr003", "Cache pages", "2022-03-14", nil),
        ])
        // The unquoted colon is reported, as a warning: the record is read.
        let checked = try lore(["check"], in: repo.path)
        #expect(checked.stdout.contains("adr001-keep-a-log.md:3:14: warning: mapping values are not allowed in this context; read with the value after the key as text [invalid-yaml]"),
                "\(checked.stdout)")
    }

    /// log4brains: `.log4brains.yml` names the folder; dated slugs are the ids; `- Status:` and
    /// `- Date:` bullets; `index.md` and `template.md` are not records.
    @Test func log4brains() throws {
        let repo = try TemporaryRepository()
        try repo.write(".log4brains.yml", "---\nproject:\n  name: shop\n  tz: Europe/Paris\n  adrFolder: ./docs/adr\n")
        try repo.write("docs/adr/index.md", "<!-- This file is the homepage of your decision log -->\n# Architecture knowledge base\n")
        try repo.write("docs/adr/template.md", "# [short title]\n\n- Status: [draft | proposed | rejected | accepted | deprecated | … | superseded by [xxx](yyyymmdd-xxx.md)]\n")
        try repo.write("docs/adr/20200924-use-log4brains-to-manage-the-adrs.md", """
            # Use Log4brains to manage the ADRs

            - Status: accepted
            - Date: 2020-09-24
            - Tags: dev-tools, doc

            ## Context and Problem Statement

            We want to record decisions.

            """)
        try repo.write("docs/adr/20200925-use-markdown-architectural-decision-records.md", """
            # Use Markdown Architectural Decision Records

            - Status: draft
            - Date: 2020-09-25

            ## Context and Problem Statement

            Which format?

            """)
        try repo.commitAll("adr")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("20200924-use-log4brains-to-manage-the-adrs", "Use Log4brains to manage the ADRs", "2020-09-24", "accepted"),
            Record("20200925-use-markdown-architectural-decision-records", "Use Markdown Architectural Decision Records", "2020-09-25", "draft"),
        ])
    }

    /// Dated slugs without a tool's settings (`2023-05-09-x.md`, `20240604-x`): the whole name is
    /// the id; an extension-less record among them is read too.
    @Test func datedSlugsAndAnExtensionlessRecord() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/decisions/2023-05-09-separate-backend-configs.md", "# Separate backend configs\n\n- Status: accepted\n- Date: 2023-05-09\n")
        try repo.write("docs/decisions/20240604-hdkey-domain-separation", "# HD key domain separation\n\n- Status: proposed\n- Date: 2024-06-04\n")
        try repo.write("docs/decisions/index.md", "# Decisions\n")
        try repo.write("docs/decisions/diagram.png", "png")
        try repo.commitAll("decisions")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("2023-05-09-separate-backend-configs", "Separate backend configs", "2023-05-09", "accepted"),
            Record("20240604-hdkey-domain-separation", "HD key domain separation", "2024-06-04", "proposed"),
        ])
    }

    /// Postmortems without front-matter: ids only in the file names (`PM2019-009 - Title.md`),
    /// dates written `DD/MM/YYYY` in a bold line, no status (published by default).
    @Test func postmortemsWithIDsInFileNames() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/PM2019-009 - Database failover.md", """
            # Database failover took 40 minutes

            **Date:** 14/03/2019
            **Severity:** SEV2

            ## Summary

            The primary failed.

            """)
        try repo.write("postmortems/PM2019-010 - Cache stampede.md", """
            # Cache stampede after deploy

            **Date:** 02/04/2019

            ## Summary

            Everything expired at once.

            """)
        try repo.write("postmortems/README.md", "# Postmortems\n")
        try repo.commitAll("postmortems")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("PM2019-009", "Database failover took 40 minutes", "2019-03-14", "published"),
            Record("PM2019-010", "Cache stampede after deploy", "2019-04-02", "published"),
        ])
    }

    /// Ids whose prefix is several capitalised words (`OPS-INC-007`, a team's and a category's):
    /// the whole prefixed number is the id, and the heading loses it.
    @Test func idsWithSeveralPrefixWords() throws {
        let repo = try TemporaryRepository()
        try repo.write("postmortems/OPS-INC-007-queue-backlog.md", """
            # OPS-INC-007: Queue backlog after failover

            **Date**: March 3, 2021

            ## Summary

            Consumers stalled.

            """)
        try repo.write("postmortems/OPS-INC-008-dns-expiry.md", """
            # OPS-INC-008: DNS record expired

            **Date**: April 9, 2021

            ## Summary

            Nobody renewed it.

            """)
        try repo.commitAll("postmortems")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("OPS-INC-007", "Queue backlog after failover", "2021-03-03", "published"),
            Record("OPS-INC-008", "DNS record expired", "2021-04-09", "published"),
        ])
    }

    /// A key/value table under the heading whose keys are bold (`| **Status** | Accepted |`).
    @Test func keyValueTableWithBoldKeys() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/adr/0001-pick-a-queue.md", """
            # 1. Pick a queue

            | Field | Value |
            | --- | --- |
            | **Status** | Accepted |
            | **Date:** | 2022-06-07 |

            ## Context

            We need one.

            """)
        try repo.write("docs/adr/0002-pick-a-cache.md", """
            # 2. Pick a cache

            | Field | Value |
            | --- | --- |
            | *Status* | Proposed |
            | *Date* | 2022-07-08 |

            ## Context

            We need one too.

            """)
        try repo.commitAll("adrs")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("0001", "Pick a queue", "2022-06-07", "accepted"),
            Record("0002", "Pick a cache", "2022-07-08", "proposed"),
        ])
    }

    /// Incident records with the field names incident tools use: `start_time`, `end_time`, `sev`
    /// are read as `started`, `resolved`, `severity`; their severities join the kind's.
    @Test func incidentFieldAliases() throws {
        let repo = try TemporaryRepository()
        try repo.write("incidents/INC-1.md", "---\ntitle: DB down\nstart_time: 2024-05-01T10:00:00Z\nend_time: 2024-05-01T11:00:00Z\nsev: P1\n---\n\n# DB down\n")
        try commit(repo, "incident", on: "2024-05-02")
        let (records, _) = try adopt(repo)
        #expect(records == [Record("INC-1", "DB down", "2024-05-02", "published")])
        let listed = try lore(["list", "--format", "json"], in: repo.path).stdout
        let fields = (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])?.first?["fields"] as? [String: Any] ?? [:]
        #expect(fields["started"] as? String == "2024-05-01T10:00:00Z" && fields["resolved"] as? String == "2024-05-01T11:00:00Z"
                && fields["severity"] as? String == "P1" && fields["start_time"] == nil, "\(fields)")
        let checked = try lore(["check"], in: repo.path)
        #expect(checked.status == 0, "\(checked.stdout)")
    }

    /// kubernetes-style post-mortems: named by date (the date of the incident, before a
    /// `Last Modified:` line), titled by their heading, no status.
    @Test func datedPostMortems() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/post-mortems/2019-02-05.md", """
            # February 5th, 2019 Partial Outage

            Created By: [Kim]
            Last Modified: 2019-02-06

            ## Summary

            Jobs hung.

            """)
        try repo.write("docs/post-mortems/2019-05-30.md", "# May 30th, 2019 Slow disks\n\n## Summary\n\nDisks.\n")
        try repo.commitAll("post-mortems")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("2019-02-05", "February 5th, 2019 Partial Outage", "2019-02-05", "published"),
            Record("2019-05-30", "May 30th, 2019 Slow disks", "2019-05-30", "published"),
        ])
    }

    /// Hugo: TOML and JSON front-matter, a page bundle, `draft` as the status.
    @Test func hugoTOMLAndJSON() throws {
        let repo = try TemporaryRepository()
        try repo.write("config.toml", "baseURL = \"https://example.org/\"\n")
        try repo.write("content/posts/first-post.md", """
            +++
            title = "First post"
            date = 2021-03-04T10:00:00+01:00
            draft = false
            tags = ["hugo", "toml"]
            +++

            Hello.

            """)
        try repo.write("content/posts/second.md", """
            {
              "title": "Second, in JSON",
              "date": "2021-05-06T23:30:00-07:00",
              "draft": true
            }

            Body.

            """)
        try repo.write("content/posts/third/index.md", "+++\ntitle = 'A bundle'\ndate = 2021-07-08\n+++\n\nBundled.\n")
        try repo.write("content/posts/_index.md", "+++\ntitle = \"Posts\"\n+++\n")
        try repo.commitAll("site")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("first-post", "First post", "2021-03-04", "published"),
            Record("second", "Second, in JSON", "2021-05-06", "draft"),
            Record("third", "A bundle", "2021-07-08", "published"),
        ])
        #expect(output.contains("content/posts/: 3 post entries"))
    }

    /// RFCs with `#` sections (NixOS): front-matter without title or status, `start-date`.
    @Test func rfcsWithH1Sections() throws {
        let repo = try TemporaryRepository()
        try repo.write("rfcs/0000-template.md", "---\nfeature: (fill me in)\nstart-date: (fill me in)\n---\n\n# Summary\n")
        try repo.write("rfcs/0001-rfc-process.md", """
            ---
            feature: rfc-process
            start-date: 2017-02-12
            author: Zimbatm
            ---

            # Summary
            [summary]: #summary

            A process.

            # Motivation
            [motivation]: #motivation

            Many changes.

            """)
        try repo.write("rfcs/0042-config-option.md", "---\nfeature: config-option\nstart-date: 2019-03-10\n---\n\n# Summary\n\nOptions.\n\n# Motivation\n\nWhy.\n")
        try repo.commitAll("rfcs")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("0001", "Rfc process", "2017-02-12", "accepted"),
            Record("0042", "Config option", "2019-03-10", "accepted"),
        ])
        // The `#` sections are the kind's sections: the template lists them, and an empty one is found.
        let template = try String(contentsOfFile: repo.path + "/.lore/templates/rfc.md", encoding: .utf8)
        #expect(template.contains("\n# Summary\n") && template.contains("\n# Motivation\n"))
        #expect(try lore(["check"], in: repo.path).status == 0)
        try repo.write("rfcs/0042-config-option.md", "---\nfeature: config-option\nstart-date: 2019-03-10\n---\n\n# Summary\n\nOptions.\n\n# Motivation\n\n# Detailed design\n\nD.\n")
        let checked = try lore(["check"], in: repo.path)
        #expect(checked.status == 1 && checked.stdout.contains("rfcs/0042-config-option.md:10:1") && checked.stdout.contains("empty-section"), "\(checked.stdout)")
    }

    /// Rust-style RFCs: numbered files in a folder named `text`, `- Start Date:` bullets, `#`
    /// sections; and a Hugo site in a subfolder with YAML front-matter.
    @Test func numberedFolderAndSiteInASubfolder() throws {
        let repo = try TemporaryRepository()
        for (number, name, date) in [("0001", "private-fields", "2014-03-11"), ("0002", "rfc-process", "2014-03-11"), ("0008", "new-intrinsics", "2014-03-14")] {
            try repo.write("text/\(number)-\(name).md", "- Feature Name: \(name)\n- Start Date: \(date)\n- RFC PR: #1\n\n# Summary\n\nS.\n\n# Motivation\n\nM.\n")
        }
        try repo.write("website/hugo.toml", "title = \"x\"\n")
        try repo.write("website/content/blog/launch.md", "---\ntitle: Launch\ndate: 2020-10-01T09:00:00Z\n---\n\nHi.\n")
        try repo.commitAll("rfcs and site")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("launch", "Launch", "2020-10-01", "published"),
            Record("0001", "Private fields", "2014-03-11", "accepted"),
            Record("0002", "Rfc process", "2014-03-11", "accepted"),
            Record("0008", "New intrinsics", "2014-03-14", "accepted"),
        ])
        #expect(output.contains("text/: 3 rfc entries") && output.contains("website/content/blog/: 1 blog entry"), "\(output)")
    }

    /// A repository that is a decision log: records at the root (`dir: .`), other Markdown left alone.
    @Test func recordsAtTheRoot() throws {
        let repo = try TemporaryRepository()
        try repo.write("ADR001-use-go.md", "# Use Go\n\n## Status\n\nAccepted\n\nDate: 2020-01-01\n")
        try repo.write("ADR002-use-grpc.md", "# Use gRPC\n\n## Status\n\nProposed\n\nDate: 2020-02-02\n")
        try repo.write("README.md", "# Decisions\n")
        try repo.write("GOVERNANCE.md", "# Who decides\n")
        try repo.write("notes/ADR003-draft.md", "# Not a record here\n")
        try repo.commitAll("log")
        let (records, output) = try adopt(repo)
        #expect(records == [
            Record("ADR001", "Use Go", "2020-01-01", "accepted"),
            Record("ADR002", "Use gRPC", "2020-02-02", "proposed"),
        ])
        #expect(output.contains("./: 2 decision entries"), "\(output)")
        #expect(try String(contentsOfFile: repo.path + "/.lore/config.yml", encoding: .utf8).contains("include: [\"/ADR[0-9]*.md\"]"))
    }

    /// Records moved into their folder after years elsewhere: the date is that of the commit that
    /// added the file (`git log --follow --diff-filter=A`), not that of the move.
    @Test func movedRecordsKeepTheirCreationDate() throws {
        let repo = try TemporaryRepository()
        try repo.write("notes/0001-use-kafka.md", "# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nServices publish events that several consumers read at their own pace; we need replay.\n")
        try commit(repo, "first decision", on: "2016-05-04")
        // Different enough that git does not take it for a copy of the first (`git log --follow`
        // would date it from the first file's creation).
        try repo.write("notes/0002-use-avro.md", "# 2. Use Avro\n\n## Status\n\nAccepted\n\n## Context\n\nMessage formats drift between teams; a schema registry with compatibility checks stops that before deploys.\n")
        try commit(repo, "second decision", on: "2017-08-09")
        try repo.git(["mv", "notes", "docs"])
        try FileManager.default.createDirectory(atPath: repo.path + "/docs/adr", withIntermediateDirectories: true)
        try repo.git(["mv", "docs/0001-use-kafka.md", "docs/adr/0001-use-kafka.md"])
        try repo.git(["mv", "docs/0002-use-avro.md", "docs/adr/0002-use-avro.md"])
        try commit(repo, "move decisions", on: "2024-01-15")
        let (records, _) = try adopt(repo)
        #expect(records == [
            Record("0001", "Use Kafka", "2016-05-04", "accepted"),
            Record("0002", "Use Avro", "2017-08-09", "accepted"),
        ])
        for (path, expected) in [("docs/adr/0001-use-kafka.md", "2016-05-04"), ("docs/adr/0002-use-avro.md", "2017-08-09")] {
            let added = try repo.git(["log", "--follow", "--diff-filter=A", "--format=%ad", "--date=short", "--", path])
            #expect(added.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
        }
        let index = try lore(["index"], in: repo.path)
        #expect(index.status == 0)
        #expect(index.stdout.contains("2016-05-04T10:00:00+00:00") && index.stdout.contains("2017-08-09T10:00:00+00:00"))
    }

    /// Links as teams write them resolve to entries: without `.md`, `.html`, site-absolute pretty
    /// URLs, bundles; one that names a record that is not there is listed as broken, never dropped.
    @Test func linksAsFound() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/adr/ADR005-use-rds.md", "# Use RDS\n\n## Status\n\nAccepted\n\nDate: 2020-01-01\n")
        try repo.write("docs/adr/ADR006-rds-broker.md", """
            # RDS broker

            ## Status

            Accepted

            Date: 2020-02-02

            After [RDS](../adr/ADR005-use-rds), see [the page](/architecture_decision_records/ADR005-use-rds/),
            [html](ADR005-use-rds.html), [by id](ADR005) and [a guide](../guide/setup); [gone](ADR009-missing).

            """)
        try repo.commitAll("adr")
        let (records, _) = try adopt(repo)
        #expect(records.map(\.id) == ["ADR005", "ADR006"])
        let links = try lore(["links", "ADR006"], in: repo.path)
        let lines = links.stdout.split(separator: "\n").filter { $0.hasPrefix("  file") }
        #expect(lines.count == 5)
        #expect(lines.filter { $0.contains("ADR005 (docs/adr/ADR005-use-rds.md)") }.count == 4)
        #expect(lines.contains { $0.contains("ADR009-missing (unresolved)") })
        let checked = try lore(["check"], in: repo.path)
        #expect(checked.stdout.contains("link to ADR009-missing points at docs/adr/ADR009-missing, which is not in the snapshot [broken-link]"))
    }

    /// `lore import` writes the derived values as YAML front-matter: the same records before and
    /// after, every body byte kept; files with uncommitted changes are refused; `--dry-run` diffs.
    @Test func importWritesFrontMatterAndKeepsBodies() throws {
        let repo = try TemporaryRepository()
        let first = "# 1. Use Kafka\r\n\r\nDate: 2016-05-04\r\n\r\n## Status\r\n\r\nSuperseded by [2. Use Pulsar](0002-use-pulsar.md)\r\n"
        let second = "\u{FEFF}# 2. Use Pulsar\n\n## Status\n\nAccepted\n\nSupersedes [1. Use Kafka](0001-use-kafka.md)\n"
        let third = "---\nstatus: Accepted\ntags: [x]\n---\n# 3. Keep MADR front-matter\n\nDate: 2018-01-01\n"
        try repo.write("docs/adr/0001-use-kafka.md", first)
        try repo.write("docs/adr/0002-use-pulsar.md", second)
        try repo.write("docs/adr/0003-keep-madr-front-matter.md", third)
        try commit(repo, "records", on: "2017-03-03")
        let (before, _) = try adopt(repo)
        try repo.commitAll("lore configuration")
        let dry = try lore(["import", "decision", "--dry-run"], in: repo.path)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("+++ b/docs/adr/0002-use-pulsar.md\n@@ -0,0 +1,7 @@\n+---\n+id: \"0002\"\n+title: Use Pulsar\n+date: 2017-03-03\n+status: accepted\n+supersedes: [\"0001\"]\n+---\n"), "\(dry.stdout)")
        #expect(try repo.git(["status", "--porcelain"]).isEmpty)
        // A file with uncommitted changes is refused, and nothing is written.
        try repo.write("docs/adr/0003-keep-madr-front-matter.md", third + "\nMore.\n")
        let refused = try lore(["import", "decision"], in: repo.path)
        #expect(refused.status == 1 && refused.stderr.contains("uncommitted changes in docs/adr/0003-keep-madr-front-matter.md"))
        #expect(try repo.git(["status", "--porcelain"]) == " M docs/adr/0003-keep-madr-front-matter.md\n")
        try repo.git(["checkout", "--", "."])
        let imported = try lore(["import", "decision", "docs/adr"], in: repo.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let after = try lore(["list", "--format", "json"], in: repo.path)
        let records = (try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]] ?? []).map {
            Record($0["id"] as? String, $0["title"] as? String, $0["date"] as? String, $0["status"] as? String,
                   supersedes: ($0["fields"] as? [String: Any])?["supersedes"] as? [String] ?? [],
                   supersededBy: ($0["fields"] as? [String: Any])?["superseded_by"] as? [String] ?? [])
        }
        #expect(records == before)
        let firstNow = try String(contentsOfFile: repo.path + "/docs/adr/0001-use-kafka.md", encoding: .utf8)
        #expect(firstNow.hasPrefix("---\r\nid: \"0001\"\r\n") && firstNow.hasSuffix("---\r\n" + first))
        let secondNow = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/docs/adr/0002-use-pulsar.md"))
        #expect(Array(secondNow.prefix(3)) == [0xEF, 0xBB, 0xBF] && Array(secondNow).suffix(second.utf8.count - 3).elementsEqual(Array(second.utf8).dropFirst(3)))
        let thirdNow = try String(contentsOfFile: repo.path + "/docs/adr/0003-keep-madr-front-matter.md", encoding: .utf8)
        #expect(thirdNow == "---\nstatus: Accepted\ntags: [x]\nid: \"0003\"\ntitle: Keep MADR front-matter\ndate: 2018-01-01\n---\n# 3. Keep MADR front-matter\n\nDate: 2018-01-01\n")
    }

    /// `lore new` continues the team's scheme (after ADR051 comes ADR052, named as the team names
    /// files); `lore renumber` refuses an id that a file name holds.
    @Test func newFollowsTheTeamsScheme() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/adr/ADR050-use-rds.md", "# Use RDS\n\n## Status\n\nAccepted\n")
        try repo.write("docs/adr/ADR051-rds-broker.md", "# RDS broker\n\n## Status\n\nAccepted\n")
        try repo.commitAll("adr")
        _ = try adopt(repo)
        let created = try lore(["new", "decision", "Use Aurora"], in: repo.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "created docs/adr/ADR052-use-aurora.md (ADR052)\n")
        let listed = try lore(["list", "--format", "paths"], in: repo.path)
        #expect(listed.stdout.contains("docs/adr/ADR052-use-aurora.md"))
        let check = try lore(["check"], in: repo.path)
        #expect(!check.stdout.contains("id-format"))
        let renumber = try lore(["renumber", "ADR050", "ADR060"], in: repo.path)
        #expect(renumber.status == 1 && renumber.stderr.contains("comes from its file name"))
    }

    /// `--dry-run` prints the configuration and writes nothing; a repository without records gets
    /// today's configuration.
    @Test func dryRunWritesNothing() throws {
        let repo = try TemporaryRepository()
        try repo.write("docs/adr/0001-x.md", "# 1. X\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n")
        try repo.commitAll("adr")
        let dry = try lore(["init", "--dry-run"], in: repo.path)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("dir: docs/adr") && dry.stdout.contains("from: [{section: Status}"))
        #expect(dry.stderr.contains("docs/adr/: 1 decision entry"))
        #expect(try repo.git(["status", "--porcelain"]).isEmpty)
        let empty = try TemporaryRepository()
        try empty.write("src/main.c", "int main() {}\n")
        try empty.commitAll("code")
        let plain = try lore(["init"], in: empty.path)
        #expect(plain.status == 0 && plain.stdout.hasPrefix("created .lore/config.yml with kinds postmortem"))
        // A repository of Lore's own format is initialised as before.
        let native = try TemporaryRepository()
        try native.write("decisions/0001-replicas.md", entryText(id: "DR-0001", title: "Run two replicas", status: "accepted"))
        try native.write("decisions/0002-backups.md", entryText(id: "DR-0002", title: "Back up nightly", status: "accepted"))
        try native.commitAll("memory")
        let nativeInit = try lore(["init"], in: native.path)
        #expect(nativeInit.status == 0 && nativeInit.stdout.hasPrefix("created .lore/config.yml with kinds postmortem"), "\(nativeInit.stdout)")
    }
}
