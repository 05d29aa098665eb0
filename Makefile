# tracer — run `make` (or `make help`) to list the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVAL ?= ../shared/eval

.PHONY: help install test lint report bench bench-quick update-gold clean

help: ## Show this list of targets.
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if missing); install tracer, its dev tools and the spark extra.

test: $(STAMP) ## Run the test suite (sets everything up first).
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## Check style and types: ruff, then mypy --strict.
	$(BIN)/ruff check tracer tests bench
	$(BIN)/ruff format --check tracer tests bench
	$(BIN)/mypy

report: $(STAMP) ## Trace seeds/ and write the HTML report to reports/seeds/index.html.
	$(BIN)/tracer trace seeds -o reports/seeds
	@echo "open reports/seeds/index.html"

bench: $(STAMP) ## Run every benchmark on ../shared/eval (slow; figures in bench/results/).
	$(BIN)/python -m bench --eval $(EVAL) all

bench-quick: $(STAMP) ## Run the quick benchmark subset (under 2 minutes).
	$(BIN)/python -m bench --eval $(EVAL) quick

update-gold: $(STAMP) ## Accept the current report as the golden files in tests/gold/.
	TRACER_UPDATE_GOLD=1 $(BIN)/python -m pytest -q tests/test_report_gold.py

clean: ## Remove the virtual environment, caches and generated reports.
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis tests/actual
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
