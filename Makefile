# Two commands on a fresh machine with Python 3.11 and pip: `make demo` and `make test`.
# Each creates .venv when missing and installs the project with its test extra first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test test-fast lint demo bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The whole suite, slow end-to-end tests included (what CI runs).
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

## Everything but the tests marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check crawler spiders tests bench

## The offline demo: a local feed server, the real daemon, console alerts.
demo: $(STAMP)
	$(BIN)/wirewatch demo

## Every benchmark at its default size (long: see bench/RESULTS.md for each one alone).
bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
