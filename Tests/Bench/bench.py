#!/usr/bin/env python3
"""Benchmark `lore list` against its peers on synthetic corpora (what `make bench` runs).

    bench.py [--sizes 10k,100k] [--runs N] [--work /tmp/lore-bench] [--lore PATH]
             [--shared DIR] [--all-lore] [--no-peers] [--no-install]
    bench.py --org [--org-sources 2000] [--org-entries 100000]   (org_bench.py: the
             organization corpus of issue 15, sync and publish --org)

For each corpus size this harness

  1. makes sure the peers are installed: git, GNU time and Hugo from apt
     (`apt-get update` + `apt-get install -y --no-install-recommends git time
     hugo`, via sudo when not root) and a venv at WORK/.venv holding the
     shared bench's requirements.txt (python-frontmatter, PyYAML, pygit2 ...);
  2. generates the corpus with the shared gen_corpus.py into WORK/<name>,
     unless WORK/<name>.stamp says it was already generated with the same
     arguments by the same generator:
         1k    --entries 1000   --commits 2000   --seed 1
         10k   --entries 10000  --commits 20000  --seed 1
         100k  --entries 100000 --commits 100000 --seed 1 --layout sharded
  3. runs the shared peers.py on it, restricted to the read floor (`cat` of
     every entry file, task floor-read), Hugo (hugo, the peer of `lore publish`) and the hand-written
     python-frontmatter indexer (py-index), with the venv's python, writing
     WORK/results/<name>.md/.json;
  4. measures `lore list --format json`, `lore check`, `lore index` and
     `lore search connection pool --format json` (its untimed check run
     brings the search index up to date, so timed runs are warm; compared
     with peers.py's `rg -l 'connection pool'`), and with --all-lore also
     `lore list --rev HEAD` and `lore search --rev HEAD`, the way peers.py
     measures a peer: cwd = the
     corpus root, stdout to /dev/null, under `/usr/bin/time -v`; one warm-up
     run, discarded if it took < 10 s, then --runs timed runs (a warm-up of
     10-60 s counts and two more are timed; one over 60 s is reported alone).
     One extra untimed run captures stdout and checks it: a JSON array with
     one object (with "id" and "path") per entry of the corpus;
  5. in a local clone of the corpus, measures the rows of issue 14 that need
     one: the hook (`lore check --staged`, 3 staged entries), `lore index
     --output` and `lore publish --out` after one new commit (each timed run
     after a commit editing one entry; the results are then compared byte for
     byte with cold runs), `lore publish` cold (a missing --out) and `lore new`;
  6. prints one Markdown table (Lore first, then the floor, Hugo, the
     Python indexer, git log and pre-commit) and the issue-14 table (each row
     beside its peer from the same run, and Lore ÷ peer), and writes them to
     WORK/results/<name>-lore.md, with the raw numbers in
     WORK/results/<name>-lore.json.

Median wall = median of the timed runs.  Peak RSS = largest single process
(GNU time's "Maximum resident set size"), the maximum over the timed runs,
for every row.  "× read floor" = row ÷ cat floor; "Lore speed-up" = peer ÷
Lore (`lore list --format json`), both from the same run.  Page cache is warm.

Exit status: 0 if every row was measured and Lore's output checked out,
1 if a row failed or Lore's output was wrong, 2 on a set-up error.
"""

import argparse
import hashlib
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))  # Tests/Bench/ -> project root
DEFAULT_SHARED = os.path.normpath(os.path.join(PROJECT, "..", "shared", "bench"))
DEFAULT_LORE = os.path.join(PROJECT, ".build", "release", "lore")
DEFAULT_WORK = "/tmp/lore-bench"

# size -> (corpus name, gen_corpus.py arguments, default --runs)
SIZES = {
    "1k": ("n1k", ["--entries", "1000", "--commits", "2000", "--seed", "1"], 5),
    "10k": ("n10k", ["--entries", "10000", "--commits", "20000", "--seed", "1"], 5),
    "100k": ("n100k", ["--entries", "100000", "--commits", "100000", "--seed", "1",
                       "--layout", "sharded"], 3),
}
PEER_KEYS = ("floor-read", "hugo", "py-index", "rg", "git-log", "pre-commit")  # peers.py task keys, in table order
PEER_TOOLS = {"floor-read": "cat (floor)", "hugo": "Hugo",  # names when peers.py fails
              "py-index": "Python script (python-frontmatter)", "rg": "ripgrep",
              "git-log": "git log --name-status, one pass", "pre-commit": "pre-commit framework"}
# The issue-14 table: (row, Lore task key, peer key or None, goal), in the issue's order.
ISSUE_ROWS = (
    ("hook: `lore check --staged --changed-since HEAD` (as installed), 3 entries newly staged", "lore-hook", "pre-commit", "≤ 40 ms (≥ 9× the framework); ≤ 30 ms at 1k"),
    ("`lore list --format json`", "lore-list", "floor-read", "≤ 2× the read floor"),
    ("`lore index`, cold", "lore-index-cold", "git-log", "≤ 1× that pass"),
    ("`lore index` after one new commit", "lore-index-commit", None, "≤ 150 ms"),
    ("`lore publish`, cold", "lore-publish-cold", "hugo", "≥ 2× faster than Hugo, < 300 MiB"),
    ("`lore publish` after one new commit", "lore-publish-commit", None, "≤ 1 s"),
    ("`lore search`", "lore-search", "rg", "≤ 30 ms at 100k, working tree included"),
    ("`lore recall --staged`", "lore-recall-staged", None, "≤ 50 ms"),
    ("`lore new`", "lore-new", None, "≤ 60 ms"),
)
# Commits the bench makes in its clone (after every commit of the corpus).
BENCH_COMMIT_ENV = {"GIT_AUTHOR_NAME": "Bench Bot", "GIT_AUTHOR_EMAIL": "bench@example.com",
                    "GIT_COMMITTER_NAME": "Bench Bot", "GIT_COMMITTER_EMAIL": "bench@example.com",
                    "GIT_AUTHOR_DATE": "2025-07-01T12:00:00+00:00", "GIT_COMMITTER_DATE": "2025-07-01T12:00:00+00:00"}
SEARCH_WORDS = ("connection", "pool")  # what peers.py's rg task looks for ('connection pool')
PEERS_SKIP = ("floor-git",)  # peers.py always runs both floors; only the read floor is wanted
ENTRY_DIRS = ("postmortems", "lessons", "decisions")
NOT_ENTRIES = ("README.md", "index.md")
APT_PACKAGES = ("git", "time", "hugo", "ripgrep")
SLOW_FIRST_RUN = 10.0  # s: a warm-up this slow counts (same policy as peers.py)
LONE_RUN = 60.0        # s: a first run this slow is reported alone


class SetupError(Exception):
    """Something the harness needs is missing or broken; exit 2."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def quote(argv):
    return " ".join(shlex.quote(a) for a in argv)


def sha256_file(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# --------------------------------------------------------------------------
# Set-up: tools, venv, corpora
# --------------------------------------------------------------------------


def missing_tools(need_hugo):
    missing = [] if shutil.which("git") else ["git"]
    if not os.access("/usr/bin/time", os.X_OK):
        missing.append("/usr/bin/time")
    if need_hugo and not shutil.which("hugo"):
        missing.append("hugo")
    if need_hugo and not shutil.which("rg"):
        missing.append("rg")
    return missing


def ensure_tools(need_hugo, allow_install):
    missing = missing_tools(need_hugo)
    if not missing:
        return
    prefix = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise SetupError(f"missing {', '.join(missing)} and not root and no sudo: run as root "
                             f"`apt-get update && apt-get install -y --no-install-recommends "
                             f"{' '.join(APT_PACKAGES)}`")
        prefix = ["sudo"]
    update = prefix + ["apt-get", "-o", "DPkg::Lock::Timeout=600", "update"]
    install = prefix + ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y",
                        "--no-install-recommends", *APT_PACKAGES]
    if not allow_install:
        raise SetupError(f"missing {', '.join(missing)} (--no-install given); install with: "
                         f"{quote(update)} && {quote(install)}")
    log(f"missing {', '.join(missing)}: {quote(update)} && {quote(install)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (update, install):
        if subprocess.run(argv, env=env, stdout=sys.stderr).returncode != 0:
            raise SetupError(f"`{quote(argv)}` failed (see its output above)")
    still = missing_tools(need_hugo)
    if still:
        raise SetupError(f"still missing after apt-get install: {', '.join(still)}")


def ensure_venv(work, requirements, allow_install):
    """WORK/.venv with the shared requirements; reinstalled when requirements.txt changes."""
    venv = os.path.join(work, ".venv")
    py = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, "lore-bench-requirements.sha256")
    want = sha256_file(requirements)
    if os.access(py, os.X_OK) and os.path.exists(stamp) and open(stamp).read().strip() == want:
        return py
    if not allow_install:
        raise SetupError(f"no venv with {requirements} at {venv} (--no-install given)")
    if not os.access(py, os.X_OK):
        log(f"creating venv {venv}")
        if subprocess.run([sys.executable, "-m", "venv", venv], stdout=sys.stderr).returncode:
            raise SetupError(f"`{sys.executable} -m venv {venv}` failed (Debian: apt-get install "
                             f"python3-venv)")
    log(f"installing {requirements} into {venv}")
    argv = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "-r", requirements]
    if subprocess.run(argv, stdout=sys.stderr).returncode != 0:
        raise SetupError(f"`{quote(argv)}` failed (see its output above)")
    with open(stamp, "w") as fh:
        fh.write(want + "\n")
    return py


def ensure_corpus(work, name, gen_args, gen_corpus):
    """Generate WORK/NAME unless its stamp records the same arguments and generator."""
    corpus = os.path.join(work, name)
    stamp_path = os.path.join(work, name + ".stamp")
    stamp = {"args": gen_args, "generator_sha256": sha256_file(gen_corpus)}
    try:
        with open(stamp_path) as fh:
            old = json.load(fh)
    except (OSError, ValueError):
        old = None
    if old is not None and {k: old.get(k) for k in stamp} == stamp \
            and os.path.isdir(os.path.join(corpus, ".git")):
        log(f"[{name}] corpus up to date ({quote(gen_args)})")
        return corpus
    if os.path.exists(stamp_path):
        os.remove(stamp_path)  # a half-built corpus must not look finished
    argv = [sys.executable, gen_corpus, corpus, *gen_args, "--force"]
    log(f"[{name}] generating: {quote(argv)}")
    start = time.monotonic()
    if subprocess.run(argv, stdout=sys.stderr).returncode != 0:
        raise SetupError(f"corpus generation failed: {quote(argv)}")
    stamp["generated_in_s"] = round(time.monotonic() - start, 1)
    with open(stamp_path, "w") as fh:
        json.dump(stamp, fh, indent=1)
        fh.write("\n")
    return corpus


def corpus_facts(corpus):
    """Entry count (generator's own, and files on disk), entry paths, commits, size."""
    def git(*args):
        return subprocess.run(["git", "-C", corpus, *args], check=True, capture_output=True,
                              text=True).stdout
    on_disk = set()
    for d in ENTRY_DIRS:
        for folder, dirs, names in os.walk(os.path.join(corpus, d)):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for n in names:
                if n.endswith(".md") and n not in NOT_ENTRIES and not n.startswith(("_", ".")):
                    on_disk.add(os.path.relpath(os.path.join(folder, n), corpus))
    generator_count = None
    try:
        with open(os.path.join(corpus, "defects.json")) as fh:
            generator_count = json.load(fh).get("entries")
    except (OSError, ValueError):
        pass
    truth_paths = None
    try:
        with open(os.path.join(corpus, "truth.json")) as fh:
            truth_paths = set(json.load(fh))
    except (OSError, ValueError):
        pass
    return {
        "entries": generator_count if generator_count is not None else len(on_disk),
        "entry_files": len(on_disk),
        "generator_count": generator_count,
        "commits": int(git("rev-list", "--count", "HEAD")),
        "tracked_files": len(git("ls-files", "-z").split("\0")) - 1,
        "git_mib": round(sum(os.path.getsize(os.path.join(root, f))
                             for root, _, fs in os.walk(os.path.join(corpus, ".git"))
                             for f in fs) / 2**20),
        "_paths": truth_paths if truth_paths is not None else on_disk,
    }


# --------------------------------------------------------------------------
# Measuring (same policy as peers.py)
# --------------------------------------------------------------------------


def measure(argv, cwd, timeout, ok_codes):
    """Run argv under /usr/bin/time -v, stdout to /dev/null; return (wall s, peak RSS KiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.monotonic()
        try:
            proc = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name, *argv], cwd=cwd,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {timeout} s")
        wall = time.monotonic() - start
        report = tf.read()
    for line in report.splitlines():
        if "terminated by signal" in line:
            raise RuntimeError(with_stderr(line.strip(), proc.stderr))
    fields = dict(line.strip().rsplit(": ", 1) for line in report.splitlines() if ": " in line)
    code = int(fields.get("Exit status", proc.returncode))
    if code not in ok_codes:
        raise RuntimeError(with_stderr(f"exit {code}", proc.stderr))
    return wall, int(fields["Maximum resident set size (kbytes)"])


def timed_runs(argv, cwd, runs, timeout, ok_codes):
    first = measure(argv, cwd, timeout, ok_codes)
    if first[0] >= LONE_RUN:
        samples = [first]
    elif first[0] >= SLOW_FIRST_RUN:
        samples = [first] + [measure(argv, cwd, timeout, ok_codes) for _ in range(2)]
    else:
        samples = [measure(argv, cwd, timeout, ok_codes) for _ in range(runs)]
    return [w for w, _ in samples], [r for _, r in samples]


def with_stderr(what, stderr):
    err = stderr.decode("utf-8", "replace").strip()[-400:]
    return f"{what}: {err}" if err else what


def check_listing(argv, corpus, facts, timeout, ok_codes):
    """One untimed run capturing stdout; return (ok, note, ran): ran is False when the
    command itself failed (no point timing it)."""
    try:
        proc = subprocess.run(argv, cwd=corpus, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode < 0:
        return False, with_stderr(f"failed: killed by signal {-proc.returncode}", proc.stderr), False
    if proc.returncode not in ok_codes:
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    try:
        listing = json.loads(proc.stdout)
    except ValueError as exc:
        head = proc.stdout[:80].decode("utf-8", "replace")
        return False, f"check FAILED: output is not JSON ({exc}); starts {head!r}", True
    if not isinstance(listing, list):
        return False, f"check FAILED: output is a JSON {type(listing).__name__}, not an array", True
    m = facts["entries"]
    problems = []
    objs = [e for e in listing if isinstance(e, dict)]
    if len(objs) != len(listing):
        problems.append(f"{len(listing) - len(objs)} items are not objects")
    no_id = sum(1 for e in objs if "id" not in e)
    no_path = sum(1 for e in objs if not isinstance(e.get("path"), str))
    if no_id:
        problems.append(f"{no_id} without \"id\"")
    if no_path:
        problems.append(f"{no_path} without \"path\"")
    real = os.path.realpath(corpus)
    listed = set()
    for e in objs:
        p = e.get("path")
        if isinstance(p, str):
            p = os.path.relpath(os.path.realpath(p), real) if os.path.isabs(p) else os.path.normpath(p)
            listed.add(p)
    if objs and not no_path:
        missing, extra = facts["_paths"] - listed, listed - facts["_paths"]
        if len(listed) != len(objs):
            problems.append(f"{len(objs) - len(listed)} duplicate paths")
        if missing:
            problems.append(f"{len(missing)} entry paths missing (e.g. {sorted(missing)[0]})")
        if extra:
            problems.append(f"{len(extra)} unexpected paths (e.g. {sorted(extra)[0]})")
    if len(listing) != m:
        problems.insert(0, "count differs")
    note = f"lists {len(listing)} of {m} entries"
    if facts["generator_count"] is not None and facts["entry_files"] != facts["generator_count"]:
        note += f" ({facts['entry_files']} entry files on disk)"
    if problems:
        return False, f"{note}; check FAILED: {', '.join(problems)}", True
    return True, f"{note}; check ok", True


DEFECT_RULES = {"missing_required_field": "missing-field", "unknown_severity": "invalid-value",
                "broken_link": "broken-link", "duplicate_id": "duplicate-id"}


def check_findings(argv, corpus, facts, timeout, ok_codes):
    """One untimed `lore check --format json` run: every defect of defects.json must be reported
    at error severity with its rule and file, and nothing else at error (precision and recall)."""
    try:
        proc = subprocess.run(argv, cwd=corpus, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode not in (0, 1):
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    try:
        report = json.loads(proc.stdout)
        diagnostics = report["diagnostics"]
    except (ValueError, KeyError, TypeError) as exc:
        return False, f"check FAILED: output is not a lore check JSON report ({exc})", True
    defects_path = os.path.join(corpus, "defects.json")
    with open(defects_path, encoding="utf-8") as f:
        defects = json.load(f)["defects"]
    expected = set()
    for d in defects:
        rule = DEFECT_RULES.get(d["defect"])
        if rule is None:
            return False, f"check FAILED: unknown defect kind {d['defect']}", True
        expected.add((d["file"], rule))
        if d.get("duplicate_of"):
            expected.add((d["duplicate_of"], rule))
    found = {(x["path"], x["rule"]) for x in diagnostics if x.get("severity") == "error"}
    warnings = sum(1 for x in diagnostics if x.get("severity") == "warning")
    hit, missed, extra = expected & found, expected - found, found - expected
    note = (f"{len(expected)} expected errors, {len(hit)} found, {len(missed)} missed, "
            f"{len(extra)} unexpected; {warnings} warnings")
    if missed or extra:
        example = sorted(missed or extra)[0]
        return False, f"{note}; check FAILED (e.g. {example[0]} {example[1]})", True
    return True, f"{note}; check ok", True


def check_index(argv, corpus, facts, timeout, ok_codes):
    """One untimed `lore index` run: every entry's created, updated, authors and last previous
    path must equal truth.json (the generator's ground truth)."""
    try:
        proc = subprocess.run(argv, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode not in ok_codes:
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    try:
        index = json.loads(proc.stdout)
        with open(os.path.join(corpus, "truth.json")) as fh:
            truth = json.load(fh)
    except (ValueError, OSError) as exc:
        return False, f"check FAILED: {exc}", True

    def utc(commit):
        if not commit:
            return None
        return dt.datetime.fromisoformat(commit["time"]).astimezone(dt.timezone.utc).isoformat()
    entries = {e["path"]: e for e in index.get("entries", [])}
    wrong = 0
    for path, t in truth.items():
        h = (entries.get(path) or {}).get("history") or {}
        if (utc(h.get("created")) != t["created"] or utc(h.get("updated")) != t["updated"]
                or [a["email"] for a in h.get("authors", [])] != t["authors"]
                or (h.get("previous_paths") or [None])[-1] != t.get("renamed_from")):
            wrong += 1
    ok = wrong == 0 and len(entries) == len(truth)
    note = (f"history of {len(truth) - wrong} of {len(truth)} entries equals truth.json; "
            f"{index.get('history', {}).get('commits')} commits; " + ("check ok" if ok else "check FAILED"))
    return ok, note, True


def check_site(argv, corpus, facts, timeout, ok_codes):
    """One untimed `lore publish` run: the site has a page per entry, an index.json with every
    entry, a feed and a search index; the note gives its file count and size."""
    out = argv[argv.index("--out") + 1]
    try:
        proc = subprocess.run(argv, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode not in ok_codes:
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    try:
        with open(os.path.join(out, "index.json")) as fh:
            indexed = len(json.load(fh)["entries"])
        pages = len(os.listdir(os.path.join(out, "entries")))
        files, size = 0, 0
        for folder, _, names in os.walk(out):
            for name in names:
                files += 1
                size += os.path.getsize(os.path.join(folder, name))
        for name in ("index.html", "feed.xml", "search-index.js", "search.html"):
            if not os.path.isfile(os.path.join(out, name)):
                return False, f"check FAILED: no {name}", True
    except (ValueError, OSError, KeyError) as exc:
        return False, f"check FAILED: {exc}", True
    # Drafts are left out unless --include-drafts; `lore publish` counts them on stderr.
    drafts = 0
    for line in proc.stderr.decode(errors="replace").splitlines():
        words = line.split()
        if line.startswith("note: ") and "left out" in line and len(words) > 1 and words[1].isdigit():
            drafts = int(words[1])
    expected = facts["entries"] - drafts
    ok = pages == indexed == expected
    note = (f"{pages} entry pages ({drafts} drafts left out), {files} files, {size / 2**20:.0f} MiB; "
            + ("check ok" if ok else f"check FAILED ({expected} entries expected)"))
    return ok, note, True


def check_search(argv, corpus, facts, timeout, ok_codes):
    """One untimed `lore search` run (it also brings the index up to date, so the timed runs are
    warm): a JSON array of hits, best first, each an entry file holding every searched word."""
    try:
        proc = subprocess.run(argv, cwd=corpus, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode not in ok_codes:
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    try:
        hits = json.loads(proc.stdout)
        paths = [h["path"] for h in hits]
        assert all(h["snippet"] for h in hits)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        return False, f"check FAILED: output is not lore search JSON ({exc})", True
    if not paths:
        return False, "check FAILED: no hits", True
    for path in paths:
        with open(os.path.join(corpus, path), encoding="utf-8", errors="replace") as fh:
            text = fh.read().lower()
        if not all(w in text for w in SEARCH_WORDS):
            return False, f"check FAILED: {path} does not hold every word", True
    return True, f"{len(paths)} hits with snippets, each holding every word; check ok", True


def recall_clone(corpus):
    """A local clone of the corpus with one staged change, for `lore recall --staged`: a line added
    to the source file the most entries name in `affects` (ties: the first by name). Returns the
    clone's folder and the changed path."""
    clone = os.path.join(tempfile.mkdtemp(prefix="lore-bench-recall-"), "repo")
    subprocess.run(["git", "clone", "-q", corpus, clone], check=True)
    counts = {}
    for kind_dir in ("postmortems", "lessons", "decisions"):
        for root, _, files in os.walk(os.path.join(clone, kind_dir)):
            for name in files:
                if not name.endswith(".md"):
                    continue
                in_affects = False
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        if line.startswith("affects:"):
                            in_affects = True
                        elif in_affects and line.startswith("  - "):
                            path = line[4:].strip()
                            counts[path] = counts.get(path, 0) + 1
                        else:
                            in_affects = False
    path = min((p for p in counts if os.path.isfile(os.path.join(clone, p))), key=lambda p: (-counts[p], p))
    with open(os.path.join(clone, path), "a") as fh:
        fh.write("\n// changed by bench.py\n")
    subprocess.run(["git", "add", path], cwd=clone, check=True)
    return clone, path


def check_recall(argv, clone, changed, timeout):
    """One untimed `lore recall --staged --format json` run, compared with what the corpus says
    independently: the entries whose `affects` names the changed file, and the entries listing a
    commit that `git log` says changed it."""
    try:
        proc = subprocess.run([*argv, "--format", "json"], cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"failed: timed out after {timeout} s", False
    if proc.returncode != 0:
        return False, with_stderr(f"failed: exit {proc.returncode}", proc.stderr), False
    touching = set(subprocess.run(["git", "log", "--format=%H", "--no-merges", "--", changed], cwd=clone,
                                  capture_output=True, text=True, check=True).stdout.split())
    want_affects, want_commits = set(), set()
    for kind_dir in ("postmortems", "lessons", "decisions"):
        for root, _, files in os.walk(os.path.join(clone, kind_dir)):
            for name in files:
                if not name.endswith(".md"):
                    continue
                full = os.path.join(root, name)
                rel = os.path.relpath(full, clone)
                with open(full, encoding="utf-8", errors="replace") as fh:
                    items = {line[4:].strip() for line in fh if line.startswith("  - ")}
                if changed in items:
                    want_affects.add(rel)
                if items & touching:
                    want_commits.add(rel)
    try:
        result = json.loads(proc.stdout)
    except ValueError as exc:
        return False, f"check FAILED: {exc}", True
    got_affects = {e["path"] for e in result["entries"] if any(r["kind"] == "affects" for r in e["reasons"])}
    got_commits = {e["path"] for e in result["entries"] if any(r["kind"] == "commit" for r in e["reasons"])}
    ok = got_affects == want_affects and got_commits == want_commits and result["changed"] == [changed]
    note = (f"{changed} staged: {len(result['entries'])} entries recalled ({len(got_affects)} by affects, "
            f"{len(got_commits)} by listed commits; expected {len(want_affects)} and {len(want_commits)}); "
            + ("check ok" if ok else "check FAILED"))
    return ok, note, True


def lore_version(lore):
    try:
        proc = subprocess.run([lore, "--version"], capture_output=True, text=True, timeout=30)
        out = (proc.stdout or proc.stderr).strip().splitlines()
        return out[0] if proc.returncode == 0 and out else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def run_lore(lore, corpus, facts, runs, args, all_lore):
    tasks = [("lore-list", ["list", "--format", "json"], check_listing, args.ok_codes),
             ("lore-check", ["check", "--format", "json", "--today", "2025-07-01"], check_findings, {0, 1}),
             # Cold: no parse or history cache (every commit diffed, every entry parsed); warm:
             # both caches filled by the cold check run before it.
             ("lore-index-cold", ["index"], check_index, {0, 1}),
             ("lore-index-warm", ["index"], check_index, {0, 1})]
    search = ["search", *SEARCH_WORDS, "--format", "json"]
    tasks += [("lore-search", search, check_search, args.ok_codes)]
    if all_lore:
        tasks.insert(1, ("lore-list-rev", ["list", "--rev", "HEAD", "--format", "json"], check_listing, args.ok_codes))
        tasks += [("lore-search-rev", search[:1] + ["--rev", "HEAD"] + search[1:], check_search, args.ok_codes)]
    # Last, in a clone with one staged change (the index of the shared corpus is never touched):
    # the check run is the cold one and fills the caches; the timed runs are warm.
    tasks.append(("lore-recall-staged", ["recall", "--staged"], None, {0}))
    rows = []
    for key, sub, checker, ok_codes in tasks:
        argv = [lore, *sub]
        if key == "lore-index-cold":
            argv = ["/usr/bin/env", "LORE_NO_CACHE=1", *argv]
        label = "`lore " + " ".join(sub) + "`"
        if key == "lore-index-cold":
            label = "`LORE_NO_CACHE=1 lore index` (cold: every commit diffed, every entry parsed)"
        elif key == "lore-index-warm":
            label = "`lore index` (warm: history and parse caches filled)"
        row = {"key": key, "tool": "Lore", "task": label, "argv": argv}
        cwd = corpus
        if key == "lore-recall-staged":
            cwd, changed = recall_clone(corpus)
            ok, note, ran = check_recall(argv, cwd, changed, args.timeout)
        else:
            ok, note, ran = checker(argv, corpus, facts, args.timeout, ok_codes)
        row["check_ok"] = ok
        if not ran:  # the command fails outright: report that, do not time it
            row["failed"] = note.removeprefix("failed: ")
            log(f"  {key:18} FAILED: {row['failed']}")
            rows.append(row)
            continue
        row["check"] = note
        try:
            walls, rss = timed_runs(argv, cwd, runs, args.timeout, ok_codes)
            row.update(walls=walls, rss_kib=rss, wall=statistics.median(walls))
            log(f"  {key:18} {row['wall']:8.3f} s  {max(rss) / 1024:7.0f} MiB  (n={len(walls)})  "
                f"{row['check']}")
        except (RuntimeError, OSError) as exc:
            row["failed"] = str(exc)
            log(f"  {key:18} FAILED: {exc}")
        if cwd != corpus:
            shutil.rmtree(os.path.dirname(cwd), ignore_errors=True)
        rows.append(row)
    return rows


def timed_runs_each(argv, cwd, runs, timeout, ok_codes, before):
    """As timed_runs, with `before()` (untimed) ahead of every run, the warm-up's too."""
    def one():
        before()
        return measure(argv, cwd, timeout, ok_codes)
    first = one()
    if first[0] >= LONE_RUN:
        samples = [first]
    elif first[0] >= SLOW_FIRST_RUN:
        samples = [first] + [one() for _ in range(2)]
    else:
        samples = [one() for _ in range(runs)]
    return [w for w, _ in samples], [r for _, r in samples]


def tree_bytes(folder):
    """Relative path -> bytes of every file under folder."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(root, name)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, folder)] = fh.read()
    return out


def run_incremental(lore, corpus, facts, runs, args):
    """The rows of the issue-14 table that need a clone of the corpus: the hook on 3 staged entries,
    `lore index --output` and `lore publish --out` after one new commit (each timed run follows a
    commit editing one entry; the untimed warm-up before fills the caches and the previous
    output), `lore publish` cold (a fresh --out each run; caches warm), and `lore new`. After the
    runs, the updated index and site are compared byte for byte with cold runs (LORE_NO_CACHE=1,
    fresh outputs)."""
    scratch = tempfile.mkdtemp(prefix="lore-bench-inc-")
    clone = os.path.join(scratch, "repo")
    subprocess.run(["git", "clone", "-q", corpus, clone], check=True)
    env = dict(os.environ, **BENCH_COMMIT_ENV)

    def git(*argv):
        subprocess.run(["git", "-C", clone, *argv], check=True, env=env, stdout=subprocess.DEVNULL)

    entries = sorted(p for p in facts["_paths"] if os.path.isfile(os.path.join(clone, p)))
    lessons = [p for p in entries if p.startswith("lessons/")][:2]
    staged = lessons + [p for p in entries if p.startswith("postmortems/")][:1]
    rows = []

    def row(key, label, sub, before, check=None, ok_codes=(0, 1)):
        argv = [lore, *sub]
        r = {"key": key, "tool": "Lore", "task": label, "argv": argv, "check_ok": True}
        try:
            walls, rss = timed_runs_each(argv, clone, runs, args.timeout, ok_codes, before)
            r.update(walls=walls, rss_kib=rss, wall=statistics.median(walls))
            if check:
                r["check_ok"], r["check"] = check()
            log(f"  {key:18} {r['wall']:8.3f} s  {max(rss) / 1024:7.0f} MiB  (n={len(walls)})  {r.get('check', '')}")
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            r["failed"], r["check_ok"] = str(exc), False
            log(f"  {key:18} FAILED: {exc}")
        rows.append(r)

    try:
        # The hook as `lore hooks install` runs it, after 3 entries are edited anew and staged
        # before each run (as peers.py stages them for pre-commit): the kept state takes a change.
        hook_edits = iter(range(10**6))

        def stage_three():
            n = next(hook_edits)
            for path in staged:
                with open(os.path.join(clone, path), "a") as fh:
                    fh.write(f"\nEdited in the hook benchmark, run {n}.\n")
            git("add", *staged)
        row("lore-hook", "`lore check --staged --changed-since HEAD` (the installed hook; 3 entries newly staged)",
            ["check", "--staged", "--changed-since", "HEAD"], stage_three)
        git("reset", "-q", "--hard")

        edits = iter(range(10**6))

        def commit_one():
            n = next(edits)
            path = entries[(n * 7919) % len(entries)]
            with open(os.path.join(clone, path), "a") as fh:
                fh.write(f"\nEdited by the bench, commit {n}.\n")
            git("commit", "-q", "-am", f"Bench edit {n}")

        index_file = os.path.join(scratch, "index.json")
        subprocess.run([lore, "index", "--output", index_file], cwd=clone, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

        def index_same_as_cold():
            cold = subprocess.run([lore, "index"], cwd=clone, capture_output=True,
                                  env=dict(os.environ, LORE_NO_CACHE="1")).stdout
            same = open(index_file, "rb").read() == cold
            return same, "byte-identical to a cold `LORE_NO_CACHE=1 lore index`" if same else "check FAILED: differs from a cold run"
        row("lore-index-commit", "`lore index --output FILE` after one new commit", ["index", "--output", index_file],
            commit_one, index_same_as_cold)

        site = os.path.join(scratch, "site")
        def site_complete():
            ok, note, _ = check_site([lore, "publish", "--out", site], clone, facts, args.timeout, (0, 1))
            return ok, note
        row("lore-publish-cold", "`lore publish --out DIR`, cold (DIR missing; caches warm)", ["publish", "--out", site],
            lambda: shutil.rmtree(site, ignore_errors=True), site_complete)

        def site_same_as_cold():
            fresh = os.path.join(scratch, "site-cold")
            shutil.rmtree(fresh, ignore_errors=True)
            subprocess.run([lore, "publish", "--out", fresh], cwd=clone, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=dict(os.environ, LORE_NO_CACHE="1"))
            same = tree_bytes(site) == tree_bytes(fresh)
            return same, ("every file byte-identical to a cold `LORE_NO_CACHE=1 lore publish`" if same
                          else "check FAILED: differs from a cold publish")
        row("lore-publish-commit", "`lore publish --out DIR` after one new commit", ["publish", "--out", site],
            commit_one, site_same_as_cold)

        made = os.path.join(clone, "lessons")
        before_new = set(os.listdir(made))

        def clean_new():
            for name in set(os.listdir(made)) - before_new:
                os.remove(os.path.join(made, name))
        row("lore-new", "`lore new lesson TITLE`", ["new", "lesson", "Bench lesson"], clean_new, ok_codes=(0,))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return rows


def issue_table(rows):
    """The issue-14 table: every row, Lore and its peer measured in the same run, and the ratio."""
    by_key = {r["key"]: r for r in rows}
    lines = ["| Command | Lore median (s) | Lore peak RSS (MiB) | Peer or floor, same run | Peer median (s) | "
             "Peer peak RSS (MiB) | Lore ÷ peer | Goal |",
             "|---|---:|---:|---|---:|---:|---:|---|"]
    for label, key, peer_key, goal in ISSUE_ROWS:
        r, p = by_key.get(key, {}), by_key.get(peer_key, {}) if peer_key else {}
        wall = fmt_wall(r["wall"]) if "wall" in r else "—"
        rss = f"{max(r['rss_kib']) / 1024:.0f}" if "wall" in r else "—"
        peer = p.get("tool", PEER_TOOLS.get(peer_key, "—")) if peer_key else "—"
        peer_wall = fmt_wall(p["wall"]) if "wall" in p else "—"
        peer_rss = f"{max(p['rss_kib']) / 1024:.0f}" if "wall" in p else "—"
        ratio = fmt_ratio(r["wall"] / p["wall"]) if "wall" in r and "wall" in p else "—"
        lines.append(f"| {cell(label)} | {wall} | {rss} | {cell(peer)} | {peer_wall} | {peer_rss} | {ratio} | {cell(goal)} |")
    return "\n".join(lines)


def run_peers(py, peers_py, corpus, runs, out):
    """Run the shared peers.py; return its result rows keyed by task key (or raise)."""
    argv = [py, peers_py, corpus, "--only", ",".join(k for k in PEER_KEYS if not
                                                    k.startswith("floor-")),
            "--skip", ",".join(PEERS_SKIP), "--runs", str(runs), "--python", py, "--out", out]
    log(f"  {quote(argv)}")
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, cwd=os.path.dirname(out))
    if proc.returncode != 0:
        raise RuntimeError(f"peers.py exited {proc.returncode} (see its output above)")
    with open(out + ".json") as fh:
        data = json.load(fh)
    return data, {r["key"]: r for r in data["results"]}


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def fmt_wall(s):  # as peers.py
    return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"


def fmt_ratio(x):
    return f"{x:.0f}×" if x >= 100 else f"{x:.1f}×" if x >= 1 else f"{x:.2f}×"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(rows):
    floor = next((r["wall"] for r in rows if r["key"] == "floor-read" and "wall" in r), None)
    lore = next((r["wall"] for r in rows if r["key"] == "lore-list" and "wall" in r), None)
    lines = ["| Tool | Task | Median wall (s) | Peak RSS (MiB) | × read floor | "
             "Lore speed-up (peer ÷ lore) | Runs | Notes |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    check = next((r["wall"] for r in rows if r["key"] == "lore-check" and "wall" in r), None)
    validator = next((r["wall"] for r in rows if r["key"] == "py-index" and "wall" in r), None)
    for r in rows:
        notes = "; ".join(x for x in (r.get("check"), r.get("note")) if x)
        if r["key"] == "lore-check" and check and validator:
            notes += f"; the Python validator (py-index) takes {fmt_ratio(validator / check)} as long"
        if "wall" not in r:
            why = r.get("skipped") or "failed: " + r.get("failed", "?")
            notes = "; ".join(x for x in (why, notes) if x)
            lines.append(f"| {cell(r['tool'])} | {cell(r['task'])} | — | — | — | — | 0 | "
                         f"{cell(notes)} |")
            continue
        x_floor = fmt_ratio(r["wall"] / floor) if floor else "—"
        speedup = fmt_ratio(r["wall"] / lore) if lore and r["tool"] != "Lore" else "—"
        if r["key"] in ("lore-check", "git-log", "pre-commit"):  # peers of other rows (see the issue-14 table)
            speedup = "—"
        if r["key"] == "rg":  # compared with lore search, the task it does
            searched = next((x["wall"] for x in rows if x["key"] == "lore-search" and "wall" in x), None)
            speedup = fmt_ratio(r["wall"] / searched) + " (vs `lore search`)" if searched else "—"
        lines.append(f"| {cell(r['tool'])} | {cell(r['task'])} | {fmt_wall(r['wall'])} | "
                     f"{max(r['rss_kib']) / 1024:.0f} | {x_floor} | {speedup} | "
                     f"{len(r['walls'])} | {cell(notes)} |")
    return "\n".join(lines)


def peer_row(key, peers, error):
    if key in peers:
        r = peers[key]
        row = {k: r[k] for k in ("key", "tool", "task", "note", "walls", "rss_kib", "wall",
                                 "skipped", "failed") if k in r}
        if r.get("check"):
            row["check"] = "check " + r["check"]
        return row
    return {"key": key, "tool": PEER_TOOLS[key], "task": "peers.py task " + key, "failed": error}


def report(name, corpus, facts, rows, lore, version, started):
    title = (f"{facts['entries']} entries, {facts['commits']} commits, "
             f"{facts['tracked_files']} tracked files, .git {facts['git_mib']} MiB")
    return (f"### {name}: {title}\n\n"
            f"Lore: `{lore}` ({version}). Started {started}.\n"
            f"Median wall of the timed runs (warm-up discarded unless ≥ 10 s); peak RSS = largest "
            f"single process, maximum over the timed runs; ratios within this table only.\n\n"
            f"{table(rows)}\n\n"
            f"#### The issue-14 table ({name})\n\n{issue_table(rows)}\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--sizes", default="10k,100k",
                    help=f"comma-separated corpus sizes from {','.join(SIZES)} (default 10k,100k)")
    ap.add_argument("--runs", type=int,
                    help="timed runs per fast task (default 5; 3 at 100k)")
    ap.add_argument("--work", default=DEFAULT_WORK,
                    help=f"corpora, venv and results (default {DEFAULT_WORK})")
    ap.add_argument("--lore", default=DEFAULT_LORE,
                    help="lore binary (default <project>/.build/release/lore)")
    ap.add_argument("--shared", default=DEFAULT_SHARED,
                    help="the shared bench folder with gen_corpus.py and peers.py "
                         "(default <project>/../shared/bench)")
    ap.add_argument("--all-lore", action="store_true",
                    help="also measure `lore list --rev HEAD --format json`")
    ap.add_argument("--no-peers", action="store_true",
                    help="measure Lore only (no floor, Hugo or Python rows; no ratios)")
    ap.add_argument("--no-install", action="store_true",
                    help="never run apt-get or pip; fail if something is missing")
    ap.add_argument("--org", action="store_true",
                    help="run the organization corpus instead (org_bench.py: many sources, "
                         "sync and publish --org)")
    ap.add_argument("--org-sources", type=int, default=2000, help="sources of the --org corpus")
    ap.add_argument("--org-entries", type=int, default=100000, help="entries of the --org corpus, in all")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds per command before it counts as failed (default 600)")
    ap.add_argument("--ok-codes", default="0",
                    help="comma-separated exit codes accepted from lore (default 0)")
    args = ap.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = [s for s in sizes if s not in SIZES]
    if bad or not sizes:
        ap.error(f"--sizes: unknown size(s) {', '.join(bad) or '(none)'}; choose from "
                 f"{', '.join(SIZES)}")
    args.sizes = sorted(set(sizes), key=list(SIZES).index)
    if args.runs is not None and args.runs < 1:
        ap.error("--runs must be at least 1")
    try:
        args.ok_codes = tuple(int(c) for c in args.ok_codes.split(","))
    except ValueError:
        ap.error("--ok-codes: comma-separated integers expected")
    return args


def main():
    args = parse_args()
    lore = os.path.abspath(args.lore)
    if args.org:
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "org_bench.py")
        return subprocess.call([sys.executable, script, "--lore", lore, "--work", os.path.abspath(args.work),
                                "--sources", str(args.org_sources), "--entries", str(args.org_entries)])
    if not os.path.isfile(lore) or not os.access(lore, os.X_OK):
        raise SetupError(f"lore binary not found or not executable: {lore}\n"
                         f"  build it first: (cd {PROJECT} && swift build -c release)\n"
                         f"  or point --lore at a built binary")
    shared = os.path.abspath(args.shared)
    gen_corpus, peers_py = (os.path.join(shared, f) for f in ("gen_corpus.py", "peers.py"))
    requirements = os.path.join(shared, "requirements.txt")
    for f in (gen_corpus, peers_py, requirements):
        if not os.path.isfile(f):
            raise SetupError(f"{f} not found: is --shared ({shared}) the shared bench folder?")
    work = os.path.abspath(args.work)
    results = os.path.join(work, "results")
    os.makedirs(results, exist_ok=True)

    ensure_tools(need_hugo=not args.no_peers, allow_install=not args.no_install)
    py = None if args.no_peers else ensure_venv(work, requirements, not args.no_install)
    version = lore_version(lore)

    all_ok = True
    for size in args.sizes:
        name, gen_args, default_runs = SIZES[size]
        runs = args.runs or default_runs
        corpus = ensure_corpus(work, name, gen_args, gen_corpus)
        facts = corpus_facts(corpus)
        started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        log(f"[{name}] {corpus}: {facts['entries']} entries, {facts['commits']} commits; "
            f"--runs {runs}")
        lore_rows = run_lore(lore, corpus, facts, runs, args, args.all_lore)
        lore_rows += run_incremental(lore, corpus, facts, runs, args)
        peer_rows, peers_data = [], None
        if not args.no_peers:
            try:
                peers_data, peers = run_peers(py, peers_py, corpus, runs,
                                              os.path.join(results, name))
                error = "not in peers.py output"
            except (RuntimeError, OSError, ValueError, KeyError) as exc:
                peers, error = {}, str(exc)
                log(f"  peers FAILED: {exc}")
            peer_rows = [peer_row(k, peers, error) for k in PEER_KEYS]
        rows = lore_rows + peer_rows
        all_ok &= all("wall" in r for r in rows) and all(r["check_ok"] for r in lore_rows)

        md = report(name, corpus, facts, rows, lore, version, started)
        out = os.path.join(results, name + "-lore")
        with open(out + ".md", "w") as fh:
            fh.write(md)
        with open(out + ".json", "w") as fh:
            json.dump({
                "corpus": corpus, "size": size, "generator_args": gen_args,
                "facts": {k: v for k, v in facts.items() if not k.startswith("_")},
                "started": started, "runs": runs,
                "lore": {"path": lore, "version": version, "sha256": sha256_file(lore)},
                "machine": f"{os.cpu_count()} CPUs, {platform.platform()}",
                "peers_json": os.path.join(results, name + ".json") if peers_data else None,
                "peer_versions": peers_data.get("versions") if peers_data else None,
                "command": quote(sys.argv),
                "rows": rows,
            }, fh, indent=1)
            fh.write("\n")
        print(md, flush=True)
        log(f"[{name}] wrote {out}.md and {out}.json")
    return 0 if all_ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as exc:
        print(f"bench.py: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
