"""`lore lsp` driven end to end by pytest-lsp (pygls' client) on a real repository: every feature,
with exact expected results, and diagnostics compared with `lore check` on the same text."""
import asyncio
import os
import re
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import LORE, TODAY

LL1 = "lessons/replica-reads.md"
LL2 = "lessons/pin-pool-sizes.md"
LL3 = "lessons/size-pools-from-load.md"
PM1 = "postmortems/2025/2025-03-14-replica-lag.md"
POOL = "src/db/pool.go"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[LORE, "lsp"]))
async def client(lsp_client: LanguageClient, request):
    repo = request.getfixturevalue("repo")
    lsp_client.repo = repo
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri="file://" + repo.root,
        initialization_options={"today": TODAY}))
    yield
    await lsp_client.shutdown_session()


# Helpers ---------------------------------------------------------------------------------------

def open_doc(client, path, text=None, language="markdown"):
    repo = client.repo
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=repo.uri(path), language_id=language, version=1, text=repo.read(path) if text is None else text)))


def change_doc(client, path, text, version=2):
    client.diagnostics.pop(client.repo.uri(path), None)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=client.repo.uri(path), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def published(client, path, timeout=10.0):
    """The diagnostics next published for `path` (waits for them)."""
    uri = client.repo.uri(path)
    for _ in range(int(timeout / 0.02)):
        if uri in client.diagnostics:
            return [(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                     d.severity.name.lower(), d.code, d.message) for d in client.diagnostics[uri]]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {path}")


def lore_check(repo, path):
    """`lore check` findings of one file as (line, column, severity, message, rule)."""
    out = subprocess.run([LORE, "check", "--today", TODAY], cwd=repo.root, capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        match = re.match(r"^(.+?):(\d+):(\d+): (error|warning): (.*) \[([a-z0-9-]+)\]$", line)
        if match and match.group(1) == path:
            found.append((int(match.group(2)), int(match.group(3)), match.group(4), match.group(5), match.group(6)))
    return found


def as_check(diagnostics):
    return [(d[0] + 1, d[1] + 1, d[4], d[6], d[5]) for d in diagnostics]


def pos(line, character):
    return types.Position(line=line, character=character)


def doc(client, path):
    return types.TextDocumentIdentifier(uri=client.repo.uri(path))


def rng(r):
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def complete(client, path, line, character):
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(client, path), position=pos(line, character)))
    items = result.items if isinstance(result, types.CompletionList) else result
    return [(item.label, item.detail, item.text_edit.new_text, rng(item.text_edit.range)) for item in items]


# Diagnostics -----------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_diagnostics_on_unsaved_buffer_match_lore_check(client: LanguageClient):
    repo = client.repo
    open_doc(client, LL1)
    assert await published(client, LL1) == []
    text = repo.read(LL1)
    broken = (text.replace("related: [PM-0001, LL-0002]", "related: [PM-0001, LL-0404]")
                  .replace("status: active", "status: done")
                  .replace("## Evidence\n\nTwo incidents.\n\n", ""))
    change_doc(client, LL1, broken)
    diagnostics = await published(client, LL1)
    assert diagnostics == [
        (4, 8, 4, 12, "error", "invalid-value", "'status' must be one of draft, active, superseded, archived, not 'done'"),
        (5, 19, 5, 26, "error", "broken-link", "'related' names LL-0404, which no entry has"),
        (6, 0, 6, 3, "error", "missing-section", "missing section '## Evidence'"),
    ]
    # The same findings as `lore check` on the same text saved.
    repo.write(LL1, broken)
    assert as_check(diagnostics) == lore_check(repo, LL1)


@pytest.mark.asyncio
async def test_edit_that_breaks_links_elsewhere_publishes_on_those_files(client: LanguageClient):
    repo = client.repo
    text = repo.read(PM1)
    open_doc(client, PM1)
    assert await published(client, PM1) == []
    client.diagnostics.pop(repo.uri(LL1), None)
    change_doc(client, PM1, text.replace("id: PM-0001", "id: PM-0009"))
    assert await published(client, LL1) == [
        (5, 10, 5, 17, "error", "broken-link", "'related' names PM-0001, which no entry has"),
        (12, 30, 12, 41, "error", "broken-link", "[[PM-0001]] names an id no entry has"),
    ]
    assert await published(client, PM1) == []
    client.diagnostics.pop(repo.uri(LL1), None)
    change_doc(client, PM1, text, version=3)
    assert await published(client, LL1) == []


# Completion ------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_completion_ids_after_wiki_brackets(client: LanguageClient):
    repo = client.repo
    text = repo.read(LL1).replace("in [[PM-0001]].", "in [[PM-0001]] and [[LL-00")
    open_doc(client, LL1, text)
    line = "Replica lag broke checkout in [[PM-0001]] and [[LL-00"
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(client, LL1), position=pos(12, len(line))))
    # The documentation (the hover text) comes when the client resolves the item it shows.
    resolved = await client.completion_item_resolve_async(result.items[0])
    assert resolved.documentation.value.startswith("**LL-0002** Pin connection pool sizes\n\nlesson · superseded")
    assert await complete(client, LL1, 12, len(line)) == [
        ("LL-0002", "Pin connection pool sizes — superseded", "LL-0002", (12, len(line) - 5, 12, len(line))),
        ("LL-0003", "Size connection pools from measured load — active", "LL-0003", (12, len(line) - 5, 12, len(line))),
    ]


@pytest.mark.asyncio
async def test_completion_ids_in_relation_field_and_trailer(client: LanguageClient):
    repo = client.repo
    open_doc(client, LL1, repo.read(LL1).replace("related: [PM-0001, LL-0002]", "related: [PM-0001, DR"))
    assert await complete(client, LL1, 5, 21) == [
        ("DR-0001", "Two replicas per region — accepted", "DR-0001", (5, 19, 5, 21)),
    ]
    # A commit message being written: `Lore:` trailers.
    message = ".git/COMMIT_EDITMSG"
    open_doc(client, message, "Check the lag\n\nLore: PM", language="gitcommit")
    assert await complete(client, message, 2, 8) == [
        ("PM-0001", "Replica lag broke checkout — published", "PM-0001", (2, 6, 2, 8)),
    ]


@pytest.mark.asyncio
async def test_completion_field_names_values_and_sections(client: LanguageClient):
    repo = client.repo
    text = repo.read(LL1)
    # Field names the kind declares and the entry lacks.
    open_doc(client, LL1, text.replace("status: active\n", "status: active\nta\n"))
    names = await complete(client, LL1, 5, 2)
    assert [(label, detail) for label, detail, _, _ in names] == [
        ("kind", "string"), ("authors", "list"), ("tags", "list"), ("supersedes", "ids"),
        ("superseded_by", "ids"), ("affects", "globs"), ("commits", "commits"), ("review_by", "date"), ("reviewed", "date"),
    ]
    assert names[2][2:] == ("tags: ", (5, 0, 5, 2))
    # Allowed values: statuses.
    change_doc(client, LL1, text.replace("status: active", "status: "))
    assert [item[0] for item in await complete(client, LL1, 4, 8)] == ["draft", "active", "superseded", "archived"]
    # Allowed values: severities, and an enum field of an action item.
    pm = repo.read(PM1)
    open_doc(client, PM1, pm.replace("severity: SEV2", "severity: S").replace("    status: open", "    status: "))
    assert await complete(client, PM1, 5, 11) == [
        (f"SEV{n}", "allowed value of severity", f"SEV{n}", (5, 10, 5, 11)) for n in range(1, 5)
    ]
    assert [item[0] for item in await complete(client, PM1, 11, 12)] == ["open", "done", "wont-do"]
    # Sections the template requires and the entry lacks.
    without = text.replace("## Evidence\n\nTwo incidents.\n\n", "") + "\n## \n"
    change_doc(client, LL1, without, version=3)
    last = without.count("\n") - 1
    assert await complete(client, LL1, last, 3) == [
        ("Evidence", "section the lesson template requires", "## Evidence", (last, 0, last, 3)),
    ]


# Hover, definition, references -----------------------------------------------------------------

@pytest.mark.asyncio
async def test_hover_on_id_in_code_and_superseded_warning(client: LanguageClient):
    # A code comment, in a file not even open.
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc(client, POOL), position=pos(2, 35)))
    assert rng(hover.range) == (2, 33, 2, 40)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == (
        "**PM-0001** Replica lag broke checkout\n\npostmortem · published · 2025-03-14  \n"
        "`postmortems/2025/2025-03-14-replica-lag.md`\n\nCheckout read stale carts from a lagging replica for 40 minutes.")
    open_doc(client, LL1)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc(client, LL1), position=pos(5, 22)))
    assert hover.contents.value == (
        "**LL-0002** Pin connection pool sizes\n\nlesson · superseded · 2024-01-10  \n`lessons/pin-pool-sizes.md`\n\n"
        "Pools grew without bound.\n\n⚠️ superseded by **LL-0003** Size connection pools from measured load")
    # Not an id: no hover.
    assert await client.text_document_hover_async(types.HoverParams(text_document=doc(client, LL1), position=pos(16, 2))) is None


@pytest.mark.asyncio
async def test_definition_and_references(client: LanguageClient):
    repo = client.repo
    open_doc(client, LL1)
    definition = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(client, LL1), position=pos(12, 34)))
    definition = definition[0] if isinstance(definition, list) else definition
    assert (definition.uri, rng(definition.range)) == (repo.uri(PM1), (1, 4, 1, 11))
    references = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(client, POOL), position=pos(2, 35), context=types.ReferenceContext(include_declaration=True)))
    assert [(r.uri, rng(r.range)) for r in references] == [
        (repo.uri(PM1), (1, 4, 1, 11)),
        (repo.uri(LL1), (5, 10, 5, 17)),
        (repo.uri(LL1), (12, 30, 12, 41)),
        ("lore-commit:" + repo.trailer_commit, (2, 6, 2, 13)),
    ]


# Symbols ---------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_document_and_workspace_symbols(client: LanguageClient):
    repo = client.repo
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(client, PM1)))
    assert [(s.name, s.detail, s.kind, s.range.start.line) for s in symbols] == [
        ("Add a lag alert", "action item · ana · due 2099-01-01 · open", types.SymbolKind.Event, 8),
        ("Replica lag broke checkout", "#", types.SymbolKind.String, 14),
    ] + [(title, "##", types.SymbolKind.String, line) for title, line in [
        ("Summary", 16), ("Impact", 20), ("Timeline", 24), ("Contributing factors", 28), ("Trigger", 32),
        ("Detection", 36), ("Resolution", 40), ("What went well", 44), ("What went wrong", 48),
        ("Action items", 52), ("Lessons learned", 56)]]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="pool"))
    assert [(s.name, s.container_name, s.location.uri, rng(s.location.range)) for s in found] == [
        ("LL-0002 Pin connection pool sizes", "lesson", repo.uri(LL2), (1, 4, 1, 11)),
        ("LL-0003 Size connection pools from measured load", "lesson", repo.uri(LL3), (1, 4, 1, 11)),
    ]
    everything = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert [s.name.split()[0] for s in everything] == ["DR-0001", "LL-0002", "LL-0001", "LL-0003", "PM-0001"]


# Rename ----------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_rename_matches_lore_renumber(client: LanguageClient):
    repo = client.repo
    open_doc(client, LL1)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc(client, LL1), position=pos(5, 22)))
    assert (rng(prepared.range), prepared.placeholder) == ((5, 19, 5, 26), "LL-0002")
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(client, LL1), position=pos(5, 22), new_name="LL-0010"))
    changes = {uri: [(rng(e.range), e.new_text) for e in edits] for uri, edits in edit.changes.items()}
    assert changes == {
        repo.uri(LL2): [((1, 4, 1, 11), "LL-0010")],
        repo.uri(LL1): [((5, 19, 5, 26), "LL-0010")],
        repo.uri(LL3): [((5, 13, 5, 20), "LL-0010")],
    }
    # Applied, the edits give exactly the files `lore renumber` writes.
    expected = {}
    for uri, edits in edit.changes.items():
        path = uri[len("file://" + repo.root + "/"):]
        lines = repo.read(path).split("\n")
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            line = lines[e.range.start.line]
            lines[e.range.start.line] = line[:e.range.start.character] + e.new_text + line[e.range.end.character:]
        expected[path] = "\n".join(lines)
    subprocess.run([LORE, "renumber", "LL-0002", "LL-0010"], cwd=repo.root, check=True, capture_output=True)
    assert {path: repo.read(path) for path in expected} == expected
    # Renaming to an id that is taken is refused with lore renumber's reason.
    with pytest.raises(Exception, match="already held by"):
        await client.text_document_rename_async(types.RenameParams(
            text_document=doc(client, LL1), position=pos(5, 11), new_name="PM-0001".replace("PM-0001", "PM-0001")))


# Code actions ----------------------------------------------------------------------------------

async def actions(client, path, line, diagnostics=()):
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(client, path), range=types.Range(start=pos(line, 0), end=pos(line, 0)),
        context=types.CodeActionContext(diagnostics=list(diagnostics))))
    out = []
    for action in result:
        ((uri, edits),) = action.edit.changes.items()
        out.append((action.title, [(rng(e.range), e.new_text) for e in edits]))
    return out


@pytest.mark.asyncio
async def test_code_actions(client: LanguageClient):
    repo = client.repo
    text = repo.read(LL1)
    # A link to a superseded entry.
    open_doc(client, LL1)
    assert await actions(client, LL1, 5) == [("Replace superseded LL-0002 by LL-0003", [((5, 19, 5, 26), "LL-0003")])]
    # A missing section, added from the template.
    without = text.replace("## Evidence\n\nTwo incidents.\n\n", "")
    change_doc(client, LL1, without)
    last = without.count("\n")
    assert await actions(client, LL1, 6) == [("Add section '## Evidence'", [(
        (last, 0, last, 0), "\n## Evidence\n\nWhat shows the lesson is true: incidents, measurements, experiments.\n")])]
    # A missing required field.
    change_doc(client, LL1, text.replace("date: 2025-03-20\n", ""), version=3)
    assert await actions(client, LL1, 0) == [("Fill required field 'date: 2025-06-01'", [((5, 0, 5, 0), "date: 2025-06-01\n")])]
    # An enum field: one action per allowed value.
    pm = repo.read(PM1)
    open_doc(client, PM1, pm.replace("severity: SEV2\n", ""))
    assert [title for title, _ in await actions(client, PM1, 0)] == [
        f"Fill required field 'severity: SEV{n}'" for n in range(1, 5)]


# Disk changes ----------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_follows_disk_changes(client: LanguageClient):
    repo = client.repo
    # The server asked to be told of changes to entry files and the configuration.
    for _ in range(250):
        if client.registrations:
            break
        await asyncio.sleep(0.02)
    assert [(r.id, r.method) for r in client.registrations] == [("lore-watched-files", "workspace/didChangeWatchedFiles")]
    assert [w["globPattern"] for w in client.registrations[0].register_options["watchers"]] == [
        "**/postmortems/**/*.md", "**/lessons/**/*.md", "**/decisions/**/*.md", "**/.lore/**", "**/.git/HEAD", "**/.git/index"]
    open_doc(client, LL1, repo.read(LL1).replace("in [[PM-0001]].", "in [[LL-000"))
    assert [item[0] for item in await complete(client, LL1, 12, 41)] == ["LL-0002", "LL-0003"]
    # `lore new` in a terminal: a new entry appears.
    repo.write("lessons/new-lesson.md", repo.read(LL3).replace("LL-0003", "LL-0004").replace("supersedes: [LL-0002]\n", ""))
    # A checkout removes LL-0003, which LL-0002 names as its successor.
    os.remove(repo.path(LL3))
    client.diagnostics.pop(repo.uri(LL2), None)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=repo.uri("lessons/new-lesson.md"), type=types.FileChangeType.Created),
        types.FileEvent(uri=repo.uri(LL3), type=types.FileChangeType.Deleted)]))
    assert [item[0] for item in await complete(client, LL1, 12, 41)] == ["LL-0002", "LL-0004"]
    assert await published(client, LL2) == [
        (5, 16, 5, 23, "error", "broken-link", "'superseded_by' names LL-0003, which no entry has")]


@pytest.mark.asyncio
async def test_own_check_of_the_disk_without_watched_files(client: LanguageClient):
    """A client that reports no file changes (Neovim 0.7): the server notices by itself."""
    repo = client.repo
    open_doc(client, LL1, repo.read(LL1).replace("in [[PM-0001]].", "in [[LL-000"))
    assert [item[0] for item in await complete(client, LL1, 12, 41)] == ["LL-0002", "LL-0003"]
    repo.write("lessons/new-lesson.md", repo.read(LL3).replace("LL-0003", "LL-0004").replace("supersedes: [LL-0002]\n", ""))
    await asyncio.sleep(1.1)   # the server looks at the disk at most once a second
    assert [item[0] for item in await complete(client, LL1, 12, 41)] == ["LL-0002", "LL-0003", "LL-0004"]
