"""An organization for the tests of qualified ids in `lore lsp` and `lore mcp`: `payments`, a git
repository read as a git source, and `platform`, whose published index.json is served over HTTP on
127.0.0.1 by a real server (http.server in a thread). Both made with the git CLI (fixed authors and
dates, no user configuration); the reading repository lists them in `.lore/config.yml` and syncs
them with `lore sources sync`."""
import functools
import http.server
import os
import subprocess
import threading

PAYMENTS_PM1 = """---
id: PM-0001
title: Card payments timed out
date: 2025-02-10
status: published
severity: SEV2
services: [payments]
affects: [src/db/**]
---

# Card payments timed out

## Summary

Card payments timed out for 20 minutes when the pool ran dry.

## Impact

Lost orders.
"""

PAYMENTS_LL1 = """---
id: LL-0007
title: Budget every timeout
date: 2025-02-20
status: active
related: [PM-0001]
---

# Budget every timeout

## Lesson

Give every call a timeout budget.
"""

PLATFORM_DR1 = """---
id: DR-0001
title: Use queues between services
date: 2025-01-05
status: accepted
---

# Use queues between services

## Decision outcome

Queues.
"""


def env():
    values = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    values.update({
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com",
        "GIT_AUTHOR_DATE": "2025-03-21T10:00:00+00:00", "GIT_COMMITTER_DATE": "2025-03-21T10:00:00+00:00",
    })
    return values


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], env=env(), check=True, capture_output=True, text=True).stdout.strip()


def write(root, path, text):
    full = os.path.join(str(root), path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def repository(root, files):
    os.makedirs(root)
    git(root, "init", "-q", "-b", "main")
    for path, text in files.items():
        write(root, path, text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the memory")
    return git(root, "rev-parse", "HEAD")


class Organization:
    """The two sources under `base`, the HTTP server serving platform's index.json, and the
    configuration that names them (`config`, to append to a repository's .lore/config.yml)."""

    def __init__(self, base, lore):
        self.payments = os.path.join(str(base), "payments")
        self.payments_commit = repository(self.payments, {"postmortems/2025/card-timeouts.md": PAYMENTS_PM1,
                                                          "lessons/budget-timeouts.md": PAYMENTS_LL1})
        platform = os.path.join(str(base), "platform")
        repository(platform, {"decisions/0001-queues.md": PLATFORM_DR1})
        served = os.path.join(str(base), "served")
        os.makedirs(served)
        subprocess.run([lore, "index", "-o", os.path.join(served, "index.json")], cwd=platform, env=env(), check=True,
                       capture_output=True)
        handler = functools.partial(QuietHandler, directory=served)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.index_url = f"http://127.0.0.1:{self.server.server_address[1]}/index.json"
        self.config = (f"sources:\n  payments: {{ git: {self.payments}, ref: main }}\n"
                       f"  platform: {{ index: {self.index_url} }}\n")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def sync(lore, root):
    """`lore sources sync` in `root`; its standard output."""
    done = subprocess.run([lore, "sources", "sync"], cwd=str(root), env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
