#!/usr/bin/env python3
"""Open one tracker issue per overdue action item (and overdue review) of a Lore repository.

Reads `lore actions --overdue --format csv` and, for each row whose marker is not yet in an issue
of the forge, creates an issue with the forge's own client: `gh` (GitHub) or `glab` (GitLab).
Idempotent: every issue body ends with `<!-- lore-action: UID -->`, UID being the item's stable
calendar UID (the entry and the item's title), and issues holding a marker are never opened twice,
whether they are open or closed. Exit status: 0 when every issue could be opened.

    python3 open-overdue-issues.py --forge github [--label lore-follow-up] [--today YYYY-MM-DD] [--dry-run]
"""
import argparse
import csv
import io
import json
import re
import subprocess
import sys

MARKER = re.compile(r"<!-- lore-action: (\S+) -->")


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs).stdout


def existing_markers(forge, label):
    """UIDs already in an issue carrying the label (open or closed)."""
    if forge == "github":
        out = run(["gh", "issue", "list", "--label", label, "--state", "all", "--limit", "10000", "--json", "body"])
        bodies = [issue.get("body") or "" for issue in json.loads(out or "[]")]
    else:
        out = run(["glab", "api", "--paginate", f"projects/:id/issues?labels={label}&state=all&per_page=100"])
        bodies = []
        # --paginate concatenates one JSON array per page.
        decoder, text, index = json.JSONDecoder(), out.strip(), 0
        while index < len(text):
            page, index = decoder.raw_decode(text, index)
            bodies += [issue.get("description") or "" for issue in page]
            while index < len(text) and text[index].isspace():
                index += 1
    return {uid for body in bodies for uid in MARKER.findall(body)}


def create(forge, label, title, body):
    if forge == "github":
        run(["gh", "issue", "create", "--title", title, "--body", body, "--label", label])
    else:
        run(["glab", "issue", "create", "--title", title, "--description", body, "--label", label, "--yes"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forge", choices=["github", "gitlab"], required=True)
    parser.add_argument("--label", default="lore-follow-up")
    parser.add_argument("--today", help="the day items are judged against (default: lore's)")
    parser.add_argument("--lore", default="lore", help="the lore binary")
    parser.add_argument("--dry-run", action="store_true", help="print what would be opened; open nothing")
    args = parser.parse_args()

    command = [args.lore, "actions", "--overdue", "--format", "csv"] + (["--today", args.today] if args.today else [])
    rows = list(csv.DictReader(io.StringIO(run(command), newline="")))
    known = set() if args.dry_run else existing_markers(args.forge, args.label)
    opened = 0
    for row in rows:
        if row["state"] != "overdue" or row["uid"] in known:
            continue
        what = "Review" if row["type"] == "review" else "Overdue action item"
        title = f"{what}: {row['title']}"
        body = "\n".join([
            f"{what} from {row['entry']} (`{row['path']}`), due {row['date']}.",
            f"Owner: {row['owner'] or '(none)'}",
            "",
            "Close this issue once the item is done and marked `status: done` (or the entry has `reviewed: DATE`).",
            "",
            f"<!-- lore-action: {row['uid']} -->",
        ])
        if args.dry_run:
            print(f"would open: {title}")
        else:
            create(args.forge, args.label, title, body)
            print(f"opened: {title}")
        known.add(row["uid"])
        opened += 1
    print(f"{opened} issue{'s' if opened != 1 else ''} opened, {len(rows) - opened} already tracked", file=sys.stderr)


if __name__ == "__main__":
    main()
