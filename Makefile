# Two commands for a newcomer: `make run` (set up + one fetch on the defaults)
# and `make test` (set up with dev extras + lint + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint format test-slow bench clean

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

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEVSTAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(DEVSTAMP)
	$(BIN)/python -m pytest -m slow

# Parser throughput over ../shared/corpus; appends to bench/results.md.
bench: $(DEVSTAMP)
	$(BIN)/pip install -q beautifulsoup4 && $(BIN)/python bench/parse_bench.py

clean:
	rm -rf $(VENV) build *.egg-info
