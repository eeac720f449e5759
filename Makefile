# The two commands of a fresh machine: `make run` and `make test`.
# Each creates (or reuses) the virtual environment .venv and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint build bench docs clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Build the bundled data and start the SPARQL endpoint and the dashboard.
run: install
	$(BIN)/custodiet build
	$(BIN)/custodiet up

## Lint, type-check and run the whole test suite.
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

build: install
	$(BIN)/custodiet build

bench: install
	$(BIN)/python -m bench.run

docs: install
	$(BIN)/custodiet docs

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
