# Two commands on a fresh machine: `make slides` and `make test` set everything up first.
# Needs only Python 3.11, Node.js/npm and (for the browser) apt when chromium is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# uv installs the lock exactly and fast; it lives in its own small venv (.tools/), so that
# syncing .venv to the lock never removes the installer itself.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
LOCK := requirements.lock

.PHONY: setup slides student pdf present test test-fast chromium clean bench bench-lite bench-present bench-classroom lite serve lock classroom classroom-export

setup: $(STAMP) node_modules/.package-lock.json

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv==$(UV_VERSION)

# The environment is the lock, exactly: `uv pip sync` installs every pinned version (hashes
# checked) and removes anything else; then the package itself, editable, without dependencies.
# Then our prebuilt JupyterLab extension (widgets, a reliable slideshow and the speaker notes in
# RISE's page, see its README.md): an editable install skips the data files that install it, so
# it is copied into the environment here; a change to it re-installs.
LABEXT := src/wto_ecommerce_deck/live/jupyter/labextensions/wto-deck-rise-bridge
LABEXT_FILES := $(LABEXT)/package.json $(LABEXT)/install.json $(LABEXT)/README.md $(LABEXT)/static/remoteEntry.js
$(STAMP): $(LOCK) pyproject.toml $(LABEXT_FILES) | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(PY) --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	rm -rf $(VENV)/share/jupyter/labextensions/wto-deck-rise-bridge
	mkdir -p $(VENV)/share/jupyter/labextensions
	cp -R $(LABEXT) $(VENV)/share/jupyter/labextensions/
	touch $@

# Resolve pyproject.toml's ranges again (newest versions the registry has), rewrite the lock
# and environment.yml from it. Commit both; `make test` checks they agree with pyproject.toml.
lock: $(UV)
	$(UV) pip compile pyproject.toml --extra test --extra lite --generate-hashes --universal --python-version 3.11 --quiet --custom-compile-command "make lock" -o $(LOCK)
	$(UV) pip compile pyproject.toml -c $(LOCK) --universal --python-version 3.11 --no-header --no-annotate --quiet \
	  | $(PYTHON) scripts/write_environment.py > environment.yml

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

# Every deck of every language printed by Chromium to build/pdf/<lang>/: DECK.pdf (one slide a
# page) and DECK-notes.pdf (the handout: each slide's speaker notes under it), offline.
pdf: slides chromium
	$(PY) -m wto_ecommerce_deck pdf --notes

# The student notebooks alone (build/student/), the rest of build/ left as it is.
student: setup
	$(PY) -m wto_ecommerce_deck student

# The full deck live: JupyterLab + jupyterlab-rise on 127.0.0.1, the slideshow opened in the
# browser, until Ctrl-C. `make present PRESENT_ARGS=--no-browser` on a machine without one.
# `make present LANG=en` presents in English (any language of assets/i18n/; default French). Only
# a LANG given on make's command line counts: the shell's own LANG (a locale, C.UTF-8) does not.
present: setup
	$(PY) -m wto_ecommerce_deck present $(if $(filter command line,$(origin LANG)),--lang $(LANG)) $(PRESENT_ARGS)

# The student notebooks of every language (make student) as a JupyterLite site (build/lite/): they run in the browser's Python,
# offline. Pyodide from npm, the browser's wheels from PyPI (assets/lite/wheels.lock.json, cached
# in .cache/lite/). Skipped when nothing changed.
lite: student
	$(PY) -m wto_ecommerce_deck lite

# build/ over HTTP on 127.0.0.1:8000; `make serve SERVE_ARGS=--lan` for a room on the local network.
serve: setup
	$(PY) -m wto_ecommerce_deck serve $(SERVE_ARGS)

# The room answers the quizzes from its phones: build/ and the votes on 127.0.0.1:8080 (this laptop
# only), the trainer's address printed and opened, until Ctrl-C; the votes are kept in .classroom/
# and a restart resumes the session. `make classroom CLASSROOM_ARGS=--lan` for the room's network
# (prints the phones' address and a QR code); other options: --new (a new session and room code),
# --port, --host, --no-browser, --lang (python -m wto_ecommerce_deck classroom --help).
classroom: slides
	$(PY) -m wto_ecommerce_deck classroom $(CLASSROOM_ARGS)

# The room's results for the training report: one CSV per session in .classroom/export/
# (`make classroom-export EXPORT_ARGS="--lang en --out DIR"`).
classroom-export: setup
	$(PY) -m wto_ecommerce_deck classroom export $(EXPORT_ARGS)

# Every test; a skipped test fails the run (tests/conftest.py). The JupyterLite site is built
# first (tests/test_lite.py runs it). Two pytest workers (pytest-xdist): most tests wait on a
# browser, a kernel or JupyterLab, and one worker left a core idle; tests/conftest.py groups the
# tests and orders the groups longest first, so that the workers end together.
# The decks are built once for the whole run, shared by the workers (tests/conftest.py).
TEST_WORKERS ?= 2
test: setup chromium lite
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

# The fast subset for working on the code: no build of the decks, no browser, no JupyterLab, no PDF
# (the markers of pyproject.toml, set by tests/conftest.py). Two workers too, each test handed to the
# first one free (`--dist load`: its tests are short, none has a dear module fixture); on 2 cores
# a quarter less wall time than one process (docs/maintainers.md, « Tests »).
# `make test-fast TEST_WORKERS=1` runs it in one process.
test-fast: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load -m "not browser and not live and not pdf and not slow and not lite"

# The same notebooks built by plain nbconvert, by nbconvert pointed at local copies, and by
# `make slides`; medians written to bench/RESULTS.md and README.md. Not part of `make test`.
# Then the JupyterLite site: its size by part and, in Chromium, the time to the interface, to a
# ready kernel and to a section run (first and second visit): bench/RESULTS-lite.md.
# `make bench-lite` runs that part alone. Then the room's server under load (`make bench-classroom`).
# bench/run.py also times `make present` to its first drawn slide, ten opens (`make bench-present`
# runs that part alone and prints it, without writing RESULTS.md).
bench: setup chromium bench/node_modules/.package-lock.json lite
	$(PY) bench/run.py
	$(PY) bench/lite.py
	$(PY) bench/classroom.py

bench-lite: setup chromium lite
	$(PY) bench/lite.py

bench-present: setup chromium
	$(PY) bench/present.py

# The room's server under load on 127.0.0.1: 300 simulated phones answering 20 questions each
# while the trainer's stream listens, then a ramp to where one laptop stops answering in time:
# bench/RESULTS-classroom.md.
bench-classroom: setup
	$(PY) bench/classroom.py

# Local copies of what plain nbconvert loads from CDNs (require.js, MathJax 2, Font Awesome),
# for the benchmark's "local assets" variant only.
bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error

# build/ and the build's leftovers; .classroom/ (the room's votes) is kept: `classroom export` reads it.
clean:
	rm -rf build .build-tmp-* .build-old-*
