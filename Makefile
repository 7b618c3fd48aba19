# AIAnimals — `make run` starts everything on http://127.0.0.1:8000, `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/aianimals up

test: $(STAMP)
	$(BIN)/python -m pytest -q
	@if [ -n "$$CI" ] || $(BIN)/python -c 'import psycopg, sys; psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=2).close()' 2>/dev/null; then \
		echo "== the same suite against PostgreSQL ($(PG_URL))"; \
		AIANIMALS_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q; \
	else \
		echo "== PostgreSQL not reachable at 127.0.0.1:5432: suite ran on SQLite only"; \
	fi

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	AIANIMALS_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench deploy scripts
	$(BIN)/ruff format --check src tests bench deploy scripts
	$(BIN)/mypy
	$(BIN)/python scripts/import_graph.py

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	$(BIN)/python bench/import.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
