#!/bin/sh
# Build Lore's demo repository: a git repository whose final tree is exactly
# Examples/memory, with a realistic, fixed history of fourteen commits.
#
#   Examples/build-demo-repo.sh DEST
#
# DEST must not exist or must be an empty directory. Every run produces the
# same commit ids: authors, committers and dates are fixed, and the user's and
# the system's git configuration are ignored.
#
# Examples/memory holds only the final version of each file. Where the history
# needs an earlier version (a draft postmortem, a decision before it was
# superseded, a TTL before it was lowered), the script derives it from the final
# file with sed, and stops if the sed no longer changes anything. The one
# exception is pool.go before it had limits, which is written out in full below.
set -eu

prog=build-demo-repo.sh

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $prog DEST   (DEST must not exist, or be an empty directory)" >&2
    exit 2
fi
dest=$1

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
src=$here/memory
if [ ! -f "$src/.lore/config.yml" ]; then
    echo "$prog: example content not found at $src" >&2
    exit 1
fi

if [ -e "$dest" ] || [ -L "$dest" ]; then
    if [ ! -d "$dest" ]; then
        echo "$prog: $dest exists and is not a directory; choose a new path" >&2
        exit 2
    fi
    if [ -n "$(ls -A -- "$dest")" ]; then
        echo "$prog: $dest exists and is not empty; refusing to build the demo repository there" >&2
        exit 2
    fi
fi
mkdir -p -- "$dest"
dest=$(CDPATH='' cd -- "$dest" && pwd)

# Ignore everything that could make the result depend on the machine.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
    GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CONFIG GIT_CONFIG_PARAMETERS \
    GIT_CONFIG_COUNT GIT_TEMPLATE_DIR GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
    GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL 2>/dev/null || true

cd "$dest"
git init -q -b main
git config core.autocrlf false
git config core.fileMode true

# put PATH: add the final version of PATH from the example content.
put() {
    mkdir -p -- "$(dirname -- "$1")"
    cp -- "$src/$1" "$1"
    chmod 644 "$1"
    git add -- "$1"
}

# derive PATH TARGET SED-ARGS...: add an earlier version of PATH, made by
# running sed over the final version, as TARGET (usually the same path).
derive() {
    from=$1 to=$2
    shift 2
    mkdir -p -- "$(dirname -- "$to")"
    sed "$@" "$src/$from" >"$to"
    chmod 644 "$to"
    if cmp -s "$src/$from" "$to"; then
        echo "$prog: the earlier version of $from is identical to the final one;" \
            "update the sed expressions in this script" >&2
        exit 1
    fi
    git add -- "$to"
}

# commit NAME EMAIL DATE: commit what is staged, message on standard input.
commit() {
    GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL=$2 GIT_AUTHOR_DATE=$3 \
    GIT_COMMITTER_NAME=$1 GIT_COMMITTER_EMAIL=$2 GIT_COMMITTER_DATE=$3 \
        git commit -q --no-verify --cleanup=whitespace -F -
}

priya() { commit "Priya Raman" priya.raman@fernhill.example "$1"; }
tomas() { commit "Tomás Okafor" tomas.okafor@fernhill.example "$1"; }
mei() { commit "Mei Lin" mei.lin@fernhill.example "$1"; }
dmitri() { commit "Dmitri Volkov" dmitri.volkov@fernhill.example "$1"; }

pm1=postmortems/2024/2024-03-12-payments-api-connection-pool-exhaustion.md
pm2=postmortems/2024/2024-05-28-expired-ingress-certificate.md
pm2_typo=postmortems/2024/2024-05-28-expired-ingress-certifcate.md
pm3=postmortems/2024/2024-09-17-edge-dns-push-with-day-long-ttl.md
ll1=lessons/size-pools-from-the-database-limit-down.md
ll2=lessons/alert-on-expiry-dates-not-on-failures.md
ll3=lessons/a-ttl-is-how-long-a-mistake-outlives-its-revert.md
dr1=decisions/0001-per-service-connection-pool-limits.md
dr2=decisions/0002-renew-certificates-with-a-cluster-cronjob.md
dr3=decisions/0003-use-cert-manager-with-expiry-alerts.md

# 1. The configuration comes first.
put .lore/config.yml
priya 2024-02-05T09:30:00+00:00 <<'EOF'
Start the platform team's memory repository

Postmortems, lessons and decisions live here from now on, as Markdown
with front-matter, so they can be searched, linked and reviewed like
code. The old wiki pages stay read-only.
EOF

# 2. Code that later entries are about, as it was in February: dns.tf with
# day-long TTLs and the old load balancer, pool.go without any limits.
derive src/edge/dns.tf src/edge/dns.tf \
    -e '/^# TTL policy:/,/^$/d' \
    -e 's/^  ttl     = 300 # load-balancer record: keep short (PM-0003)$/  ttl     = 86400/' \
    -e 's/^  records = \["203\.0\.113\.42", "203\.0\.113\.43"\]$/  records = ["203.0.113.10"]/'
put src/certs/renew.py
mkdir -p src/payments
cat >src/payments/pool.go <<'EOF'
// Package payments holds payments-api's access to the payments-db cluster.
package payments

import (
	"database/sql"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// OpenPool opens the payments-db pool.
func OpenPool(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open payments-db: %w", err)
	}
	db.SetConnMaxLifetime(30 * time.Minute)
	return db, nil
}
EOF
chmod 644 src/payments/pool.go
git add src/payments/pool.go
mei 2024-02-06T10:15:00+08:00 <<'EOF'
Import the code the platform team is on call for

The edge DNS records (imported from the console with terraform import),
payments-api's database pool, and the ACME renewal script that has run
from root's crontab on ops-bastion-02 since 2022. Entries can now point
at them with `affects`.
EOF

# 3. PM-0001 as its author's first draft: action items open, no links yet.
derive "$pm1" "$pm1" \
    -e 's/^status: published$/status: draft/' \
    -e 's/^    status: done$/    status: open/' \
    -e 's/^    status: wont-do$/    status: open/' \
    -e '/LL-0001/d' -e '/DR-0001/d'
tomas 2024-03-14T11:05:00+00:00 <<'EOF'
Add draft postmortem for the payments-db connection exhaustion

Timeline from the incident channel, numbers from the payments
dashboards. Review is on 21 March.

Lore: PM-0001
EOF

# 4. The lesson and the decision that came out of the review.
put "$ll1"
put "$dr1"
priya 2024-03-21T15:20:00+00:00 <<'EOF'
Record the pool-sizing lesson and the payments-db connection budget

Outcome of the PM-0001 review. The budget table in DR-0001 is the one
every payments-db client sizes its pool from.

Lore: LL-0001, DR-0001
EOF

# 5. The code change that implements the decision (two Lore trailers).
put src/payments/pool.go
tomas 2024-03-22T10:00:00+00:00 <<'EOF'
payments: bound the payments-db pool and the wait for a connection

15 connections per pod, 16 pods at most: payments-api's 240 from the
budget. Requests that cannot get a connection within 250 ms now fail
with 503 instead of queueing until the client times out.

Lore: PM-0001
Lore: DR-0001
EOF

# 6. A reviewer publishes PM-0001 and closes its action items.
put "$pm1"
priya 2024-03-25T09:45:00+00:00 <<'EOF'
Publish PM-0001 after the review

Links the lesson and the decision, marks three action items done and
PgBouncer as won't do (see DR-0001, option 2).

Lore: PM-0001
EOF

# 7. PM-0002 in review, under a misspelt file name.
derive "$pm2" "$pm2_typo" \
    -e 's/^status: published$/status: in-review/' \
    -e 's/^    status: done$/    status: open/' \
    -e '/LL-0002/d' -e '/DR-0002/d'
dmitri 2024-05-30T14:30:00+02:00 <<'EOF'
Add postmortem for the expired wildcard certificate

In review until the action items have owners.

Lore: PM-0002
EOF

# 8. The rename: same content, corrected slug.
git mv -- "$pm2_typo" "$pm2"
mei 2024-06-03T09:10:00+08:00 <<'EOF'
Fix the misspelt file name of PM-0002

certifcate -> certificate. The id does not change, so links to PM-0002
keep working.
EOF

# 9. Code from one of PM-0002's action items.
put src/certs/expiry-alerts.yaml
dmitri 2024-06-04T11:00:00+02:00 <<'EOF'
certs: alert on served certificate expiry and on a stale renewal job

Ticket at 21 days, page at 7, measured by the blackbox probe on what
clients are actually served.

Lore: PM-0002
EOF

# 10. PM-0002 published together with its lesson and decision.
derive "$pm2" "$pm2" \
    -e '/^  - title: Evaluate cert-manager/,/^    status:/s/^    status: done$/    status: open/'
put "$ll2"
derive "$dr2" "$dr2" \
    -e 's/^status: superseded$/status: accepted/' \
    -e '/^superseded_by:/d' \
    -e '/^> Superseded on /,/^$/d'
dmitri 2024-06-11T16:00:00+02:00 <<'EOF'
Publish PM-0002 with its lesson and the renewal decision

Renewal moves into the cert-renew CronJob (DR-0002); cert-manager is
deferred until the ingress controller upgrade.

Lore: PM-0002, LL-0002
EOF

# 11-12. The DNS incident, then the TTL fix, which closes two action items.
derive "$pm3" "$pm3" -e 's/^    status: done$/    status: open/'
put "$ll3"
mei 2024-09-19T10:30:00+08:00 <<'EOF'
Add postmortem and lesson for the edge DNS push

Still in review: the impact numbers for partners are estimates until
their own reports arrive.

Lore: PM-0003, LL-0003
EOF

put src/edge/dns.tf
put "$pm3"
mei 2024-09-20T09:00:00+08:00 <<'EOF'
edge: sync dns.tf with production; 300 s TTL for load-balancer records

api and checkout now point at lb-sg-2, as they do in production. They
move whenever traffic moves, and a day-long TTL made a 22-minute
mistake last almost two hours. lb-sg-1 keeps forwarding and
its deletion moves from 20 to 27 September, well past twice the old TTL.
Both action items due today are marked done in PM-0003.

Lore: PM-0003
EOF

# 13. cert-manager supersedes the CronJob decision; both sides agree.
put src/certs/certificate.yaml
put "$dr3"
put "$dr2"
put "$pm2"
dmitri 2024-10-15T13:30:00+02:00 <<'EOF'
Adopt cert-manager for the ingress certificates

DR-0003 supersedes DR-0002. The expiry alerts stay as they are;
renew.py stays for the SFTP gateway only. Closes the last open action
item of PM-0002.

Lore: DR-0003, DR-0002
EOF

# 14. The README that explains all of the above.
put README.md
priya 2024-10-16T08:50:00+01:00 <<'EOF'
Add a README for newcomers

What is in this repository and which links to look at first.
EOF

# The final tree must be exactly the example content.
expected=$(cd "$src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
actual=$(git ls-files | LC_ALL=C sort)
if [ "$expected" != "$actual" ]; then
    echo "$prog: the history does not add exactly the files in $src; update this script:" >&2
    printf '%s\n' "$expected" >"$dest/.git/lore-expected"
    printf '%s\n' "$actual" >"$dest/.git/lore-actual"
    diff "$dest/.git/lore-expected" "$dest/.git/lore-actual" >&2 || true
    exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
    echo "$prog: files were left uncommitted; update this script" >&2
    git status --short >&2
    exit 1
fi
set -f
for f in $actual; do
    if ! cmp -s "$src/$f" "$f"; then
        echo "$prog: $f in the final commit differs from $src/$f; update this script" >&2
        exit 1
    fi
done

echo "Demo repository at $dest: $(git rev-list --count HEAD) commits, HEAD $(git rev-parse --short HEAD)"
