# bakhmut-facts. `make serve` and `make test` work on a fresh clone: they create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001
HOST ?= 127.0.0.1
DB ?= facts.db
# Inputs; `make rebuild SEEDS=elsewhere/seeds FACTS=elsewhere/facts.yml DB=elsewhere.db` builds other ones.
SEEDS ?= seeds
FACTS ?= facts.yml
INSPECT := inspect.json
METADATA := metadata.yml
DIST := dist
# Where the database is served: the ids of the Web Annotations `make export` writes are its row pages.
BASE_URL ?= http://$(HOST):$(PORT)
# Publishing (make publish-cloudrun / publish-fly): names and scale of the deployment.
SERVICE ?= bakhmut-facts
MAX_INSTANCES ?= 10
FLY_APP ?= bakhmut-facts
FLY_COUNT ?= 2
FLY_PLUGIN := datasette-publish-fly==1.4
INPUTS := $(FACTS) $(SEEDS)/sources.yml $(wildcard $(SEEDS)/*.txt) $(wildcard etl/*.py etl/*.json etl/extract/*.py)

.PHONY: install db rebuild check serve test lint screenshots eval loadtest bench bench-adversarial clean export package \
	publish-cloudrun publish-fly

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# Builds only when an input changed, and then recomputes only the articles that changed (see etl/build.py).
db: $(DB)

$(DB): $(VENV)/.installed $(INPUTS)
	$(BIN)/python -m etl build --seeds $(SEEDS) --facts $(FACTS) --db $(DB)

# From scratch: check every input, then build to a temporary file that replaces $(DB) only on success.
rebuild: install
	$(BIN)/python -m etl check --seeds $(SEEDS) --facts $(FACTS)
	$(BIN)/python -m etl build --clean --seeds $(SEEDS) --facts $(FACTS) --db $(DB)

check: install
	$(BIN)/python -m etl check --seeds $(SEEDS) --facts $(FACTS)

$(INSPECT): $(DB)
	$(BIN)/datasette inspect $(DB) --inspect-file $(INSPECT)

serve: $(DB) $(INSPECT)
	$(BIN)/python -m etl serve --db $(DB) --inspect $(INSPECT) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check etl tests bench plugins
	$(BIN)/ruff format --check etl tests bench plugins

# Screenshots of the chart links and of each source viewer, taken from the real served pages with headless Chromium.
screenshots: $(DB) $(INSPECT)
	$(BIN)/python -m etl screenshots docs/screenshots --db $(DB)

# Scale: corpora of 1,000 and 10,000 generated articles (SIZES=1000,10000,100000 for more); build with --jobs 1 and 2
# beside a floor process, memory, incremental rebuild, extraction vs quantulum3/dateparser, p50/p95 per endpoint beside
# bare Datasette, facets shown. Writes bench/results.json, bench/RESULTS.md.
SIZES ?= 1000,10000
bench: $(VENV)/.installed-eval
	$(BIN)/python -m bench.scale --sizes $(SIZES)

# Extractor throughput on adversarial input: time ratio of 2 MB to 1 MB per input family (target <= 2.5); then
# 1,000 random slips in facts.yml and sources.yml, each built: a build or one error line, never a traceback.
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

# Frictionless data package in $(DIST)/: one CSV per table and view and datapackage.json, then validated; and
# annotations.jsonld, the evidence as W3C Web Annotations.
export: $(DB)
	$(BIN)/python -m etl export --db $(DB) --metadata $(METADATA) --out $(DIST) --base-url $(BASE_URL)
	$(BIN)/frictionless validate $(DIST)/datapackage.json

# Docker build context of a read-only replica in $(DIST)/package, as `datasette package` builds it.
package: $(DB)
	$(BIN)/python -m etl package --db $(DB) --metadata $(METADATA) --out $(DIST)/package

# Stateless replicas behind the platform's load balancer; needs gcloud, logged in (README: Publishing).
publish-cloudrun: $(DB)
	$(BIN)/python -m etl publish cloudrun --db $(DB) --metadata $(METADATA) -- --service $(SERVICE) --max-instances $(MAX_INSTANCES)

# Needs flyctl, logged in; the plugin is installed here only, never by make install.
publish-fly: $(DB)
	$(BIN)/pip install -c constraints.txt $(FLY_PLUGIN)
	$(BIN)/python -m etl publish fly --db $(DB) --metadata $(METADATA) -- --app $(FLY_APP)
	flyctl scale count $(FLY_COUNT) --app $(FLY_APP)

clean:
	rm -rf $(DB) .$(DB).state.json .$(DB).facts.pickle .$(DB).sources.pickle $(INSPECT) $(DIST) .pytest_cache
