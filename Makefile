# bakhmut-facts. `make serve` and `make test` work on a fresh clone: they create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
HOST ?= 127.0.0.1
DB := facts.db
INSPECT := inspect.json
INPUTS := facts.yml seeds/sources.yml $(wildcard seeds/*.txt) $(wildcard etl/*.py etl/*.json etl/extract/*.py)

.PHONY: install db rebuild check serve test lint screenshots eval loadtest bench bench-adversarial clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# Builds only when an input changed, and then recomputes only the articles that changed (see etl/build.py).
db: $(DB)

$(DB): $(VENV)/.installed $(INPUTS)
	$(BIN)/python -m etl build --db $(DB)

# From scratch: check every input, then build to a temporary file that replaces $(DB) only on success.
rebuild: install
	$(BIN)/python -m etl check
	$(BIN)/python -m etl build --clean --db $(DB)

check: install
	$(BIN)/python -m etl check

$(INSPECT): $(DB)
	$(BIN)/datasette inspect $(DB) --inspect-file $(INSPECT)

serve: $(DB) $(INSPECT)
	$(BIN)/python -m etl serve --db $(DB) --inspect $(INSPECT) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check etl tests bench
	$(BIN)/ruff format --check etl tests bench

# Screenshots of the chart links, taken from the real served pages with headless Chromium.
screenshots: $(DB) $(INSPECT)
	$(BIN)/python -m etl screenshots docs/screenshots --db $(DB)

# Scale: corpora of 10 to 10,000 generated articles; build time, MB/s, memory, scaling exponent, incremental
# rebuild, extraction vs quantulum3/dateparser, p50/p95 per endpoint. Writes bench/results.json, bench/RESULTS.md.
bench: $(VENV)/.installed-eval
	$(BIN)/python -m bench.scale

# Extractor throughput on adversarial input: time ratio of 2 MB to 1 MB per input family (target <= 2.5).
bench-adversarial: $(VENV)/.installed
	$(BIN)/python -m bench.adversarial

# Bounded load (count and time) of concurrent clients on 127.0.0.1 over every endpoint; fails on any error.
loadtest: $(DB) $(INSPECT)
	$(BIN)/python -m bench.loadtest --db $(DB) --inspect $(INSPECT)

# Extractor precision/recall/F1 on the hand gold and on public test sentences, beside quantulum3 and dateparser.
eval: $(VENV)/.installed-eval
	$(BIN)/python -m etl.evaluate

$(VENV)/.installed-eval: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,eval]'
	touch $@

clean:
	rm -rf $(DB) .$(DB).state.json $(INSPECT) .pytest_cache
