# Every target installs what it needs on a fresh machine; nothing is done by hand.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit eval bench bench-checks clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## The main job.
run: $(STAMP)
	$(BIN)/heed assess --format text examples/demo_narrative.txt

## The whole suite: lint, types, tests.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

eval: $(STAMP)
	$(BIN)/python -m heed.risk.evaluate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_assess.py

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
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
