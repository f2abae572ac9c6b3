# What does a Keras LSTM output? -- build, test and maintain the course.
# `make help` lists the targets. Everything runs inside .venv, created from requirements.txt.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.8

# The notebooks' kernels, nbval and everything else here run in one environment, defined in
# coursework/kernel.env (NAME=value lines, read by coursework/execute.py too): every name is exported.
include coursework/kernel.env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' coursework/kernel.env)

# Empty means every chapter: coursework/execute.py owns the chapter list and how nbval runs.
NOTEBOOKS ?=
WORKERS ?= 2
TIMEOUT ?= 180
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
NBVAL := $(BIN)/python -m coursework.execute nbval --workers $(WORKERS)
JB_BUILD := $(BIN)/jupyter-book build . --path-output . --builder html --warningiserror --nitpick --keep-going
# Tests in tests/ (not the browser ones). loadscope keeps a module on one worker, so that the student edition
# and the graded submissions, built once per module, are built once. The leak test reuses _build/html when
# it is newer than the chapters, hence the book build before it in `make test`.
UNIT := $(BIN)/python -m pytest -p xdist -n $(WORKERS) --dist loadscope tests
# The examples in lstm_course's docstrings, which the book's API page renders.
DOCTEST := $(BIN)/python -m pytest -p no:xdist --doctest-modules lstm_course
# The browser tests read the built book in Debian's Chromium (one browser, pages in sequence: no xdist).
BROWSER := $(BIN)/python -m pytest tests/browser

.PHONY: help venv book test unit doctest nbval robust browser bench refresh student grade lab lint lock clean \
	test-pythons test-backends

help: ## List the targets.
	@grep -hE '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@found=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || found=""; \
	case "$$found" in \
	  3.11|3.12|3.13) ;; \
	  "") echo "This course needs Python 3.11, 3.12 or 3.13, and '$(PYTHON)' does not run. Install one,"; \
	      echo "or name one: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1;; \
	  *) echo "This course needs Python 3.11, 3.12 or 3.13 (the versions requirements.txt is locked and"; \
	     echo "tested for: Keras 3.15 needs 3.11 or newer); '$(PYTHON)' is Python $$found."; \
	     echo "Install one, or name one: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1;; \
	esac
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP) ## Create or update .venv from requirements.txt (when missing or older than it).

book: $(STAMP) ## Build the HTML book into _build/html (warnings are errors).
	$(JB_BUILD)
	@echo "The book is at _build/html/index.html -- open file://$(CURDIR)/_build/html/index.html"

test: $(STAMP) ## Run everything: lint, book, unit tests, doctests, nbval, robustness run, browser tests.
	$(MAKE) --no-print-directory lint
	$(JB_BUILD)
	$(UNIT)
	$(DOCTEST)
	$(NBVAL) $(NOTEBOOKS)
	$(NBVAL) --robust $(NOTEBOOKS)
	$(BROWSER)

unit: $(STAMP) ## Only the tests in tests/: unit, hygiene, student edition and grader (no nbval).
	$(UNIT)

doctest: $(STAMP) ## Only the examples in lstm_course's docstrings (the API page shows them).
	$(DOCTEST)

nbval: $(STAMP) ## Only nbval over every notebook (or NOTEBOOKS=chapters/02_x.ipynb).
	$(NBVAL) $(NOTEBOOKS)

robust: $(STAMP) ## nbval again as another CPU would run it: oneDNN on, one thread, random numbers x (1 + 1e-7).
	$(NBVAL) --robust $(NOTEBOOKS)

test-pythons: ## nbval in a venv of each other supported Python found (PYTHONS="path ..."); .venv untouched.
	$(PYTHON) tools/test_pythons.py $(if $(NOTEBOOKS),--notebooks $(NOTEBOOKS))

browser: $(STAMP) ## Build the book, then read every page in headless Chromium (offline, with axe-core).
	$(JB_BUILD)
	$(BROWSER)

bench: $(STAMP) ## Time TensorFlow's import, each notebook's nbval run, the suite, the book (cold and warm).
	$(BIN)/python bench/run_bench.py --workers $(WORKERS)

refresh: $(STAMP) ## Re-execute the notebooks (or NOTEBOOKS=...) and store outputs nbval can reproduce.
	$(BIN)/python tools/refresh.py $(NOTEBOOKS)

student: $(STAMP) ## Build the student edition (notebooks/, html/, the hand-out zip in _build/student), leak-checked.
	$(BIN)/python -m coursework.student _build/student

grade: $(STAMP) ## Grade submissions: make grade SUBMISSIONS=dir/ [JOBS=cores] [TIMEOUT=180 s each] (dir/grades*.csv).
	@test -n "$(SUBMISSIONS)" || { echo "Name the folder of submitted notebooks: make grade SUBMISSIONS=dir/"; exit 2; }
	$(BIN)/python -m coursework.grade run "$(SUBMISSIONS)" --jobs $(JOBS) --timeout $(TIMEOUT) \
		--csv "$(SUBMISSIONS)/grades.csv"

lab: $(STAMP) ## Open the notebooks in JupyterLab.
	$(BIN)/jupyter lab chapters/

lint: $(STAMP) ## ruff over the package, the tests and the notebooks; actionlint over the GitHub workflows.
	$(BIN)/ruff check --output-format concise lstm_course coursework tests chapters _ext bench tools
	$(BIN)/ruff format --check lstm_course coursework tests _ext bench tools
# actionlint over the GitHub workflows. Its shellcheck and pyflakes checks of `run:` scripts are off, so that the
# result does not depend on what else is installed (the scripts pass shellcheck 0.9 today).
	$(BIN)/actionlint -shellcheck= -pyflakes= $(wildcard .github/workflows/*.yml .github/workflows/*.yaml)

lock: ## Regenerate requirements.txt from requirements.in (needs network).
	$(PYTHON) -m pip install --quiet uv==$(UV_VERSION)
	$(PYTHON) -m uv pip compile --universal --python-version 3.11 --fork-strategy fewest requirements.in \
		-o requirements.txt

clean: ## Remove the built book and caches (keeps .venv; `rm -rf .venv` for a cold start).
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

test-backends: $(STAMP) ## nbval with Keras on JAX and on PyTorch (a venv of their own; or NOTEBOOKS=...).
	$(BIN)/python tools/test_backends.py $(if $(NOTEBOOKS),--notebooks $(NOTEBOOKS))
