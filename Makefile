# Two commands on a fresh machine: `make slides` and `make test` set everything up first.
# Needs only Python 3.11, Node.js/npm and (for the browser) apt when chromium is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup slides test chromium clean

setup: $(STAMP) node_modules/.package-lock.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Debian's chromium, for the browser tests (never `playwright install`: no download here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (Debian)" >&2; exit 1; \
	  fi; }

slides: setup
	$(PY) -m wto_ecommerce_deck build

test: setup chromium
	$(PY) -m pytest

clean:
	rm -rf build .build-tmp-* .build-old-*
