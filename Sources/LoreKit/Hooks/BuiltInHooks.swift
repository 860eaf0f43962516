/// The hook scripts, compiled in. `Hooks/` at the top of the repository is the source of truth; a
/// test proves these copies match it byte for byte.
public enum BuiltInHooks {
    /// Every hook Lore has, by git hook name.
    public static let names = ["pre-commit", "commit-msg", "pre-push"]

    /// The hooks `lore hooks install` installs unless told otherwise: the ones that check.
    /// `pre-push` (recall, informational) is installed only when named.
    public static let defaultNames = ["pre-commit", "commit-msg"]

    /// The script for a hook name, or `nil`.
    public static func script(for name: String) -> String? {
        switch name {
        case "pre-commit": return preCommit
        case "commit-msg": return commitMessage
        case "pre-push": return prePush
        default: return nil
        }
    }

    static let preCommit = """
    #!/bin/sh
    # lore-hook: pre-commit (installed by `lore hooks install`; `lore hooks uninstall` restores what was here)
    # Checks exactly what is being committed: the index git names in GIT_INDEX_FILE during
    # `git commit -a` and `git commit <paths>`, the repository's index otherwise. Never writes anything.
    # Strict mode (warnings fail too): git config lore.strict true
    if [ -x "$0.lore-chained" ]; then "$0.lore-chained" "$@" || exit $?; fi
    if ! command -v lore >/dev/null 2>&1; then
        echo "lore: not found on PATH, so entries were not checked." >&2
        echo "lore: install it (in Lore's source: make release && cp .build/release/lore /usr/local/bin/)" >&2
        echo "lore: or remove this hook with: lore hooks uninstall" >&2
        exit 1
    fi
    strict=
    if [ "$(git config --bool lore.strict 2>/dev/null)" = "true" ]; then strict=--strict; fi
    # Judges the change, not the past: findings in the entries being committed, and errors the change
    # causes elsewhere (a broken backlink, a duplicate id), not old findings the commit did not touch.
    # A first commit judges everything. `lore check` without options still judges everything (for CI).
    since=
    if git rev-parse --verify -q HEAD >/dev/null 2>&1; then since="--changed-since HEAD"; fi
    lore check --staged $since $strict
    status=$?
    # Exit 3: a repository shape Lore cannot read (SHA-256, split index ...). The commit is refused
    # unless the team chose otherwise: git config lore.allowUnreadable true
    if [ $status -eq 3 ] && [ "$(git config --bool lore.allowUnreadable 2>/dev/null)" = "true" ]; then
        echo "lore: warning: entries were not checked (see above); committing anyway because lore.allowUnreadable is set" >&2
        exit 0
    fi
    exit $status

    """

    static let commitMessage = """
    #!/bin/sh
    # lore-hook: commit-msg (installed by `lore hooks install`; `lore hooks uninstall` restores what was here)
    # Refuses a commit whose message has a `Lore: ID` trailer naming an entry that does not exist in
    # the snapshot being committed.
    if [ -x "$0.lore-chained" ]; then "$0.lore-chained" "$@" || exit $?; fi
    if ! command -v lore >/dev/null 2>&1; then
        echo "lore: not found on PATH, so Lore: trailers were not checked." >&2
        echo "lore: install it (in Lore's source: make release && cp .build/release/lore /usr/local/bin/)" >&2
        echo "lore: or remove this hook with: lore hooks uninstall" >&2
        exit 1
    fi
    lore trailers --staged "$1"
    status=$?
    # Exit 3: a repository shape Lore cannot read; allowed only with: git config lore.allowUnreadable true
    if [ $status -eq 3 ] && [ "$(git config --bool lore.allowUnreadable 2>/dev/null)" = "true" ]; then
        echo "lore: warning: Lore: trailers were not checked (see above); committing anyway because lore.allowUnreadable is set" >&2
        exit 0
    fi
    exit $status

    """

    static let prePush = #"""
    #!/bin/sh
    # lore-hook: pre-push (installed by `lore hooks install --hook pre-push`; `lore hooks uninstall` restores what was here)
    # Prints the entries that matter for the code being pushed: `lore recall --rev BASE..LOCAL` for
    # each pushed ref (BASE: what the remote has, or for a new branch the parent of the oldest commit
    # no remote-tracking branch of this remote has). Informational only: it never blocks a push.
    refs=$(cat)
    if [ -x "$0.lore-chained" ]; then printf '%s\n' "$refs" | "$0.lore-chained" "$@" || exit $?; fi
    if ! command -v lore >/dev/null 2>&1; then
        echo "lore: not found on PATH, so nothing was recalled for this push." >&2
        exit 0
    fi
    zero=0000000000000000000000000000000000000000
    printf '%s\n' "$refs" | while read -r local_ref local_sha remote_ref remote_sha; do
        [ -n "$local_sha" ] && [ "$local_sha" != "$zero" ] || continue    # nothing, or a deleted ref
        if [ "$remote_sha" != "$zero" ] && git cat-file -e "$remote_sha^{commit}" 2>/dev/null; then
            range="$remote_sha..$local_sha"
        else
            first=$(git rev-list --topo-order --reverse "$local_sha" --not --remotes="$1" 2>/dev/null | head -n 1)
            [ -n "$first" ] || continue
            if git rev-parse -q --verify "$first^" >/dev/null 2>&1; then range="$first^..$local_sha"; else range="$local_sha"; fi
        fi
        echo "lore: recall for $local_ref -> $remote_ref" >&2
        lore recall --rev "$range" >&2 || echo "lore: recall failed (see above); pushing anyway" >&2
    done
    exit 0

    """#
}
