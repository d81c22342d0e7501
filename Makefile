# Two commands on a fresh machine:  `make run` (build everything on DuckDB)  and  `make test` (all tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
RAW_DIR ?= seeds
PYTEST_ARGS ?=
# The predicted-value fit's own venv (Python 3.12): set here, before `test` names it as a prerequisite.
CLV_VENV := build/venv-clv
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.DEFAULT_GOAL := help
.PHONY: help venv dev-venv check-raw run build publish docs docs-serve lint lint-sql test test-fast generate clean pg-up pg-down pg-check pg-build report chromium bench mutation bi bi-down spark-up spark-down bi-export lint-python clv-venv predict metrics

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check

# One venv, filled per job: requirements/runtime.txt (+ the project's commands, pyproject.toml) for `make run`,
# one sentinel per extra set (requirements/<set>.txt), and everything for `make test`; any order works.
$(BIN)/.runtime-installed: requirements/runtime.txt pyproject.toml
	@echo "Installing requirements/runtime.txt and the project's commands into $(VENV) (1-2 minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/runtime.txt
	$(PIP_INSTALL) --no-deps --editable .
	touch $@

$(BIN)/.%-installed: requirements/%.txt requirements/runtime.txt $(BIN)/.runtime-installed
	@echo "Installing requirements/$*.txt into $(VENV)"
	$(PIP_INSTALL) -r $<
	touch $@
.PRECIOUS: $(BIN)/.%-installed

$(BIN)/.dev-installed: $(wildcard requirements/*.txt) $(BIN)/.runtime-installed
	@echo "Installing requirements/test.txt (every engine, the semantic layer, the notebook, the test tools) into $(VENV)"
	$(PIP_INSTALL) -r requirements/test.txt
	touch $@

# The venv of `make test` holds every set: once it exists, a lighter target needs nothing more.
venv_with = $(if $(wildcard $(BIN)/.dev-installed),$(BIN)/.dev-installed,$(BIN)/.$(1)-installed)

venv: $(BIN)/.runtime-installed ## Create .venv with the pinned runtime dependencies and the project's commands

dev-venv: $(BIN)/.dev-installed ## Create .venv with every dependency (all engines, notebook, metrics, tests)

check-raw: venv ## Check the raw CSVs exist and have the exact expected headers
	@$(BIN)/python -m scripts.check_raw_files $(RAW_DIR)

run: check-raw ## Set up, load the sample, build + test every model on DuckDB, generate docs
	$(DBT) seed
	$(DBT) build
	$(DBT) docs generate --static
	@echo "Marts published to serving/ecommerce_marts.duckdb (schema marts) for BI tools and the notebook; browse the docs with: make docs-serve"

build: venv ## dbt build only (models + tests), on the current target
	$(DBT) build

publish: venv ## Publish the marts as they are in the working database (after a partial build, e.g. slim CI)
	$(DBT) run-operation publish

docs: venv ## Generate the dbt docs site: target/index.html and the single file target/static_index.html
	$(DBT) docs generate --static

docs-serve: docs ## Serve the docs site on http://127.0.0.1:8080
	$(DBT) docs serve --host 127.0.0.1 --port 8080

serving/ecommerce_marts.duckdb:
	$(MAKE) run

metrics: $(call venv_with,metrics) serving/ecommerce_marts.duckdb ## Semantic layer only (no Spark, no notebook): validate the metrics, query monthly revenue
	$(BIN)/mf validate-configs
	$(BIN)/mf query --saved-query monthly_revenue_and_growth

report: $(call venv_with,report) serving/ecommerce_marts.duckdb ## Execute the notebook on the marts; charts + HTML into reports/
	$(BIN)/python scripts/run_notebook.py --report-dir reports

LINT_DIR := build/lint
DBT_SCORE_VENV := build/venv-dbt-score
DBT_COVERAGE_VENV := build/venv-dbt-coverage
# dbt for the metadata checks: an empty build (`dbt run --empty`) in its own DuckDB file and target folder.
LINT_DBT := ECOMMERCE_DUCKDB_PATH=$(LINT_DIR)/catalog.duckdb DBT_TARGET_PATH=$(LINT_DIR)/target \
	DBT_LOG_PATH=$(LINT_DIR)/logs $(DBT)

# dbt-score and dbt-coverage pin other versions of dbt's libraries than the project: each gets its own venv.
$(DBT_SCORE_VENV)/.installed: lint/requirements-dbt-score.txt
	$(PYTHON) -m venv $(DBT_SCORE_VENV)
	$(DBT_SCORE_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

$(DBT_COVERAGE_VENV)/.installed: lint/requirements-dbt-coverage.txt
	$(PYTHON) -m venv $(DBT_COVERAGE_VENV)
	$(DBT_COVERAGE_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

lint: dev-venv $(DBT_SCORE_VENV)/.installed $(DBT_COVERAGE_VENV)/.installed ## ruff, sqlfluff, dbt-score, dbt-coverage and the graph rules; fails on any regression
	$(MAKE) --no-print-directory lint-python
	$(MAKE) --no-print-directory lint-sql
	rm -rf $(LINT_DIR)/target $(LINT_DIR)/catalog.duckdb
	$(LINT_DBT) seed --quiet
	$(LINT_DBT) run --empty --quiet
	$(LINT_DBT) docs generate --quiet
	$(DBT_SCORE_VENV)/bin/dbt-score lint --manifest $(LINT_DIR)/target/manifest.json --show failing-items
	$(DBT_SCORE_VENV)/bin/dbt-score lint --manifest $(LINT_DIR)/target/manifest.json --format json \
		> $(LINT_DIR)/dbt-score.json
	$(DBT_COVERAGE_VENV)/bin/dbt-coverage compute test --run-artifacts-dir $(LINT_DIR)/target \
		--cov-report $(LINT_DIR)/coverage-test.json > $(LINT_DIR)/coverage-test.txt
	@grep "^Total" $(LINT_DIR)/coverage-test.txt
	$(BIN)/python -m scripts.check_lint_thresholds --dbt-score $(LINT_DIR)/dbt-score.json \
		--coverage $(LINT_DIR)/coverage-test.json --manifest $(LINT_DIR)/target/manifest.json \
		--thresholds lint/thresholds.json
	$(BIN)/python -m scripts.check_project_graph --manifest $(LINT_DIR)/target/manifest.json \
		--exceptions lint/evaluator_exceptions.json

lint-python: $(call venv_with,lint) ## ruff check and ruff format --check on every Python file (settings: pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# sqlfluff's dbt templater compiles against the `lint` target (.sqlfluff, profiles.yml): an empty in-memory
# DuckDB, so `sqlfluff lint <file>` in an editor or a pre-commit hook gives what this target gives.
lint-sql: $(call venv_with,lint) ## sqlfluff on models, tests and analyses (fails on any violation)
	$(BIN)/sqlfluff lint models tests/singular analyses

chromium: ## Install Debian's headless Chromium for the docs-site test (when missing)
	@scripts/ensure_chromium.sh

test: dev-venv chromium lint $(CLV_VENV)/.installed ## Set up and run every test (lint, dbt builds on every engine, pytest)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: dev-venv chromium lint ## Every test except the slow Spark builds, the Superset dashboard and the CLV fit
	$(BIN)/python -m pytest -m "not spark and not spark_cluster and not superset and not clv" $(PYTEST_ARGS)

bench: dev-venv ## Benchmark 100k/1M/10M transactions (about an hour); writes bench/results.md
	$(BIN)/python -m bench.run_bench

mutation: dev-venv ## Inject each bug of mutation/catalogue.yml, run the fast checks; writes mutation/results.md
	$(BIN)/python -m mutation.run

generate: venv ## Regenerate the committed seed sample (deterministic)
	$(BIN)/python scripts/generate_data.py --out seeds --seed 42 --customers 200 --products 100 \
		--transactions 1000 --dirty-rate 0.02
	rm -f seeds/defects.csv

PG_STATE ?= build/pg

pg-up: venv ## Start a throwaway PostgreSQL 15 on 127.0.0.1 (then: source build/pg/env.sh)
	@$(BIN)/python scripts/pg_server.py start --state-dir $(PG_STATE)

pg-down: venv ## Stop the throwaway PostgreSQL and delete its data
	@$(BIN)/python scripts/pg_server.py stop --state-dir $(PG_STATE)

pg-check: venv ## Check the PG* connection settings; one readable line on failure
	@$(BIN)/python scripts/pg_server.py check

# People build their own prefixed schemas (`dev`); the scheduled run says PG_TARGET=prod (README, "Environments").
PG_TARGET ?= dev

pg-build: check-raw pg-check ## dbt seed + build on PostgreSQL, target PG_TARGET (default dev: schemas dbt_<login>_*)
	$(DBT) seed --target $(PG_TARGET)
	$(DBT) build --target $(PG_TARGET)

SPARK_STATE ?= build/spark-cluster

spark-up: venv ## Start a Spark standalone cluster + Thrift server on 127.0.0.1 (then: source build/spark-cluster/env.sh)
	@$(BIN)/python scripts/spark_cluster.py start --state-dir $(SPARK_STATE)

spark-down: venv ## Stop the Spark cluster that `make spark-up` started (keeps its warehouse)
	@$(BIN)/python scripts/spark_cluster.py stop --state-dir $(SPARK_STATE)

bi: venv ## Superset (own venv) on 127.0.0.1 with the marts dashboard; prints URL + new admin password
	@$(BIN)/python -m bi.superset_cli up

bi-down: venv ## Stop the Superset that `make bi` started
	@$(BIN)/python -m bi.superset_cli down

bi-export: venv ## Write the dashboard as Superset holds it (edited in its UI) back into bi/superset/dashboard/
	@$(BIN)/python -m bi.superset_cli export

# Predicted customer value: pymc-marketing needs Python >= 3.12, so the fit has its own venv (about 800 MB,
# about 4 minutes to install). PYTHON312 is python3.12 on PATH or pyenv's; set it to use another.
PYTHON312 ?= $(shell for p in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { echo $$p; break; }; done)
DBT_VARS ?= {}

$(CLV_VENV)/.installed: clv/requirements-clv.txt
	@test -n "$(PYTHON312)" || { echo "make clv-venv: no Python 3.12 found (pymc-marketing needs it): install python3.12 or run make PYTHON312=/path/to/python3.12"; exit 1; }
	$(PYTHON312) -m venv $(CLV_VENV)
	$(CLV_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	touch $@

clv-venv: $(CLV_VENV)/.installed ## The predicted-value fit's own venv (Python 3.12, pymc-marketing; about 800 MB)

# On PostgreSQL: DBT_TARGET=dev make predict (or prod, ci, postgres); the fit reads a DuckDB copy of its input.
predict: venv $(CLV_VENV)/.installed ## Build, fit predicted customer value as of DBT_VARS (e.g. DBT_VARS='{as_of_date: "2024-06-30"}'), build again
	$(DBT) build --vars '$(DBT_VARS)'
	$(BIN)/python -m scripts.fit_input build/clv/fit_input.duckdb
	$(CLV_VENV)/bin/python -m clv.predict --serving build/clv/fit_input.duckdb --out build/clv
	$(BIN)/python -m scripts.load_predictions build/clv
	$(DBT) build --vars '$(DBT_VARS)'

clean: ## Remove build output (keeps .venv)
	rm -rf target logs ecommerce.duckdb ecommerce.duckdb.wal build serving
