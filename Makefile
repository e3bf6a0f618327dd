# Two commands for a fresh machine with Python 3.11+: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PROXY_STAMP := $(VENV)/.installed-proxy
FIRST_NOTEBOOK := notebooks/00-how-to-use-this-module.ipynb

.PHONY: lab test test-fast lint notebooks exercises benchmark benchmark-grading benchmark-hub site clean help

help:
	@echo "make lab        create .venv (pinned) and open JupyterLab on the first notebook"
	@echo "make test       create .venv (pinned) and run the whole test suite (lint first)"
	@echo "make test-fast  the quick loop (about a minute on 2 cores): unit, schema, golden and nbval tests,"
	@echo "                without the browser, hub and slow ones; ARGS=\"-k quiz\" narrows it further"
	@echo "make lint       ruff: lint and format check of Python files and notebooks' code cells"
	@echo "make notebooks  re-execute lessons and solutions in fresh kernels and store their outputs"
	@echo "make benchmark  print import, notebook and widget timings"
	@echo "make benchmark-hub  N students at once on a local JupyterHub: memory per student, time to first cell (STUDENTS=1,8 SERVER_CONFIG=as-installed)"

	@echo "make exercises  generate exercises/ from solutions/"
	@echo "make benchmark-grading  grade a synthetic class with usvn and with nbgrader; print both throughputs"
	@echo "make site       build the static HTML lessons and index into _site/ (no kernel needed to read them)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (usvn)" >/dev/null
	@touch $@

# Tools only the test suite and instructors need (never on Binder): requirements-dev.txt.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# configurable-http-proxy (npm) for the JupyterHub classroom test, pinned by tests/node/package-lock.json.
# Without npm the suite still runs and the JupyterHub test fails, saying what is missing.
$(PROXY_STAMP): $(STAMP) tests/node/package.json tests/node/package-lock.json
	@if command -v npm >/dev/null; then \
		mkdir -p $(VENV)/node && cp tests/node/package.json tests/node/package-lock.json $(VENV)/node/ && \
		npm ci --prefix $(VENV)/node --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the JupyterHub test will fail (apt-get install -y nodejs npm)" >&2; fi

lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir="$(CURDIR)" $(FIRST_NOTEBOOK)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint $(DEV_STAMP) $(PROXY_STAMP)
	$(BIN)/python -m pytest tests src notebooks solutions \
		--nbval --nbval-sanitize-with tests/nbval-sanitize.cfg

# The quick loop: everything but the tests marked browser, hub or slow (tests/conftest.py says which are),
# on two workers; nbval needs --dist loadfile so that one notebook's cells share one kernel.
FAST := -m "not browser and not hub and not slow" -n 2 --dist loadfile

test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest tests src notebooks solutions \
		--nbval --nbval-sanitize-with tests/nbval-sanitize.cfg $(FAST) -q $(ARGS)

notebooks: $(STAMP)
	$(BIN)/usvn refresh notebooks solutions

site: $(STAMP)
	$(BIN)/usvn site notebooks --out _site

benchmark: $(DEV_STAMP)
	$(BIN)/python benchmarks/run_all.py

benchmark-hub: $(DEV_STAMP) $(PROXY_STAMP)
	$(BIN)/python benchmarks/hub_capacity.py $(if $(STUDENTS),--students $(STUDENTS)) $(if $(SERVER_CONFIG),--server-config $(SERVER_CONFIG))

exercises: $(STAMP)
	$(BIN)/usvn generate

benchmark-grading: $(DEV_STAMP)
	$(BIN)/python benchmarks/grading_vs_nbgrader.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache _site artifacts
