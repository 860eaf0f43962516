#!/usr/bin/env python3
"""Latency of `lore lsp`: from a `textDocument/didChange` to the `publishDiagnostics` of that
version, on a repository (the 10k bench corpus: gen_corpus.py DIR --entries 10000).

Method: start the server, `initialize` (timed: cold caches on the first start, warm on the second),
open one entry, then send N changes one at a time (alternately a title edit and a broken
`related` id, so the snapshot-wide rules have work) and time each until the diagnostics of that
version arrive. Also times `[[` completion (every id offered, capped at 200) and hover.

    Tests/Bench/lsp_latency.py --lore .build/release/lore --repo /tmp/c10k --edits 40
"""
import argparse
import json
import os
import select
import statistics
import subprocess
import time


class Server:
    def __init__(self, lore, root):
        self.p = subprocess.Popen([lore, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""
        self.next_id = 1

    def send(self, obj):
        body = json.dumps(obj).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self, timeout=120):
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while True:
            if b"\r\n\r\n" in self.buf:
                header, rest = self.buf.split(b"\r\n\r\n", 1)
                n = int(header.split(b":")[1])
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise TimeoutError
            self.buf += os.read(fd, 1 << 20)

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == i:
                return m

    def wait_diagnostics(self, uri, version):
        while True:
            m = self.recv()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri \
                    and m["params"].get("version") == version:
                return m["params"]["diagnostics"]

    def stop(self):
        self.request("shutdown", None)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        self.p.wait(timeout=30)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lore", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    root = os.path.abspath(args.repo)
    lessons = sorted(f for f in os.listdir(os.path.join(root, "lessons")) if f.endswith(".md"))
    path = os.path.join(root, "lessons", lessons[len(lessons) // 2])
    uri = "file://" + path
    text = open(path, encoding="utf-8").read()

    for start in ["first start", "second start (warm caches)"]:
        t = time.monotonic()
        server = Server(args.lore, root)
        server.request("initialize", {"processId": None, "rootUri": "file://" + root, "capabilities": {}})
        print(f"{start}: initialize answered after {ms(time.monotonic() - t)}")
        server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        if start.startswith("first"):
            server.stop()
    t = time.monotonic()
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    server.wait_diagnostics(uri, 1)
    print(f"didOpen → publishDiagnostics: {ms(time.monotonic() - t)} ({os.path.relpath(path, root)})")

    lines = text.split("\n")
    title = next(i for i, l in enumerate(lines) if l.startswith("title:"))
    related = next((i for i, l in enumerate(lines) if l.startswith("related:")), None)
    id_line = next(i for i, l in enumerate(lines) if l.startswith("id:"))
    version = 1

    def measure(kind, make, check=None):
        nonlocal version
        times = []
        for n in range(args.edits):
            version += 1
            body = "\n".join(make(n))
            t = time.monotonic()
            server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": body}]}})
            diagnostics = server.wait_diagnostics(uri, version)
            times.append(time.monotonic() - t)
            if check:
                check(n, diagnostics)
        times.sort()
        print(f"didChange → publishDiagnostics, {kind} ({len(times)} edits): median {ms(statistics.median(times))}, "
              f"p90 {ms(times[int(len(times) * 0.9) - 1])}, max {ms(times[-1])}")

    def typing(n):
        changed = list(lines)
        changed[title] = lines[title] + " " + "x" * n          # a word typed into the title
        changed.insert(len(changed) - 1, "more text " * (n % 3))   # and into the body
        return changed

    def linking(n):
        changed = list(lines)
        value = f"related: [LL-{99990 + n % 2}]"
        if related is None:
            changed.insert(title + 1, value)
        else:
            changed[related] = value
        return changed

    def renaming(n):
        changed = list(lines)
        changed[id_line] = f"id: LL-{99990 + n % 2}"
        return changed

    def broken(n, diagnostics):
        assert any(d["code"] == "broken-link" for d in diagnostics), diagnostics

    measure("typing in the title and body (no link, id or supersession changes)", typing)
    measure("a relation changed (the file judged again by itself)", linking, broken)
    measure("the id changed (every snapshot-wide rule over every entry)", renaming)

    body = text.rstrip("\n") + "\n\nSee [[LL-\n"
    server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 1000}, "contentChanges": [{"text": body}]}})
    server.wait_diagnostics(uri, 1000)   # a body change: the snapshot-wide rules did not run
    line = body.count("\n") - 1
    samples = []
    for _ in range(10):
        t = time.monotonic()
        answer = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 9}})
        samples.append(time.monotonic() - t)
    print(f"completion after [[LL- ({len(answer['result']['items'])} items): median {ms(statistics.median(samples))}")
    samples = []
    for _ in range(10):
        t = time.monotonic()
        server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 6}})
        samples.append(time.monotonic() - t)
    print(f"hover on the entry's id: median {ms(statistics.median(samples))}")
    server.stop()


if __name__ == "__main__":
    main()
