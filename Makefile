# Two commands for a newcomer: `make run` (set up + one fetch on the defaults)
# and `make test` (set up with dev extras + lint, layer contracts, types + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint format test-slow bench bytecode soak screenshots clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "owabi needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

# Exit code 1 means some sources failed (the summary names them); only a bad
# configuration (2) or a crash fails the make target.
run: $(STAMP)
	@$(BIN)/owabi fetch; rc=$$?; [ $$rc -le 1 ] || exit $$rc

# ruff; the import layers (pyproject.toml [tool.importlinter]); mypy strict on parsers/,
# alerts/ and collector/ (pyproject.toml [tool.mypy]).
lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(DEVSTAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# One pytest worker per core (at most 4): the suite waits on processes and sockets as much
# as it computes, and no test depends on another's order or state.
test: lint
	$(BIN)/python -m pytest -m "not slow" -n auto --maxprocesses 4

test-slow: $(DEVSTAMP)
	$(BIN)/python -m pytest -m slow

# The benchmark suite (bench/suite.py, ~10 minutes; figures, not pass/fail): poll cycles of
# 1,000 loopback sources served by nginx (owabi at several concurrencies, a bare httpx floor,
# urlwatch in its own venv), parser throughput, `owabi run` alert latency, peak RSS at 1,000
# and 10,000 sources. Writes the `## poll` and `## parse` sections of bench/results.md.
# Needs nginx (Debian: apt-get install -y nginx); it runs as a child, never as a service.
bench: $(DEVSTAMP)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || \
	  { echo "make bench needs nginx: apt-get update && apt-get install -y nginx"; exit 1; }
	$(BIN)/pip install -q beautifulsoup4
	$(MAKE) --no-print-directory bytecode
	$(BIN)/python -m bench.suite $(BENCH_ARGS)

# The bytecode caches an installed package has: the editable checkout's modules would
# otherwise be compiled again by every measured process where PYTHONDONTWRITEBYTECODE is set
# (about 70 ms of each `owabi` start-up), which no user's installation pays.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q collector alerts parsers bench

# `owabi run` against 1,000 loopback sources for ~5 minutes: RSS, fds and cycle time per
# cycle, appended to bench/results.md. `make soak SOAK_ARGS="--minutes 30"` for the long run.
# The README's screenshots of the pages (needs chromium; Japanese text needs fonts-noto-cjk).
screenshots: $(DEVSTAMP)
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_browser.py

soak: $(DEVSTAMP) bytecode
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
