# `make run` and `make test` work on a fresh machine: each sets up what it needs, once.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 1

.PHONY: run test setup setup-test system-deps lint bench

run: setup
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --workers $(WEB_CONCURRENCY)

test: setup-test system-deps
	$(BIN)/python -m pytest

setup: $(VENV)/.runtime-installed

setup-test: $(VENV)/.test-installed

$(VENV)/.runtime-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.runtime-installed pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
system-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }

lint: setup-test
	$(BIN)/ruff check .
