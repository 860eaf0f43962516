"""Qualified ids (`payments:PM-0001`) in `lore lsp`, driven by pytest-lsp on a real organization:
a git source and an index.json source served over HTTP on 127.0.0.1 (org_fixture.py), synced with
`lore sources sync`. Hover, go-to-definition, completion and diagnostics, exact; a damaged or
missing synced state gives no answer, never an error."""
import asyncio
import json
import os
import shutil
import stat

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import LORE, TODAY, Repo
from fixture_repo import git, make_repo
from org_fixture import Organization, sync
from test_lsp import change_doc, open_doc, published, lore_check, as_check

LESSON = "lessons/budgets.md"
BUDGETS = """---
id: LL-0009
title: Timeouts need budgets
date: 2025-03-01
status: active
related: [payments:PM-0001]
---

# Timeouts need budgets

## Context

From [[payments:PM-0001|the card outage]] and [[platform:DR-0001]].

## Lesson

Budget.

## Evidence

One.

## How to apply

Budgets.
"""
HOURS = 3 * 3600 + 5


@pytest.fixture
def org_repo(tmp_path):
    organization = Organization(tmp_path / "sources", LORE)
    root = tmp_path / "memory"
    root.mkdir()
    make_repo(root)
    repo = Repo(str(root), None)
    repo.write(".lore/config.yml", "version: 1\n" + organization.config)
    repo.write(LESSON, BUDGETS)
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "Name the sources")
    repo.sync_output = sync(LORE, repo.root)
    repo.organization = organization
    folder = os.path.join(repo.root, ".git", "lore", "sources")
    with open(os.path.join(folder, "payments.synced"), "rb") as f:
        synced_at = json.loads(f.readline())["synced_at"]
    with open(os.path.join(folder, "checked.json")) as f:
        checked = json.load(f)
    # The clock the server judges ages against: three hours after payments was last found current.
    repo.now = max(synced_at, checked.get("payments", 0)) + HOURS
    yield repo
    organization.close()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[LORE, "lsp"]))
async def client(lsp_client: LanguageClient, request):
    repo = request.getfixturevalue("org_repo")
    marker = request.node.get_closest_marker("damage")
    if marker:
        DAMAGE[marker.args[0]](repo)
    lsp_client.repo = repo

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri="file://" + repo.root,
        initialization_options={"today": TODAY, "now": repo.now}))
    yield
    await lsp_client.shutdown_session()


def at(client, line, character, path=LESSON):
    return {"text_document": types.TextDocumentIdentifier(uri=client.repo.uri(path)),
            "position": types.Position(line=line, character=character)}


async def hover(client, line, character):
    found = await client.text_document_hover_async(types.HoverParams(**(at(client, line, character))))
    if found is None:
        return None
    r = found.range
    return found.contents.value, (r.start.line, r.start.character, r.end.line, r.end.character)


async def definition(client, line, character):
    return await client.text_document_definition_async(types.DefinitionParams(**(at(client, line, character))))


async def complete(client, text, line):
    """Completion at the end of `line` of the lesson after changing it to `text`."""
    change_doc(client, LESSON, text)
    params = types.CompletionParams(**(at(client, line, len(text.split("\n")[line]))))
    found = await client.text_document_completion_async(params)
    return [(item.label, item.detail, item.text_edit.new_text) for item in found.items]


PAYMENTS_HOVER = ("**payments:PM-0001** Card payments timed out\n\npostmortem · published · 2025-02-10  \n"
                  "from source **payments**, synced 3 hours ago  \n`payments:postmortems/2025/card-timeouts.md`\n\n"
                  "Card payments timed out for 20 minutes when the pool ran dry.")


def test_sync_output(org_repo):
    assert org_repo.sync_output.startswith(f"payments: updated: 2 entries at {org_repo.organization.payments_commit[:7]}\n"
                                           "platform: updated: 1 entry, index ")


@pytest.mark.asyncio
async def test_hover_shows_the_other_repositorys_entry(client):
    open_doc(client, LESSON)
    # In a relation field, the cursor on the id or on the source's name.
    assert await hover(client, 5, 21) == (PAYMENTS_HOVER, (5, 10, 5, 26))
    assert await hover(client, 5, 12) == (PAYMENTS_HOVER, (5, 10, 5, 26))
    # In a [[link|label]] and in a link to an index.json source.
    assert await hover(client, 12, 18) == (PAYMENTS_HOVER, (12, 7, 12, 23))
    assert await hover(client, 12, 60) == (
        "**platform:DR-0001** Use queues between services\n\ndecision · accepted · 2025-01-05  \n"
        "from source **platform**, synced 3 hours ago  \n`platform:decisions/0001-queues.md`\n\nQueues.", (12, 48, 12, 64))
    # A local id still answers as before; an id the source does not have gives nothing.
    assert (await hover(client, 1, 6))[0].startswith("**LL-0009** Timeouts need budgets")
    change_doc(client, LESSON, BUDGETS.replace("related: [payments:PM-0001]", "related: [payments:PM-0404]"))
    assert await hover(client, 5, 21) is None


@pytest.mark.asyncio
async def test_definition_opens_a_git_sources_file_and_nothing_for_an_index(client):
    open_doc(client, LESSON)
    commit = client.repo.organization.payments_commit
    found = await definition(client, 5, 21)
    expected = os.path.join(client.repo.root, ".git", "lore", "sources", "files", "payments", commit, "postmortems/2025/card-timeouts.md")
    assert (found.uri, found.range.start.line, found.range.start.character, found.range.end.line, found.range.end.character) \
        == ("file://" + expected, 1, 4, 1, 11)
    with open(expected, encoding="utf-8") as f, open(os.path.join(client.repo.organization.payments, "postmortems/2025/card-timeouts.md"),
                                                     encoding="utf-8") as g:
        assert f.read() == g.read()
    assert stat.S_IMODE(os.stat(expected).st_mode) == 0o444
    # Again (the file is there already), and from the [[link]].
    again = await definition(client, 12, 10)
    assert (again.uri, again.range.start.line) == ("file://" + expected, 1)
    # An index.json source has no file to open: no location, no error.
    assert await definition(client, 12, 60) is None


@pytest.mark.asyncio
async def test_completion_offers_a_sources_ids_and_the_sources(client):
    open_doc(client, LESSON)
    body = BUDGETS.split("\n")
    body[16] = "Budget, as [[payments:"
    assert await complete(client, "\n".join(body), 16) == [
        ("payments:LL-0007", "Budget every timeout — active", "payments:LL-0007"),
        ("payments:PM-0001", "Card payments timed out — published", "payments:PM-0001"),
    ]
    body[16] = "Budget, as [[payments:PM"
    assert await complete(client, "\n".join(body), 16) == [
        ("payments:PM-0001", "Card payments timed out — published", "payments:PM-0001")]
    body[16] = "Budget, as [[pla"
    assert await complete(client, "\n".join(body), 16) == [("platform:", "source: 1 entry, synced 3 hours ago", "platform:")]
    body[16] = "Budget, as [["
    labels = [item[0] for item in await complete(client, "\n".join(body), 16)]
    assert labels == ["DR-0001", "LL-0001", "LL-0002", "LL-0003", "PM-0001", "payments:", "platform:"]
    # In a relation field of the front-matter.
    lines = BUDGETS.split("\n")
    lines[5] = "related: [payments:PM-0001, platform:"
    assert await complete(client, "\n".join(lines), 5) == [
        ("platform:DR-0001", "Use queues between services — accepted", "platform:DR-0001")]


@pytest.mark.asyncio
async def test_unknown_qualified_ids_are_diagnosed_with_their_ranges(client):
    open_doc(client, LESSON)
    assert [d for d in await published(client, LESSON) if d[5] == "broken-link"] == []
    broken = BUDGETS.replace("related: [payments:PM-0001]", "related: [payments:PM-0001, payments:PM-0404]") \
                    .replace("[[platform:DR-0001]]", "[[platform:DR-0404]]")
    change_doc(client, LESSON, broken)
    found = await published(client, LESSON)
    assert [d for d in found if d[5] == "broken-link"] == [
        (5, 28, 5, 44, "error", "broken-link", "'related' names PM-0404, which the synced source 'payments' does not have"),
        (12, 46, 12, 66, "error", "broken-link", "[[platform:DR-0404]] names DR-0404, which the synced source 'platform' does not have"),
    ]
    # The same findings as `lore check` on the same text.
    client.repo.write(LESSON, broken)
    assert as_check(found) == lore_check(client.repo, LESSON)


def damage_states(repo):
    folder = os.path.join(repo.root, ".git", "lore", "sources")
    with open(os.path.join(folder, "payments.synced"), "w") as f:
        f.write("{not json\n")
    os.remove(os.path.join(folder, "platform.synced"))


@pytest.mark.asyncio
@pytest.mark.damage("states")
async def test_a_damaged_or_missing_synced_state_gives_no_answer(client):
    open_doc(client, LESSON)
    assert await hover(client, 5, 21) is None
    assert await hover(client, 12, 60) is None
    assert await definition(client, 5, 21) is None
    body = BUDGETS.split("\n")
    body[16] = "Budget, as [[payments:"
    assert await complete(client, "\n".join(body), 16) == []
    body[16] = "Budget, as [[pay"
    assert await complete(client, "\n".join(body), 16) == [("payments:", "source: never synced (lore sources sync)", "payments:")]
    # No finding either: a source never synced is a note of `lore check`, not an error.
    change_doc(client, LESSON, BUDGETS.replace("payments:PM-0001]", "payments:PM-0404]"))
    assert [d for d in await published(client, LESSON) if d[5] == "broken-link"] == []
    # The server still answers about this repository.
    assert (await hover(client, 1, 6))[0].startswith("**LL-0009** Timeouts need budgets")
    # Synced again while the editor is open: the next answers read the new state.
    sync(LORE, client.repo.root)
    change_doc(client, LESSON, BUDGETS, version=3)
    for _ in range(100):
        await asyncio.sleep(0.05)
        found = await hover(client, 5, 21)
        if found is not None:
            break
    assert found is not None and found[0].startswith("**payments:PM-0001** Card payments timed out")


def damage_mirror(repo):
    shutil.rmtree(os.path.join(repo.root, ".git", "lore", "sources", "git", "payments"))


DAMAGE = {"states": damage_states, "mirror": damage_mirror}


@pytest.mark.asyncio
@pytest.mark.damage("mirror")
async def test_a_missing_mirror_gives_no_location(client):
    open_doc(client, LESSON)
    assert await definition(client, 5, 21) is None
    assert (await hover(client, 5, 21))[0] == PAYMENTS_HOVER
