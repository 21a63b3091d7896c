# Two entry points do all set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the tests need (run as root, or through sudo when available): Chromium for
# the browser tests, Graphviz for SVG exports, Virtuoso as one of the real remote stores.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := chromium graphviz virtuoso-opensource nginx

.PHONY: serve test lint check system-packages clean bench schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

system-packages:  ## Debian packages the tests use (no `playwright install`)
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

serve: $(STAMP)  ## build the graph from events.yaml and serve it on http://127.0.0.1:8080/ (PORT=, or EKG_PORT and the other EKG_ settings)
	$(BIN)/ekg serve$(if $(PORT), --port $(PORT))

test: $(STAMP) system-packages  ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff check, ruff format --check, mypy (graph/ and service/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test

schema: $(STAMP)  ## regenerate schema/events.json (the data files' JSON Schema) from the loader
	$(BIN)/python -m graph.data.schema schema/events.json

bench: $(STAMP) system-packages  ## every benchmark (benchmarks/run.py; BENCH_ARGS="--quick" for a short run)
	@command -v wrk >/dev/null || { echo "wrk is missing: $(SUDO) apt-get install -y wrk"; exit 1; }
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache build dist test-artifacts
