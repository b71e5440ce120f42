# Two commands on a fresh machine: `make slides` and `make test` set everything up first.
# Needs only Python 3.11, Node.js/npm and (for the browser) apt when chromium is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup slides student pdf present test chromium clean bench

setup: $(STAMP) node_modules/.package-lock.json

# Our prebuilt JupyterLab extension (widgets and a reliable slideshow in RISE's page, see its
# README.md): an editable install skips the data files that install it, so it is copied into
# the environment here; a change to it re-installs.
LABEXT := src/wto_ecommerce_deck/live/jupyter/labextensions/wto-deck-rise-bridge
LABEXT_FILES := $(LABEXT)/package.json $(LABEXT)/install.json $(LABEXT)/README.md $(LABEXT)/static/remoteEntry.js
$(STAMP): pyproject.toml $(LABEXT_FILES)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -rf $(VENV)/share/jupyter/labextensions/wto-deck-rise-bridge
	mkdir -p $(VENV)/share/jupyter/labextensions
	cp -R $(LABEXT) $(VENV)/share/jupyter/labextensions/
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

# Every deck printed by Chromium to build/pdf/: DECK.pdf (one slide a page) and
# DECK-notes.pdf (the handout: each slide's speaker notes under it), offline.
pdf: slides chromium
	$(PY) -m wto_ecommerce_deck pdf --notes

# The student notebooks alone (build/student/), the rest of build/ left as it is.
student: setup
	$(PY) -m wto_ecommerce_deck student

# The full deck live: JupyterLab + jupyterlab-rise on 127.0.0.1, the slideshow opened in the
# browser, until Ctrl-C. `make present PRESENT_ARGS=--no-browser` on a machine without one.
present: setup
	$(PY) -m wto_ecommerce_deck present $(PRESENT_ARGS)

test: setup chromium
	$(PY) -m pytest

# The same notebooks built by plain nbconvert, by nbconvert pointed at local copies, and by
# `make slides`; medians written to bench/RESULTS.md and README.md. Not part of `make test`.
bench: setup chromium bench/node_modules/.package-lock.json
	$(PY) bench/run.py

# Local copies of what plain nbconvert loads from CDNs (require.js, MathJax 2, Font Awesome),
# for the benchmark's "local assets" variant only.
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error

clean:
	rm -rf build .build-tmp-* .build-old-*
