# renown — every target sets up what it needs; nothing has to be installed by hand first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RENOWN_HOME ?= .renown/demo

.PHONY: demo test lint bench clean system-deps validate e2e screenshots tour audit

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "renown needs Python 3.11 or newer"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[graph,spark,dev]'
	touch $(STAMP)

# System packages, one target each so that a target asks only for what it uses:
# PySpark (the scale-out engine, tested in local mode) needs a Java runtime; the browser
# tests and the screenshots need Debian's chromium. system-deps is both (make test).
.PHONY: java chromium
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq default-jre-headless; \
	  else echo "PySpark needs Java: run 'sudo apt-get install default-jre-headless'" >&2; exit 1; fi; }

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "The browser tests need chromium: run 'sudo apt-get install chromium'" >&2; exit 1; fi; }

system-deps: java chromium

## make demo: serve the product on 127.0.0.1:8000 with a scored synthetic organisation
## and a printed sign-in for every role ('renown demo' still prints the CLI leaderboard).
demo: $(STAMP)
	$(BIN)/renown serve --demo --home $(RENOWN_HOME)

## make test: the whole test suite (SQL-free, Spark in local mode), one worker per core;
## each test file stays on one worker, in its order (a browser test may follow another).
test: $(STAMP) system-deps
	$(BIN)/pytest -q -n auto --dist loadfile -m "not realdata"

## make lint: ruff, mypy strict on renown/, import contracts.
lint: $(STAMP)
	$(BIN)/ruff check renown tests bench
	$(BIN)/ruff format --check renown tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## make crash: kill the server and the worker during concurrent writes (3 rounds) and prove
## that no acknowledged write is lost or duplicated; SQLite, and PostgreSQL when
## RENOWN_TEST_DATABASE_URL names a server. Not part of make test (it starts real processes).
.PHONY: crash
crash: $(STAMP)
	$(BIN)/python -m tests.crash

## make audit: bandit on renown/ (findings fixed or reviewed in place) and pip-audit on the
## installed dependencies (fails on any known vulnerability).
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r renown
	$(BIN)/pip-audit --skip-editable --progress-spinner off

## make bench: performance figures against peer libraries (not part of the tests).
bench: $(STAMP)
	$(BIN)/python -m bench.run

## make bench-scale: the scaling curve. 'renown score' on synthetic lakes of 1M, 10M and 100M
## events (generated once by 'python -m bench.synth', kept in $TMPDIR/renown-scale-lakes), with
## the local engine, Spark local mode and a throwaway standalone cluster, each run in a fresh
## process: events/s, peak memory of the process tree, the crossover point. Writes
## bench/out/scale.json and redraws docs/images/scaling.svg (+ .json). About 80 minutes on
## two cores; SCALE_ARGS='--sizes 1M,10M' for less. Not part of make test.
.PHONY: bench-scale
bench-scale: $(STAMP) system-deps
	$(BIN)/python -m bench.scale $(SCALE_ARGS)

## make load: 50 users signed in to 'renown serve' (default configuration) reading and
## writing for 60 s on the 10,000-person demo organisation; p50/p95/p99 of reads and writes,
## errors and requests/s on SQLite, and on PostgreSQL when RENOWN_TEST_DATABASE_URL names a
## server (in a schema of its own, dropped afterwards). Not part of make test.
.PHONY: load
load: $(STAMP)
	$(BIN)/python -m bench.load

## make validate: real-data validations (needs RENOWN_DATA_HOME).
validate: $(STAMP) system-deps
	@test -n "$$RENOWN_DATA_HOME" || { echo "make validate needs RENOWN_DATA_HOME (folder of the public data sets)" >&2; exit 1; }
	$(BIN)/pytest -q -m realdata

## make spark-cluster: the Spark engine on a real standalone cluster. Starts a master and a
## worker from the installed PySpark (127.0.0.1, free ports, logs in a temporary folder), runs
## tests/cluster against them (the local engine's scores to 1e-6 and identical ranks on a
## synthetic organisation, on email-Eu-core and through 'renown score --master'), and stops
## both whatever happens. Needs RENOWN_DATA_HOME; a skipped test fails. Not part of make test.
.PHONY: spark-cluster
spark-cluster: $(STAMP) system-deps
	@test -n "$$RENOWN_DATA_HOME" || { echo "make spark-cluster needs RENOWN_DATA_HOME (folder of the public data sets)" >&2; exit 1; }
	RENOWN_SPARK_CLUSTER_STRICT=1 $(BIN)/python scripts/spark_cluster.py -- $(BIN)/pytest -q tests/cluster

## make validity-docs: docs/validity.md, the validation tables of the public data sets
## (needs RENOWN_DATA_HOME; the same code path as the real-data tests).
.PHONY: validity-docs
validity-docs: $(STAMP)
	@test -n "$$RENOWN_DATA_HOME" || { echo "make validity-docs needs RENOWN_DATA_HOME (folder of the public data sets)" >&2; exit 1; }
	$(BIN)/python -m renown.validation.docs docs/validity.md

clean:
	rm -rf $(VENV) .renown .pytest_cache .mypy_cache .ruff_cache

## make e2e: browser tests (Playwright driving Debian's chromium against a live server), with
## axe-core's accessibility check on every main page. Needs chromium, not Java.
e2e: $(STAMP) chromium
	$(BIN)/pytest -q -m e2e tests/e2e

## make screenshots: PNGs of every main page of a seeded demo for every role, desktop (1360 px)
## and phone (390 px), into screenshots/<role>/, for reviewers. Needs chromium, not Java.
screenshots: $(STAMP) chromium
	$(BIN)/python -m scripts.screenshots --out screenshots

## make tour: the README tour's pictures (docs/images/tour-*.png), cut from make screenshots.
tour: screenshots
	$(BIN)/python -m scripts.tour screenshots docs/images
