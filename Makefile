# Lore — organizational memory kept in git.
#   make demo    build lore and run it on a freshly built example memory repository
#   make test    run every test (installs the Debian packages it needs when missing)
#   make bench   measure lore against its peers on generated corpora (slow; not run by CI)
#   make screenshots  refresh docs/images/site-*.png from the browser test
#   make embed   recompile the templates, theme and hooks into the library after editing them
#   make mcp-test  the end-to-end test of `lore mcp` with the official MCP Python SDK (part of make test)

SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PACKAGES   := libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev libcurl4-openssl-dev pkg-config git python3 python3-jsonschema

VENV       := $(CURDIR)/.build/venv
MCP_VENV   := $(CURDIR)/.build/venv-mcp
MCP_PYPI   := mcp==2.3.0 pytest
BROWSER_PACKAGES := chromium chromium-driver python3-venv

.PHONY: all deps browser-deps mcp-deps build release demo test browser-test mcp-test screenshots bench embed clean

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

# The client of the `lore mcp` test: the official MCP Python SDK and pytest (PyPI) in a virtual
# environment under .build. Best effort: without PyPI the test is skipped, saying so.
mcp-deps:
	@if ! "$(MCP_VENV)/bin/python" -c 'import mcp, pytest' 2>/dev/null; then \
	  echo "installing $(MCP_PYPI) into $(MCP_VENV)"; \
	  ( python3 -m venv "$(MCP_VENV)" && "$(MCP_VENV)/bin/pip" install -q $(MCP_PYPI) ) \
	    || echo "note: could not install $(MCP_PYPI) (is PyPI reachable?); the lore mcp test will be skipped"; \
	fi

build: deps
	$(SWIFT) build

# The Swift runtime is linked statically (libgit2, cmark-gfm and SQLite stay Debian's shared
# libraries): the binary runs where Swift is not installed, and starts faster, which the
# pre-commit hook pays on every commit.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

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

test: deps browser-deps mcp-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory mcp-test
	@$(MAKE) --no-print-directory browser-test

# Runs when the MCP SDK is installed (mcp-deps); a failure fails `make test`.
mcp-test:
	@if "$(MCP_VENV)/bin/python" -c 'import mcp, pytest' 2>/dev/null; then \
	  LORE="$(CURDIR)/.build/debug/lore" "$(MCP_VENV)/bin/python" -m pytest -q -p no:cacheprovider Tests/MCP/mcp_test.py; \
	else echo "lore mcp test skipped: the mcp Python SDK is not installed (make mcp-deps; PyPI unreachable?)"; fi

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

clean:
	rm -rf .build
