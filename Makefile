# kit-crise — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV_VERSION := 0.13.8
UV := $(TOOLS)/bin/uv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machines have two cores. `make test PYTEST_ARGS="-k contacts"` narrows a run.
PYTEST_ARGS ?= -n 2

# uv must never fetch a Python of its own: the machines reach package registries only.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	@touch $@

# The service alone, without the development tools (the container image installs the same).
# --inexact: on a machine that also ran `make test`, the tools stay instead of being uninstalled.
$(VENV)/.installed-runtime: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact
	@touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv with the locked dependencies and the development tools

.PHONY: install-prod
install-prod: $(VENV)/.installed-runtime ## Create .venv with the locked runtime dependencies only (what make run uses)

.PHONY: run
run: install-prod db-upgrade local-key ## Install, migrate the embedded database, serve on http://127.0.0.1:8000 (HOST, PORT)
	$(BIN)/kit-crise serve --host $(HOST) --port $(PORT)

.PHONY: local-key
local-key: install-prod ## Create once, and print where, the local admin API key (data/admin-api-key, mode 0600)
	$(BIN)/kit-crise api-keys ensure-local --file data/admin-api-key

.PHONY: dev
dev: install db-upgrade local-key ## Like run, reloading on code changes, with readable logs
	KIT_CRISE_LOG_FORMAT=console $(BIN)/kit-crise serve --host $(HOST) --port $(PORT) --reload

.PHONY: test
test: install lint test-only ## Lint, then the whole suite (KIT_CRISE_TEST_DATABASE_URL selects PostgreSQL)

.PHONY: test-only
test-only: install ## The whole suite without the lint (CI lints once, then runs it on each database)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: install ## ruff (lint + format check) and mypy --strict on service/
	$(BIN)/ruff check service tests migrations
	$(BIN)/ruff format --check service tests migrations
	$(BIN)/mypy --strict service

.PHONY: fmt
fmt: install ## Format and auto-fix the code
	$(BIN)/ruff format service tests migrations
	$(BIN)/ruff check --fix service tests migrations

.PHONY: openapi
openapi: install ## Write openapi/openapi.json from the code
	$(BIN)/kit-crise openapi export openapi/openapi.json

.PHONY: db-upgrade
db-upgrade: install-prod ## Apply the migrations (KIT_CRISE_DATABASE_URL, default ./data/kit-crise.db)
	$(BIN)/kit-crise db upgrade

.PHONY: db-check
db-check: install-prod ## Fail when the models need a migration that does not exist
	$(BIN)/kit-crise db check

.PHONY: db-revision
db-revision: install ## Write a migration from the model changes: make db-revision m="what changed"
	@test -n "$(m)" || { echo 'usage: make db-revision m="what changed"'; exit 2; }
	$(BIN)/kit-crise db upgrade
	$(BIN)/kit-crise db revision -m "$(m)"

.PHONY: fuzz
fuzz: install ## Longer, randomised contract fuzzing (schemathesis) to hunt for new failures
	KIT_CRISE_FUZZ_EXAMPLES=500 KIT_CRISE_FUZZ_RANDOM=1 $(BIN)/python -m pytest tests/contract -m slow

.PHONY: bench
bench: install ## Every benchmark of bench/ (wrk: apt-get install wrk), written to bench/results.md; not part of test or CI
	$(BIN)/python -m bench

.PHONY: clean
clean: ## Remove the virtual environments and caches (keeps ./data)
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
