# The two commands: `make demo` (the main job, end to end, on the embedded warehouse) and
# `make test` (the whole test suite). Both create the environment themselves on a fresh machine.

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install demo test test-fast lint bench warehouse-start warehouse-stop clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the pinned dependencies

demo: $(STAMP)  ## Run the main job end to end on the embedded warehouse
	$(BIN)/cur demo

test: $(STAMP)  ## Run the whole test suite: every tier (unit, integration, e2e), lint included
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: $(STAMP)  ## The edit-test loop: lint, unit and PostgreSQL integration tests (no dbt builds)
	$(BIN)/ruff check .
	$(BIN)/pytest -m "unit or integration"

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .

bench: $(STAMP)  ## Measure generation, loading, dbt, GX and serving (100k and 1M appeals); writes bench/results/latest.md (+ .csv)
	$(BIN)/cur bench

warehouse-start: $(STAMP)  ## Start the embedded warehouse
	$(BIN)/cur warehouse start

warehouse-stop: $(STAMP)  ## Stop the embedded warehouse
	$(BIN)/cur warehouse stop

clean:  ## Stop the warehouse and remove .venv, .state and data/
	-$(BIN)/cur warehouse stop
	rm -rf $(VENV) .state data
