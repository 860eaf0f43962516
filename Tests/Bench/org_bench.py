#!/usr/bin/env python3
"""The organization corpus of `make bench` (`bench.py --org`): one central memory reading many
sources (issue 15).

    org_bench.py [--sources 2000] [--entries 100000] [--work DIR] [--lore PATH] [--changed 10]

Generates SOURCES repositories holding ENTRIES entries in all: the even-numbered ones are local
git repositories (read with `git:`), the odd-numbered ones are published index.json files served
by a local HTTP server on 127.0.0.1 (read with `index:`). A central repository lists them all.
Then measures, each as one process (wall time, and peak RSS from wait4):

  1. `lore sources sync` from nothing (every source fetched and read),
  2. `lore publish --org` of the whole organization,
  3. `lore sources sync` again with nothing changed,
  4. `lore sources sync` after CHANGED sources changed (half git commits, half new index.json).

Goals (issue 15): 1 + 2 under 5 minutes and under 2 GiB on a 2-core machine; 4 under 10 s.
"""
import argparse, functools, http.server, json, os, resource, shutil, subprocess, sys, threading, time

GIT_ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2025-01-02T03:04:05+00:00", GIT_COMMITTER_DATE="2025-01-02T03:04:05+00:00")


def entry_text(source, number, others):
    related = ", ".join(others)
    return (f"---\nid: PM-{number:04d}\ntitle: Outage {number} of team {source}\ndate: 2025-03-14\n"
            f"status: published\nseverity: SEV{1 + number % 4}\nservices: [svc-{number % 7}]\n"
            f"related: [{related}]\naction_items:\n  - title: Add a budget\n    owner: owner-{number % 13}\n"
            f"    due: 2025-06-0{1 + number % 9}\n---\n\n## Summary\n\nTimeouts in service {number % 7}.\n\n"
            f"## Impact\n\nCards failed for {number} minutes.\n")


def index_record(source, number, others):
    fields = {"id": f"PM-{number:04d}", "title": f"Outage {number} of team {source}", "date": "2025-03-14",
              "status": "published", "severity": f"SEV{1 + number % 4}", "services": [f"svc-{number % 7}"],
              "related": others}
    out = [{"kind": "relation", "field": "related", "written": o, "line": 8, "column": 10, "resolved": ":" not in o,
            "target": None, "target_id": o if ":" not in o else None} for o in others]
    return {"id": fields["id"], "kind": "postmortem", "path": f"postmortems/{number:04d}.md", "title": fields["title"],
            "date": "2025-03-14", "status": "published", "tags": [], "authors": [], "fields": fields,
            "sections": [{"title": "Summary", "line": 12, "text": f"Timeouts in service {number % 7}."}],
            "summary": "", "action_items": [{"title": "Add a budget", "owner": f"owner-{number % 13}",
                                             "due": "2025-06-01", "status": "open", "link": None}],
            "links": {"out": out, "in": []}, "history": None}


def others_for(index, number, per, sources):
    return [f"PM-{(number % per) + 1:04d}", f"team{(index + 1) % sources:04d}:PM-0001"]


def generate(work, sources, entries, version=0):
    per = max(1, entries // sources)
    root = os.path.join(work, "org")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "served"))
    config = ["version: 1", "name: central", "rules: { missing-section: off }", "sources:"]
    for index in range(sources):
        name = f"team{index:04d}"
        if index % 2 == 0:
            repo = os.path.join(root, "repos", name)
            os.makedirs(os.path.join(repo, "postmortems"))
            for number in range(1, per + 1):
                with open(os.path.join(repo, "postmortems", f"{number:04d}.md"), "w") as fh:
                    fh.write(entry_text(name, number, others_for(index, number, per, sources)))
            subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=GIT_ENV)
            subprocess.run(["git", "-C", repo, "add", "-A"], check=True, env=GIT_ENV)
            subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "entries"], check=True, env=GIT_ENV)
            config.append(f"  {name}: {{ git: ../repos/{name}, ref: main }}")
        else:
            write_index(root, name, index, per, sources, version)
            config.append(f"  {name}: {{ index: http://127.0.0.1:PORT/{name}.json }}")
    central = os.path.join(root, "central")
    os.makedirs(os.path.join(central, ".lore"))
    os.makedirs(os.path.join(central, "lessons"))
    with open(os.path.join(central, "lessons", "a.md"), "w") as fh:
        fh.write("---\nid: LL-0001\ntitle: Budgets\ndate: 2025-03-14\nstatus: active\nrelated: [team0000:PM-0001]\n---\n\n## Lesson\n\nBudgets.\n")
    subprocess.run(["git", "init", "-q", "-b", "main", central], check=True, env=GIT_ENV)
    return root, central, config, per


def write_index(root, name, index, per, sources, version):
    records = [index_record(name, number, others_for(index, number, per, sources)) for number in range(1, per + 1)]
    if version:
        records[0]["title"] += f" (revised {version})"
        records[0]["fields"]["title"] = records[0]["title"]
    document = {"format": "lore-index", "version": 1, "snapshot": {"source": "revision", "revision": "main", "commit": None},
                "history": {"partial": False, "commits": 1}, "entries": records, "unresolved_trailers": []}
    with open(os.path.join(root, "served", name + ".json"), "w") as fh:
        json.dump(document, fh, indent=1, sort_keys=True)


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(argv, cwd):
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=GIT_ENV)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    return {"argv": " ".join(argv[1:]), "wall_s": round(wall, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "status": os.waitstatus_to_exitcode(status), "stdout_lines": out.count(b"\n"),
            "stderr": err.decode()[-400:] + "".join(line + "\n" for line in out.decode().splitlines() if ": failed: " in line)[:800]}


def du(path):
    return int(subprocess.run(["du", "-sm", path], capture_output=True, text=True).stdout.split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=int, default=2000)
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--work", default="/tmp/lore-bench")
    ap.add_argument("--no-publish", action="store_true", help="skip step 2 (publish --org)")
    ap.add_argument("--lore", default=os.path.join(os.path.dirname(__file__), "../../.build/release/lore"))
    args = ap.parse_args()
    lore = os.path.abspath(args.lore)
    t0 = time.monotonic()
    root, central, config, per = generate(args.work, args.sources, args.entries)
    server = serve(os.path.join(root, "served"))
    port = server.server_address[1]
    with open(os.path.join(central, ".lore", "config.yml"), "w") as fh:
        fh.write("\n".join(line.replace("PORT", str(port)) for line in config) + "\n")
    print(f"generated {args.sources} sources, {per * args.sources} entries in {time.monotonic() - t0:.1f} s", flush=True)
    rows = []
    rows.append(("full sync", measure([lore, "sources", "sync"], central)))
    if not args.no_publish:
        rows.append(("publish --org", measure([lore, "publish", "--org", "--out", os.path.join(root, "site"), "--today", "2025-06-01"], central)))
    rows.append(("re-sync, nothing changed", measure([lore, "sources", "sync"], central)))
    changed = 0
    for index in range(args.sources):
        if changed >= args.changed:
            break
        name = f"team{index:04d}"
        if index % 2 == 0:
            repo = os.path.join(root, "repos", name)
            with open(os.path.join(repo, "postmortems", "0001.md"), "a") as fh:
                fh.write("\nRevised.\n")
            subprocess.run(["git", "-C", repo, "commit", "-q", "-a", "-m", "revise"], check=True, env=GIT_ENV)
        else:
            write_index(root, name, index, per, args.sources, version=1)
        changed += 1
    rows.append((f"re-sync, {changed} sources changed", measure([lore, "sources", "sync"], central)))
    sources_mib = du(os.path.join(central, ".git", "lore", "sources"))
    print(f"\n| step ({args.sources} sources, {per * args.sources} entries) | wall (s) | peak RSS (MiB) | exit |")
    print("|---|---:|---:|---:|")
    for name, row in rows:
        print(f"| {name} | {row['wall_s']} | {row['peak_rss_mib']} | {row['status']} |")
    site_mib = du(os.path.join(root, "site")) if os.path.isdir(os.path.join(root, "site")) else 0
    print(f"\nsynced state on disk: {sources_mib} MiB (.git/lore/sources); site: {site_mib} MiB")
    for name, row in rows:
        if row["status"] not in (0,):
            print(f"{name}: exit {row['status']}: {row['stderr']}")
    server.shutdown()
    return 0 if all(row["status"] == 0 for _, row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
