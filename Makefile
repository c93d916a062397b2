# The two front doors: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 5000
export PORT

.PHONY: run test setup lock lint typecheck unit web jobs e2e postgres bench clean

PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
LOCK   := requirements/dev.txt

# Installs exactly the hash-checked lock (pip refuses any file whose hash is not in it), then the
# project itself without resolving anything. `make lock` refreshes the lock from pyproject.toml.
# The project is installed editable as a plain path (.pth): setuptools' default import finder
# for editable installs loads pathlib, fnmatch and importlib.util into every process, some
# 15 ms of CPU at each `skillproof verify` (a tenth of a small batch).
$(STAMP): pyproject.toml $(LOCK) Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	$(BIN)/python -m pip check --disable-pip-version-check
	touch $(STAMP)

setup: $(STAMP)

## make lock: re-resolve requirements/*.txt from pyproject.toml, keeping every pin that still fits;
## make lock UPGRADE=1: move every pin to the newest version within pyproject's bounds
UV_COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes
# Needs only uv (pinned in the current lock), not an installable project: pyproject may already
# name a dependency the current lock lacks.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(PIP) install --require-hashes -r $(LOCK)
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev $(if $(UPGRADE),--upgrade) -o requirements/dev.txt
	$(UV_COMPILE) pyproject.toml requirements/build.in -c requirements/dev.txt -o requirements/runtime.txt

## make run: set up, migrate, seed the demo organisation, serve on 127.0.0.1:$(PORT)
run: setup
	$(BIN)/skillproof migrate
	$(BIN)/skillproof seed-demo
	SKILLPROOF_DEMO_MODE=1 $(BIN)/skillproof serve --port $(PORT)

## make test: set up, lint, type-check, and run every test layer, one worker per core (at most 4)
test: setup lint typecheck
	$(BIN)/pytest -n auto --maxprocesses 4

lint: setup
	$(BIN)/ruff check app jobs tests bench wsgi.py
	$(BIN)/ruff format --check app jobs tests bench wsgi.py

typecheck: setup
	$(BIN)/mypy app/verification app/ranking

unit web jobs e2e: setup
	$(BIN)/pytest tests/$@

postgres: setup
	$(BIN)/pytest -m postgres

## make bench: the on-demand benchmarks (not part of make test); each prints ratios
bench: setup
	$(BIN)/python bench/verify_ob2.py
	$(BIN)/python bench/verify_ob3.py
	$(BIN)/python bench/fairness.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/ranking.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/ranking_sweep.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/tenants.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
