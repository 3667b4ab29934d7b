# gridsight — the targets the README names. Everything installs into .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
export GRIDSIGHT_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test test-fast install browser lint dbt-parse validate bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

dbt_project/target/manifest.json: $(BIN)/.installed $(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests dbt_project/snapshots -type f) dbt_project/dbt_project.yml
	$(BIN)/python -m orchestration.dbt_project

dbt-parse: dbt_project/target/manifest.json

## The demo: generate two years of the demo world, materialize everything, serve http://localhost:8501
demo: install dbt-parse
	$(BIN)/gridsight demo

## Browser for the dashboard screenshot tests (Debian chromium + CJK fonts; needs root and apt)
browser:
	@./scripts/install_browser.sh

## The whole test suite, on two workers (each session world is built once, on one of them: tests/README.md)
test: install dbt-parse browser
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

## The unit layer, under a minute: every test not marked slow (see tests/README.md)
test-fast: install dbt-parse
	$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadgroup

## Python (ruff) and the dbt project's SQL (sqlfluff, DuckDB dialect, dbt templater; style in .sqlfluff)
lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint dbt_project/models

validate: install dbt-parse
	$(BIN)/dagster definitions validate -m orchestration.definitions

## The benchmark (bench/README.md): each page's render time on the published snapshot, built first if absent;
## imports; device telemetry ingest and marts at 1×, 10×, 100×
bench: install dbt-parse
	test -f "$(GRIDSIGHT_DATA_DIR)/serving/CURRENT" || $(BIN)/gridsight demo --no-serve
	$(BIN)/gridsight bench --scale demo
	$(BIN)/gridsight bench --imports
	$(BIN)/gridsight bench --devices

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs
