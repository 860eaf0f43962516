"""Protocol errors, with a raw client writing bytes: malformed messages, unknown methods, a file
outside the repository, a client leaving without `shutdown`. Each is answered as JSON-RPC and
LSP say, and the server never crashes or hangs."""
import json
import os
import select
import subprocess
import time

import pytest

from conftest import LORE


class RawServer:
    def __init__(self, cwd):
        self.process = subprocess.Popen([LORE, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.buffer = b""

    def send_bytes(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, id, method, params=None):
        self.send({"jsonrpc": "2.0", "id": id, "method": method, **({"params": params} if params is not None else {})})

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, **({"params": params} if params is not None else {})})

    def _read(self, deadline):
        fd = self.process.stdout.fileno()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no message from the server")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            raise TimeoutError("no message from the server")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise EOFError("the server closed its output")
        self.buffer += chunk

    def receive(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buffer:
            self._read(deadline)
        header, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        length = int(header.split(b":")[1])
        while len(self.buffer) < length:
            self._read(deadline)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return json.loads(body)

    def initialize(self, root):
        self.request(1, "initialize", {"processId": None, "rootUri": "file://" + root, "capabilities": {},
                                       "initializationOptions": {"today": "2025-06-01"}})
        answer = self.receive()
        assert answer["id"] == 1 and "capabilities" in answer["result"]
        self.notify("initialized", {})
        return answer

    def wait(self, timeout=10.0):
        return self.process.wait(timeout=timeout)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(repo):
    s = RawServer(repo.root)
    yield s
    s.close()


def error_of(answer):
    return answer["id"], answer["error"]["code"]


def test_request_before_initialize_is_refused(server, repo):
    server.request(1, "workspace/symbol", {"query": ""})
    assert error_of(server.receive()) == (1, -32002)
    server.initialize(repo.root)
    server.request(2, "workspace/symbol", {"query": "DR-"})
    assert [s["name"] for s in server.receive()["result"]] == ["DR-0001 Two replicas per region"]
    server.request(3, "initialize", {"capabilities": {}})
    assert error_of(server.receive()) == (3, -32600)


def test_malformed_messages_are_answered_and_the_server_goes_on(server, repo):
    server.initialize(repo.root)
    server.send_bytes(b"Content-Length: 9\r\n\r\n{not json")
    assert error_of(server.receive()) == (None, -32700)
    server.send_bytes(b"Content-Type: application/vscode-jsonrpc\r\n\r\n")
    answer = server.receive()
    assert error_of(answer) == (None, -32600) and "Content-Length" in answer["error"]["message"]
    server.send_bytes(b"Content-Length: twelve\r\n\r\n")
    assert error_of(server.receive()) == (None, -32600)
    server.send_bytes(b"no colon here\r\n\r\n")
    assert error_of(server.receive()) == (None, -32600)
    body = b"[1, 2]"
    server.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert error_of(server.receive()) == (None, -32600)
    for body in [b"[" * 100000, b"\xff\xfe{}", b"42"]:   # nesting no parser should follow, not UTF-8, not an object
        server.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        assert error_of(server.receive())[0] is None
    server.send({"jsonrpc": "2.0", "id": 7})
    assert error_of(server.receive()) == (7, -32600)
    server.send({"jsonrpc": "2.0", "id": {"not": "an id"}, "method": "shutdown"})
    assert error_of(server.receive()) == (None, -32600)
    # Invalid parameters of a known method.
    server.request(8, "textDocument/hover", {"textDocument": {"uri": repo.uri("lessons/replica-reads.md")}})
    assert error_of(server.receive()) == (8, -32602)
    # Still serving.
    server.request(9, "workspace/symbol", {"query": "DR-"})
    assert server.receive()["id"] == 9
    assert server.process.poll() is None


def test_unknown_methods(server, repo):
    server.initialize(repo.root)
    server.request(5, "lore/nothing", {})
    answer = server.receive()
    assert error_of(answer) == (5, -32601) and answer["error"]["message"] == "unknown method lore/nothing"
    # Unknown notifications are dropped without an answer ($/ ones included).
    server.notify("lore/whatever", {"x": 1})
    server.notify("$/cancelRequest", {"id": 5})
    server.request(6, "workspace/symbol", {"query": "DR-"})
    assert server.receive()["id"] == 6


def test_huge_content_length_is_refused_without_reading_it_into_memory(server, repo):
    server.initialize(repo.root)
    server.send_bytes(b"Content-Length: 99999999999\r\n\r\n")
    answer = server.receive()
    assert error_of(answer) == (None, -32600) and "larger than the limit" in answer["error"]["message"]
    server.process.stdin.close()
    assert server.wait(timeout=10) == 1


def test_file_outside_the_repository(server, repo, tmp_path):
    server.initialize(repo.root)
    outside = tmp_path / "elsewhere" / "lessons" / "x.md"
    uri = "file://" + str(outside)
    text = "---\nid: LL-0009\ntitle: T\nrelated: [LL-0404]\n---\nsee PM-0001 and [[\n"
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    server.request(2, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 6}})
    assert server.receive() == {"jsonrpc": "2.0", "id": 2, "result": None}
    server.request(3, "textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 6}})
    assert server.receive()["result"] is None
    server.request(4, "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 18}})
    assert server.receive()["result"] == []
    server.request(5, "textDocument/references", {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 6},
                                                  "context": {"includeDeclaration": True}})
    assert server.receive()["result"] == []
    # A URI that is not a file at all.
    server.request(6, "textDocument/hover", {"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}})
    assert server.receive()["result"] is None
    # No diagnostics were published for it: the next message is the next answer.
    server.request(7, "workspace/symbol", {"query": "DR-"})
    assert server.receive()["id"] == 7


def test_client_exits_without_shutdown(server, repo):
    server.initialize(repo.root)
    server.process.stdin.close()
    assert server.wait(timeout=10) == 1


def test_exit_notification_without_shutdown(server, repo):
    server.initialize(repo.root)
    server.notify("exit")
    assert server.wait(timeout=10) == 1


def test_shutdown_then_exit(server, repo):
    server.initialize(repo.root)
    server.request(2, "shutdown")
    assert server.receive() == {"jsonrpc": "2.0", "id": 2, "result": None}
    server.request(3, "workspace/symbol", {"query": ""})
    assert error_of(server.receive()) == (3, -32600)
    server.notify("exit")
    assert server.wait(timeout=10) == 0


def test_folder_that_is_not_a_repository(tmp_path):
    s = RawServer(str(tmp_path))
    try:
        s.request(1, "initialize", {"processId": None, "rootUri": "file://" + str(tmp_path), "capabilities": {}})
        messages = [s.receive(), s.receive()]
        shown = next(m for m in messages if m.get("method") == "window/showMessage")
        assert shown["params"]["type"] == 1 and "not a git repository" in shown["params"]["message"].lower()
        assert any(m.get("id") == 1 and "capabilities" in m["result"] for m in messages)
        s.notify("initialized", {})
        s.request(2, "workspace/symbol", {"query": ""})
        assert s.receive() == {"jsonrpc": "2.0", "id": 2, "result": []}
        s.request(3, "shutdown")
        assert s.receive()["id"] == 3
        s.notify("exit")
        assert s.wait() == 0
    finally:
        s.close()
