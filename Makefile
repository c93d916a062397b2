# The two front doors: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 5000
export PORT

.PHONY: run test setup lint typecheck unit web jobs e2e postgres bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate, seed the demo organisation, serve on 127.0.0.1:$(PORT)
run: setup
	$(BIN)/skillproof migrate
	$(BIN)/skillproof seed-demo
	SKILLPROOF_DEMO_MODE=1 $(BIN)/skillproof serve --port $(PORT)

## make test: set up, lint, type-check, and run every test layer
test: setup lint typecheck
	$(BIN)/pytest

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
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/ranking.py
	$(BIN)/python bench/sweep.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
