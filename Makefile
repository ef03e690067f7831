# Two commands do everything on a fresh machine:
#   make demo   set up .venv, install pamphlet (+ Debian libraries when root), build the example into ./dist
#   make test   the same set-up, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `pamphlet print` shells out to CUPS (lp, lpstat, ipptool); its tests run a private cupsd printing through cups-pdf.
DEBS   := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core cups printer-driver-cups-pdf cups-ipp-utils
STAMP  := $(VENV)/.installed
TEST_DEBS := chromium ghostscript libgs-common fonts-tlwg-loma-ttf poppler-utils

# axe-core checks the accessibility of `pamphlet share`'s page in that Chromium (npm, into the
# git-ignored .cache/npm/; tests/test_share.py injects its axe.min.js). Debian's npm fetches it.
AXE_VERSION := 4.10.2

.PHONY: demo test test-fast mutants setup system-deps test-deps bench lint strings clean

demo: setup
	$(BIN)/pamphlet build --example -o dist

test: setup test-deps
	$(BIN)/python -m pytest -n auto -q

# The edit loop, under ~30 s on 2 cores: pure-logic tests and small builds (tests/conftest.py marks the rest slow).
test-fast: setup
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# Deliberate breakages (tests/mutants.py), each on a copy of the tree: every one must be caught by its guard tests.
mutants: setup
	$(BIN)/python tests/mutants.py

# The property-based tests (tests/test_properties.py) at length: random projects in every script and layout, 300
# per layout, each failure shrunk and kept (in $TMPDIR/pamphlet-hypothesis) to be tried first next time. `make
# test` runs the same tests on a few fixed examples.
.PHONY: fuzz
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n auto -q tests/test_properties.py --hypothesis-show-statistics

# make bench BENCH_ARGS="--runs 7 --readme": more pairs, and the table written into README.md (Speed)
bench: setup
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/watch.py
	$(BIN)/python benchmarks/variants.py

# The command samples in README.md and docs/*.md, from real runs (docs/samples.py; tests/test_docs.py re-runs them).
# The print, watch and Dask samples need cupsd (as root), port 8000 and port 8786; where one can't run it is skipped.
.PHONY: docs
docs: setup
	$(BIN)/python docs/settings.py
	$(BIN)/python docs/samples.py

# UI strings: extract the templates' messages into the .pot, then merge it into every language's .po
# (new messages arrive untranslated, and tests/test_languages.py fails until each catalog has them).
strings: setup
	$(BIN)/pybabel extract -F babel.cfg -c "Translators:" --sort-by-file --no-wrap --project pamphlet \
	  --msgid-bugs-address "the pamphlet issue tracker" --copyright-holder "pamphlet contributors" \
	  -o pamphlet/locale/messages.pot .
	$(BIN)/pybabel update -i pamphlet/locale/messages.pot -d pamphlet/locale -D messages --no-wrap --ignore-obsolete

lint: setup
	$(BIN)/ruff check pamphlet tests
	$(BIN)/mypy pamphlet

setup: system-deps $(STAMP)

# WeasyPrint needs Pango; without libharfbuzz-subset0 it subsets fonts ~8x slower.
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get install -y --no-install-recommends $$missing || (apt-get update && apt-get install -y --no-install-recommends $$missing)) >/dev/null; \
	  else echo "warning: missing Debian packages:$$missing (run as root or install them)"; fi; \
	fi

# The live page of `pamphlet watch --serve` is tested in a real headless Chromium. Press output (PDF/X-4) is tested
# with Ghostscript's CMYK output profile (libgs-common, AGPL: used at test time, never copied into the repo) and
# Ghostscript's tiffsep device, which renders the CMYK separations.
# The text layer of every script is read back with poppler (pdftotext) as well as pdfium (tests/test_text_layer.py).
# npm: the machine's own when it has one (a Node.js from NodeSource ships its npm, and Debian's npm package
# conflicts with it), else Debian's.
test-deps:
	@$(MAKE) --no-print-directory system-deps DEBS="$(TEST_DEBS)"
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps DEBS="npm"
	@grep -qs '"version": "$(AXE_VERSION)"' .cache/npm/node_modules/axe-core/package.json || \
	  npm install --prefix .cache/npm --no-audit --no-fund --no-save --silent axe-core@$(AXE_VERSION)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip uninstall -q -y pamphlet 2>/dev/null || true  # the distribution was called 'pamphlet' before 0.2
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) dist .pytest_cache
