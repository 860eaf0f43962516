"""A small memory repository made with the git CLI: fixed authors and dates, no user configuration."""
import os
import subprocess

PM1 = """---
id: PM-0001
title: Replica lag broke checkout
date: 2025-03-14
status: published
severity: SEV2
services: [checkout]
action_items:
  - title: Add a lag alert
    owner: ana
    due: 2099-01-01
    status: open
---

# Replica lag broke checkout

## Summary

Checkout read stale carts from a lagging replica for 40 minutes.

## Impact

Orders failed.

## Timeline

Morning.

## Contributing factors

No lag check.

## Trigger

A bulk import.

## Detection

Alerts.

## Resolution

Reads moved to the primary.

## What went well

Rollback.

## What went wrong

Paging.

## Action items

See the front-matter.

## Lessons learned

See [[LL-0001]].
"""

LL1 = """---
id: LL-0001
title: Read from replicas only with a lag check
date: 2025-03-20
status: active
related: [PM-0001, LL-0002]
---

# Read from replicas only with a lag check

## Context

Replica lag broke checkout in [[PM-0001]].

## Lesson

Check the lag before reading.

## Evidence

Two incidents.

## How to apply

Use the lag-aware pool.
"""

LL2 = """---
id: LL-0002
title: Pin connection pool sizes
date: 2024-01-10
status: superseded
superseded_by: [LL-0003]
---

# Pin connection pool sizes

## Context

Pools grew without bound.

## Lesson

Pin them.

## Evidence

One outage.

## How to apply

Set max sizes.
"""

LL3 = """---
id: LL-0003
title: Size connection pools from measured load
date: 2025-02-01
status: active
supersedes: [LL-0002]
---

# Size connection pools from measured load

## Context

Pinned pools starved under load.

## Lesson

Measure, then size.

## Evidence

Load tests.

## How to apply

Use the sizing script.
"""

DR1 = """---
id: DR-0001
title: Two replicas per region
date: 2025-01-05
status: accepted
---

# Two replicas per region

## Context and problem statement

One replica is not enough.

## Decision drivers

Availability.

## Considered options

One, two, three.

## Decision outcome

Two.

## Consequences

Cost.
"""

POOL = """package db

// Pool reads from replicas; see PM-0001 before changing it.
func Pool() {}
"""

FILES = {
    "postmortems/2025/2025-03-14-replica-lag.md": PM1,
    "lessons/replica-reads.md": LL1,
    "lessons/pin-pool-sizes.md": LL2,
    "lessons/size-pools-from-load.md": LL3,
    "decisions/0001-two-replicas.md": DR1,
    "src/db/pool.go": POOL,
}


def git_env():
    env = dict(os.environ)
    env.update({
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com",
        "GIT_AUTHOR_DATE": "2025-03-21T10:00:00+00:00", "GIT_COMMITTER_DATE": "2025-03-21T10:00:00+00:00",
    })
    return env


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], env=git_env(), check=True,
                          capture_output=True, text=True).stdout.strip()


def make_repo(root):
    """Writes the files, commits them, then commits a code change with a `Lore: PM-0001` trailer.
    Returns the full id of the trailer commit."""
    root = str(root)
    git(root, "init", "-q", "-b", "main")
    for path, text in FILES.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the memory")
    with open(os.path.join(root, "src/db/pool.go"), "a", encoding="utf-8") as f:
        f.write("\n// Lag-aware.\n")
    git(root, "commit", "-q", "-a", "-m", "Check replica lag in the pool\n\nLore: PM-0001")
    return git(root, "rev-parse", "HEAD")
