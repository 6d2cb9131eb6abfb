# gmg-sim: the two commands a newcomer needs are `make demo` and `make test`.
# Both build .venv from a Python >= 3.12 interpreter found on PATH or in pyenv.

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# First interpreter that is Python >= 3.12 (an exported PYTHON is ignored on
# purpose; override on the command line: make test PYTHON=/path/to/python3.12): python3.12 / python3.13 on PATH,
# then pyenv's versions folder, then plain python3.
PYTHON := $(shell \
  for c in python3.12 python3.13 \
           $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V) \
           $$(command -v pyenv >/dev/null 2>&1 && ls -d $$(pyenv root)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V) \
           python3; do \
    if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
      command -v $$c; break; fi; \
  done)

.PHONY: demo test lint format bench bench-experiments bench-batch-run clean venv app app-screenshot classroom-screenshot chromium lab docs docs-serve robust-study

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python >= 3.12 found on PATH or under pyenv; install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12'" >&2; \
	  exit 2; fi
	@echo "Building $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	rm -rf demo_output
	$(VENV)/bin/gmg-sim compare --all --replications 5 --out demo_output

# Debian's chromium for the app's browser test (the test skips, saying why, without it).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the app's browser test"; \
	    ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: chromium not installed; the app's browser test will be skipped"; \
	  else echo "note: no apt-get; the app's browser test will be skipped"; fi; fi

test: $(STAMP) chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	GMG_DERANDOMIZE=1 $(PY) -m pytest -n auto --dist loadgroup

app: $(STAMP)
	$(VENV)/bin/gmg-sim app

# JupyterLab on the tutorial notebooks (figures render inline).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

app-screenshot: $(STAMP) chromium
	GMG_UPDATE_SCREENSHOT=1 $(PY) -m pytest tests/app/test_browser.py -k end_to_end -q

# The documentation site (MkDocs + Material; mkdocs.yml): strict, so a broken link fails.
# Regenerate every quoted number (README scenario table, teaching figures), then build.
docs: $(STAMP)
	$(PY) docs/quoted.py --update
	$(PY) -m gmg_sim.exploration.report --update docs/robustness.md --data docs/data/robust
	$(PY) -m gmg_sim.app.figures --update
	$(VENV)/bin/gmg-sim compare --all --replications 5 --quiet --overwrite --out demo_output > /dev/null
	cp demo_output/figures/differences.png docs/figures/demo_differences.png
	$(VENV)/bin/mkdocs build --strict -d site

# The documented robustness study (a few minutes on 2 cores): its compact results are
# stored in docs/data/robust, from which docs/robustness.md is regenerated and checked.
robust-study: $(STAMP)
	$(VENV)/bin/gmg-sim robust --worlds 120 --replications 2 --seed 0 --workers 2 --out results/robust --overwrite
	$(PY) -m gmg_sim.exploration.report --store results/robust --data docs/data/robust
	$(PY) -m gmg_sim.exploration.report --update docs/robustness.md --data docs/data/robust
	cp results/robust/figures/robustness.png docs/figures/robustness.png

docs-serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py

bench-experiments: $(STAMP)
	$(PY) benchmarks/bench_experiments.py

bench-batch-run: $(STAMP)
	$(PY) benchmarks/bench_batch_run.py

classroom-screenshot: $(STAMP) chromium
	GMG_UPDATE_SCREENSHOT=1 $(PY) -m pytest tests/classroom/test_browser.py -q

lint: $(STAMP)
	$(PY) -m ruff check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) demo_output results site .pytest_cache .hypothesis build *.egg-info
