"""End-to-end test of `lore mcp` with the official MCP Python SDK (`mcp` on PyPI) as the client.

Each test starts `lore mcp` as a subprocess on a real git repository built in a temporary folder
by Examples/build-demo-repo.sh (fixed authors and dates, GIT_CONFIG_GLOBAL=/dev/null), and talks
to it through `mcp.Client` over stdio; the robustness tests write raw JSON-RPC lines.

    LORE=.build/debug/lore .build/venv-mcp/bin/python -m pytest Tests/MCP/mcp_test.py

(`make mcp-test` does this.)
"""

import asyncio
import contextlib
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

ROOT = pathlib.Path(__file__).resolve().parents[2]
LORE = os.environ.get("LORE", str(ROOT / ".build" / "debug" / "lore"))
TODAY = "2024-05-01"
TOOLS = ["action_items", "check_draft", "get_entry", "list_entries", "recall", "search", "similar", "superseded"]


def git_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", LORE_MCP_POLL_SECONDS="0.3",
               GIT_AUTHOR_NAME="Test Agent", GIT_AUTHOR_EMAIL="agent@example.com")
    return env


@pytest.fixture(scope="module")
def pristine():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="lore-mcp-test-"))
    subprocess.run([str(ROOT / "Examples" / "build-demo-repo.sh"), str(folder / "repo")], check=True,
                   env=git_env(), stdout=subprocess.DEVNULL)
    yield folder / "repo"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def repo(pristine, tmp_path):
    """A fresh copy of the demo repository for each test (tests that write cannot disturb others)."""
    copy = tmp_path / "repo"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


def lore(repo, *args):
    return subprocess.run([LORE, *args], capture_output=True, text=True, env=git_env(), cwd=repo)


@contextlib.asynccontextmanager
async def connect(repo, *extra, message_handler=None):
    params = StdioServerParameters(command=LORE, args=["mcp", *extra], cwd=str(repo), env=git_env())
    async with Client(params, cache=None, message_handler=message_handler, read_timeout_seconds=60) as client:
        yield client


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=120))


def text_of(result):
    return "".join(item.text for item in result.content if getattr(item, "type", "") == "text")


async def call(client, name, arguments=None):
    result = await client.call_tool(name, arguments or {})
    assert not result.is_error, text_of(result)
    return result.structured_content, text_of(result)


async def call_error(client, name, arguments):
    result = await client.call_tool(name, arguments)
    assert result.is_error, f"{name} {arguments} should fail, gave {text_of(result)[:300]}"
    return text_of(result)


# --- initialize, version negotiation, listings -------------------------------------------------


def test_initialize_and_version_negotiation(repo):
    async def body():
        async with connect(repo) as client:
            assert client.protocol_version == "2025-11-25"
            assert client.server_info.name == "lore"
            capabilities = client.server_capabilities
            assert capabilities.tools is not None and capabilities.prompts is not None
            assert capabilities.resources.subscribe and capabilities.resources.list_changed
            assert "recall" in (client.instructions or "")
    run(body())
    # Raw negotiation: an older revision the server speaks is accepted as is; an unknown one gets
    # the server's latest.
    for asked, answered in [("2024-11-05", "2024-11-05"), ("2025-06-18", "2025-06-18"), ("2099-01-01", "2025-11-25")]:
        replies = raw_session(repo, [initialize(asked)])
        assert replies[1]["result"]["protocolVersion"] == answered, replies


def test_list_tools_read_only(repo):
    async def body():
        async with connect(repo) as client:
            tools = (await client.list_tools()).tools
            assert sorted(tool.name for tool in tools) == TOOLS
            for tool in tools:
                assert tool.input_schema["type"] == "object" and tool.description
                assert tool.annotations.read_only_hint is True
    run(body())


# --- every tool ----------------------------------------------------------------------------------


def test_recall_equals_lore_recall_json(repo):
    async def body():
        async with connect(repo) as client:
            for arguments, cli in [({"paths": ["src/payments/pool.go"]}, ["src/payments/pool.go"]),
                                   ({"paths": ["src/certs/renew.yaml", "./src//edge/../edge/dns.go"]},
                                    ["src/certs/renew.yaml", "src/edge/dns.go"]),
                                   ({"rev": "HEAD~6..HEAD"}, ["--rev", "HEAD~6..HEAD"]),
                                   ({"paths": ["README.md"]}, ["README.md"])]:
                structured, text = await call(client, "recall", arguments)
                expected = json.loads(lore(repo, "recall", "--format", "json", *cli).stdout)
                assert {k: structured[k] for k in expected} == expected, arguments
                assert structured["total"] == len(expected["entries"]) and structured["next_cursor"] is None
            structured, text = await call(client, "recall", {"paths": ["src/payments/pool.go"]})
            assert structured["entries"][0]["id"] == "PM-0001" and "PM-0001" in text
            # Pages of one entry put together give the whole result.
            pages, cursor = [], None
            while True:
                page, _ = await call(client, "recall", {"paths": ["src/payments/pool.go"], "limit": 1, **({"cursor": cursor} if cursor else {})})
                pages += page["entries"]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            assert pages == structured["entries"] and len(pages) > 1
            assert "say what changed" in await call_error(client, "recall", {})
            assert "only one" in await call_error(client, "recall", {"paths": ["a"], "staged": True})
    run(body())


def test_search_and_pagination(repo):
    async def body():
        async with connect(repo) as client:
            structured, text = await call(client, "search", {"query": "connection pool"})
            ids = [hit["id"] for hit in structured["hits"]]
            cli = json.loads(lore(repo, "search", "--format", "json", "connection", "pool").stdout)
            assert ids == [hit["id"] for hit in cli] and "PM-0001" in ids
            first, _ = await call(client, "search", {"query": "connection pool", "limit": 1})
            assert first["hits"][0]["id"] == ids[0] and first["next_cursor"]
            second, _ = await call(client, "search", {"query": "connection pool", "limit": 1, "cursor": first["next_cursor"]})
            assert second["hits"][0]["id"] == ids[1]
            lessons, _ = await call(client, "search", {"query": "connection pool", "kind": "lesson"})
            assert lessons["hits"] and all(hit["kind"] == "lesson" for hit in lessons["hits"])
            assert "unknown kind" in await call_error(client, "search", {"query": "pool", "kind": "recipe"})
            assert "cursor" in await call_error(client, "search", {"query": "pool", "cursor": "not-a-cursor"})
    run(body())


def test_get_entry_and_unknown_id(repo):
    async def body():
        async with connect(repo) as client:
            entry, text = await call(client, "get_entry", {"id": "PM-0001"})
            assert entry["id"] == "PM-0001" and entry["kind"] == "postmortem"
            assert entry["fields"]["severity"] == "SEV2"
            assert any(section["text"] for section in entry["sections"])
            assert entry["links"]["out"] and entry["links"]["in"]
            assert entry["history"]["created"] is not None
            assert entry["uri"] == "lore://entry/PM-0001"
            by_path, _ = await call(client, "get_entry", {"id": entry["path"]})
            assert by_path["id"] == "PM-0001"
            message = await call_error(client, "get_entry", {"id": "PM-9999"})
            assert "no entry with id or path 'PM-9999'" in message
    run(body())


def test_list_entries_filters_sort_and_pages(repo):
    async def body():
        async with connect(repo) as client:
            everything = json.loads(lore(repo, "list", "--format", "json").stdout)
            seen, cursor = [], None
            while True:
                page, _ = await call(client, "list_entries", {"limit": 2, **({"cursor": cursor} if cursor else {})})
                assert len(page["entries"]) <= 2 and page["total"] == len(everything)
                seen += [entry["id"] for entry in page["entries"]]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            assert seen == [entry["id"] for entry in everything]
            sev2, _ = await call(client, "list_entries", {"where": ["severity=SEV2"]})
            cli = json.loads(lore(repo, "list", "--format", "json", "--where", "severity=SEV2").stdout)
            assert [e["id"] for e in sev2["entries"]] == [e["id"] for e in cli]
            newest, _ = await call(client, "list_entries", {"kind": "decision", "sort": "-date"})
            assert [e["id"] for e in newest["entries"]] == ["DR-0003", "DR-0002", "DR-0001"]
            message = await call_error(client, "list_entries", {"where": ["date>=soon"]})
            assert "column" in message or "severity" in message
            assert "must be a list of strings" in await call_error(client, "list_entries", {"where": [1]})
    run(body())


def test_action_items(repo):
    async def body():
        async with connect(repo) as client:
            report, text = await call(client, "action_items", {"today": TODAY})
            cli = json.loads(lore(repo, "actions", "--open", "--today", TODAY, "--format", "json").stdout)
            items = [item["title"] for group in report["groups"] for item in group["items"]]
            assert items == [item["title"] for group in cli["groups"] for item in group["items"]]
            assert report["counts"] == cli["counts"]
            overdue, _ = await call(client, "action_items", {"today": TODAY, "state": "overdue"})
            assert all(item["state"] == "overdue" for g in overdue["groups"] for item in g["items"])
            by_owner, _ = await call(client, "action_items", {"today": TODAY, "by": "owner", "limit": 1})
            assert sum(len(g["items"]) for g in by_owner["groups"]) == 1 and by_owner["next_cursor"]
            assert "must be one of" in await call_error(client, "action_items", {"state": "closed"})
            assert "YYYY-MM-DD" in await call_error(client, "action_items", {"today": "tomorrow"})
    run(body())


def test_similar(repo):
    async def body():
        async with connect(repo) as client:
            structured, text = await call(client, "similar", {
                "text": "Checkout timed out: the payments service ran out of database connections; the connection pool was exhausted under load."})
            assert structured["terms"] and "connection" in " ".join(structured["terms"])
            assert structured["hits"][0]["id"] in ("PM-0001", "LL-0001", "DR-0001")
            assert "no significant words" in await call_error(client, "similar", {"text": "a to of the"})
    run(body())


DRAFT = """---
id: PM-0001
title: "Draft: the queue backed up"
date: 2024-12-01
status: draft
severity: SEV9
---

## Summary

Something happened.
"""


def test_check_draft_matches_lore_check(repo):
    async def body():
        async with connect(repo) as client:
            report, text = await call(client, "check_draft", {"text": DRAFT, "path": "postmortems/2024/draft.md", "today": TODAY})
            rules = sorted(finding["rule"] for finding in report["findings"])
            assert "duplicate-id" in rules and report["errors"] > 0 and not report["ok"]
            # The same text as a file in the working tree: `lore check` reports the same findings.
            path = repo / "postmortems" / "2024" / "draft.md"
            path.write_text(DRAFT)
            cli = lore(repo, "check", "--today", TODAY, "--format", "json", "postmortems/2024/draft.md")
            path.unlink()
            document = json.loads(cli.stdout)
            findings = document["findings"] if isinstance(document, dict) and "findings" in document else document.get("diagnostics", document)
            cli_rules = sorted(f.get("rule") or f.get("code") for f in findings if f.get("path", "postmortems/2024/draft.md") == "postmortems/2024/draft.md")
            assert rules == cli_rules, (rules, cli_rules)
            good = (repo / "postmortems/2024/2024-03-12-payments-api-connection-pool-exhaustion.md").read_text()
            same, _ = await call(client, "check_draft", {"text": good, "path": "postmortems/2024/2024-03-12-payments-api-connection-pool-exhaustion.md",
                                                         "today": TODAY})
            assert same["errors"] == 0, same
            assert not (repo / "postmortems/2024/draft.md").exists()
            assert "inside a kind's folder" in await call_error(client, "check_draft", {"text": DRAFT, "path": "../outside.md"})
            missing, _ = await call(client, "check_draft", {"text": "no front-matter at all\n", "kind": "lesson"})
            assert missing["errors"] >= 1
    run(body())


def test_superseded(repo):
    async def body():
        async with connect(repo) as client:
            old, text = await call(client, "superseded", {"id": "DR-0002"})
            assert old["superseded"] and old["current"]["id"] == "DR-0003" and [e["id"] for e in old["chain"]] == ["DR-0003"]
            assert "follow DR-0003" in text
            current, _ = await call(client, "superseded", {"id": "DR-0003"})
            assert not current["superseded"] and current["current"]["id"] == "DR-0003"
            assert "no entry" in await call_error(client, "superseded", {"id": "DR-0042"})
    run(body())


# --- resources and prompts -------------------------------------------------------------------------


def test_resources(repo):
    async def body():
        async with connect(repo) as client:
            listing = await client.list_resources()
            uris = [str(resource.uri) for resource in listing.resources]
            assert uris[0] == "lore://index" and "lore://entry/PM-0001" in uris and len(uris) == 10
            templates = await client.list_resource_templates()
            assert "lore://entry/{id}" in [t.uri_template for t in templates.resource_templates]
            entry = await client.read_resource("lore://entry/PM-0001")
            path = repo / "postmortems/2024/2024-03-12-payments-api-connection-pool-exhaustion.md"
            assert entry.contents[0].text == path.read_text() and entry.contents[0].mime_type == "text/markdown"
            index = json.loads((await client.read_resource("lore://index")).contents[0].text)
            assert index["format"] == "lore-index" and index["total"] == 9 and len(index["entries"]) == 9 and index["next"] is None
            for uri in ["lore://entry/PM-9999", "lore://nothing", "https://example.com/", "lore://index?page=0"]:
                with pytest.raises(MCPError) as failure:
                    await client.read_resource(uri)
                assert "not found" in failure.value.message.lower(), uri
    run(body())


def test_prompts(repo):
    async def body():
        async with connect(repo) as client:
            prompts = (await client.list_prompts()).prompts
            assert sorted(p.name for p in prompts) == ["review-change", "write-postmortem"]
            written = await client.get_prompt("write-postmortem", {"title": "Payments database ran out of connections again",
                                                                  "facts": "pool exhausted at 09:00; checkout failed for 20 minutes"})
            text = written.messages[0].content.text
            assert "## " in text and "check_draft" in text and "PM-0001" in text
            review = await client.get_prompt("review-change", {"paths": "src/payments/pool.go"})
            text = review.messages[0].content.text
            assert "PM-0001" in text and "DR-0001" in text
            with pytest.raises(MCPError):
                await client.get_prompt("write-postmortem", {})
            with pytest.raises(MCPError):
                await client.get_prompt("review-change", {})
            with pytest.raises(MCPError):
                await client.get_prompt("no-such-prompt", {})
    run(body())


# --- errors, write access, notifications -------------------------------------------------------------


def test_errors_unknown_tool_and_bad_arguments(repo):
    async def body():
        async with connect(repo) as client:
            with pytest.raises(MCPError) as failure:
                await client.call_tool("no_such_tool", {})
            assert failure.value.code == -32602 and "Unknown tool: no_such_tool" in failure.value.message
            with pytest.raises(MCPError) as failure:
                await client.call_tool("create_entry", {"kind": "lesson", "title": "x"})
            assert "--allow-write" in failure.value.message
            assert "whole number" in await call_error(client, "search", {"query": "pool", "limit": "many"})
            assert "between 1 and 100" in await call_error(client, "search", {"query": "pool", "limit": 100000})
            assert "unknown argument 'colour'" in await call_error(client, "search", {"query": "pool", "colour": "red"})
            assert "'query' is required" in await call_error(client, "search", {})
            assert "limit is" in await call_error(client, "similar", {"text": "x" * (1024 * 1024 + 1)})
            # The server still answers after all of that.
            structured, _ = await call(client, "get_entry", {"id": "LL-0001"})
            assert structured["id"] == "LL-0001"
    run(body())


def test_allow_write_creates_entries_never_overwriting(repo):
    async def body():
        async with connect(repo, "--allow-write") as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert sorted(tools) == sorted(TOOLS + ["create_entry"])
            assert tools["create_entry"].annotations.read_only_hint is False
            created, text = await call(client, "create_entry", {"kind": "lesson", "title": "Retry budgets beat retry counts",
                                                                "links": ["PM-0001"], "date": "2024-12-01"})
            assert created["id"] == "LL-0004" and created["path"].startswith("lessons/")
            path = repo / created["path"]
            assert path.exists() and "Retry budgets beat retry counts" in path.read_text()
            again, _ = await call(client, "create_entry", {"kind": "lesson", "title": "Retry budgets beat retry counts", "date": "2024-12-01"})
            assert again["id"] == "LL-0005" and again["path"] != created["path"]
            assert "Retry budgets" in path.read_text() and "PM-0001" in path.read_text()
            assert "severity" in await call_error(client, "create_entry", {"kind": "postmortem", "title": "Queue backed up"})
            pm, _ = await call(client, "create_entry", {"kind": "postmortem", "title": "Queue backed up",
                                                       "values": {"severity": "SEV3", "services": ["queue", "billing"]}})
            assert (repo / pm["path"]).exists() and pm["path"].startswith("postmortems/")
            assert "recipe" in await call_error(client, "create_entry", {"kind": "recipe", "title": "x"})
            listed, _ = await call(client, "get_entry", {"id": "LL-0004"})
            assert listed["title"] == "Retry budgets beat retry counts"
    run(body())


def test_change_notifications(repo):
    seen = []

    async def handler(message):
        seen.append(getattr(message, "method", type(message).__name__))

    async def body():
        async with connect(repo, message_handler=handler) as client:
            await client.subscribe_resource("lore://entry/LL-0001")
            await asyncio.sleep(1.0)
            path = next((repo / "lessons").glob("size-pools*.md"))
            path.write_text(path.read_text() + "\nOne more line.\n")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and "notifications/resources/updated" not in seen:
                await asyncio.sleep(0.2)
            assert "notifications/resources/list_changed" in seen and "notifications/resources/updated" in seen, seen
            entry = await client.read_resource("lore://entry/LL-0001")
            assert entry.contents[0].text.endswith("One more line.\n")
    run(body())


# --- raw JSON-RPC: what no SDK client sends --------------------------------------------------------------


def initialize(version="2025-11-25", id=1):
    return json.dumps({"jsonrpc": "2.0", "id": id, "method": "initialize",
                       "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})


def raw_session(repo, lines, wait_for=None):
    """Writes each line to `lore mcp`, reads the replies until every id of `wait_for` (default: the
    initialize request, 1) has been answered, then closes standard input. Returns replies by id (None for id null)."""
    process = subprocess.Popen([LORE, "mcp"], cwd=repo, env=git_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    expected = set(wait_for if wait_for is not None else [1])
    for line in lines:
        process.stdin.write((line if isinstance(line, bytes) else line.encode()) + b"\n")
    process.stdin.flush()
    replies = {}
    deadline = time.monotonic() + 60
    while (expected - set(replies)) and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = process.stdout.readline()
        if not line:
            break
        message = json.loads(line)
        for item in message if isinstance(message, list) else [message]:
            replies.setdefault(item.get("id"), item)
    process.stdin.close()
    assert process.wait(timeout=30) == 0, process.stderr.read()
    assert not (expected - set(replies)), f"unanswered: {expected - set(replies)}"
    return replies


def test_raw_malformed_huge_and_deep_inputs(repo):
    call = lambda id, name, args: json.dumps({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": args}})
    replies = raw_session(repo, [
        initialize(),
        b'{"jsonrpc": "2.0", "method": "notifications/initialized"}',
        b"this is not json {",
        b"\xff\xfe\x00 binary junk",
        b"[]",
        b"[" * 100000 + b"]" * 100000,
        b'{"jsonrpc":"2.0","id":"huge","method":"tools/call","params":{"name":"search","arguments":{"query":"' + b"a" * (20 << 20) + b'"}}}',
        json.dumps({"jsonrpc": "2.0", "id": 2, "method": "no/such/method"}),
        json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": 42}}),
        call(4, "search", {"query": "pool", "where": ["x" * 10] * 5000}),
        call(5, "get_entry", {"id": "\u0000"}),
        call(6, "list_entries", "not an object"),
        json.dumps({"jsonrpc": "2.0", "id": 7, "method": "resources/list", "params": {"cursor": "bogus"}}),
        call(8, "get_entry", {"id": "PM-0001"}),
    ], wait_for=[1, 2, 3, 4, 5, 6, 7, 8])
    assert replies[2]["error"]["code"] == -32601
    assert "error" in replies[3]
    assert replies[4]["result"]["isError"] and "limit" in replies[4]["result"]["content"][0]["text"]
    assert replies[5]["result"]["isError"]
    assert "error" in replies[6] or replies[6]["result"].get("isError")
    assert replies[7]["error"]["code"] == -32602
    assert replies[8]["result"]["structuredContent"]["id"] == "PM-0001"
    assert "huge" not in replies  # dropped: longer than the line limit


def test_not_a_repository(tmp_path):
    result = subprocess.run([LORE, "mcp", "-C", str(tmp_path)], capture_output=True, text=True, env=git_env(), stdin=subprocess.DEVNULL)
    assert result.returncode == 3 and "error" in result.stderr


# --- the organization: org: true -----------------------------------------------------------------

sys.path.insert(0, str(ROOT / "Tests" / "LSP"))
from org_fixture import Organization, sync  # noqa: E402

ORG_TOOLS = ["action_items", "get_entry", "list_entries", "recall", "search", "similar"]


@pytest.fixture
def org(repo, tmp_path):
    """The demo repository reading two sources: `payments` (git) and `platform` (its index.json
    served over HTTP on 127.0.0.1), synced with `lore sources sync`."""
    organization = Organization(tmp_path / "sources", LORE)
    with open(repo / ".lore" / "config.yml", "a", encoding="utf-8") as f:
        f.write(organization.config)
    sync(LORE, repo)
    yield organization
    organization.close()


def test_org_reads_every_synced_source_as_the_cli_does(repo, org):
    async def body():
        async with connect(repo) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert sorted(name for name, tool in tools.items() if "org" in tool.input_schema["properties"]) == ORG_TOOLS
            assert tools["search"].input_schema["properties"]["org"]["type"] == "boolean"
            # search: ranked with this repository's entries, ids and paths qualified, as `lore search --org`.
            structured, text = await call(client, "search", {"query": "timed out", "org": True})
            cli = json.loads(lore(repo, "search", "--org", "--format", "json", "timed", "out").stdout)
            assert [(hit["id"], hit["path"]) for hit in structured["hits"]] == [(hit["id"], hit["path"]) for hit in cli]
            assert ("payments:PM-0001", "payments:postmortems/2025/card-timeouts.md") in [(h["id"], h["path"]) for h in structured["hits"]]
            alone, _ = await call(client, "search", {"query": "timed out"})
            assert all(":" not in (hit["id"] or "") for hit in alone["hits"])
            queues, _ = await call(client, "search", {"query": "\"queues between services\"", "org": True})
            assert [hit["id"] for hit in queues["hits"]] == ["platform:DR-0001"]
            # list_entries: every source's entries joined, as `lore list --org`.
            listed, _ = await call(client, "list_entries", {"org": True, "kind": "decision", "limit": 200})
            cli = lore(repo, "list", "--org", "--kind", "decision").stdout
            assert [entry["id"] for entry in listed["entries"]] == [line.split()[0] for line in cli.splitlines()[1:] if line.strip()]
            assert "platform:DR-0001" in [entry["id"] for entry in listed["entries"]]
            # get_entry: a qualified id, its record naming its source.
            entry, text = await call(client, "get_entry", {"id": "payments:PM-0001", "org": True})
            assert (entry["id"], entry["path"], entry["source"], entry["fields"]["title"]) == \
                ("payments:PM-0001", "payments:postmortems/2025/card-timeouts.md", "payments", "Card payments timed out")
            assert text.startswith("payments:PM-0001  Card payments timed out\npath: payments:postmortems/2025/card-timeouts.md\n")
            assert "no entry with id" in await call_error(client, "get_entry", {"id": "payments:PM-0001"})
            # recall: other teams' entries whose `affects` match, as `lore recall --org`.
            recalled, _ = await call(client, "recall", {"paths": ["src/db/pool.go"], "org": True})
            expected = json.loads(lore(repo, "recall", "--org", "--format", "json", "src/db/pool.go").stdout)
            assert recalled["entries"] == expected["entries"]
            assert [record["id"] for record in recalled["entries"]] == ["payments:PM-0001"]
            plain, _ = await call(client, "recall", {"paths": ["src/db/pool.go"]})
            assert plain["entries"] == []
            # A range: the corpus of its end, as the CLI reads it.
            ranged, _ = await call(client, "recall", {"rev": "HEAD~3..HEAD", "org": True})
            expected = json.loads(lore(repo, "recall", "--org", "--format", "json", "--rev", "HEAD~3..HEAD").stdout)
            assert ranged["entries"] == expected["entries"] and ranged["entries"]
            # similar and action_items accept it too.
            similar, _ = await call(client, "similar", {"text": "card payments timed out, the pool ran dry", "org": True})
            assert similar["hits"][0]["id"] == "payments:PM-0001"
            await call(client, "action_items", {"org": True, "state": "all"})
    run(body())


def test_org_with_a_damaged_synced_state_says_so_and_reads_the_rest(repo, org):
    folder = repo / ".git" / "lore" / "sources"
    (folder / "payments.synced").write_text("{not json\n")
    async def body():
        async with connect(repo) as client:
            structured, text = await call(client, "search", {"query": "\"queues between services\" OR \"pool ran dry\"", "org": True})
            assert [hit["id"] for hit in structured["hits"]] == ["platform:DR-0001"]
            assert structured["notes"] == ["source 'payments' was never synced (`lore sources sync`); its entries are left out"]
            assert text.endswith("note: source 'payments' was never synced (`lore sources sync`); its entries are left out\n")
            listed, _ = await call(client, "list_entries", {"org": True, "kind": "postmortem"})
            assert "payments:PM-0001" not in [entry["id"] for entry in listed["entries"]] and listed["notes"]
    run(body())
