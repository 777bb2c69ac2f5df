# `make run` and `make test` work on a fresh machine: each sets up what it needs, once.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 1

.PHONY: run test setup setup-test assets system-deps lint check bench

run: setup
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --workers $(WEB_CONCURRENCY)

# The gates first (ruff, format, mypy --strict over app/): a failing one fails `make test` and CI.
test: setup-test system-deps check
	$(BIN)/python -m pytest

setup: $(VENV)/.runtime-installed assets

setup-test: $(VENV)/.test-installed assets

# Front-end assets come from npm (package-lock.json) and are copied into static/vendor/
# (git-ignored); gettext catalogs (.po, committed) are compiled to .mo (git-ignored).
HTMX := static/vendor/htmx.min.js
SWAGGER_UI := static/vendor/swagger-ui-bundle.js static/vendor/swagger-ui.css
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
assets: $(HTMX) $(SWAGGER_UI) $(CATALOGS:.po=.mo)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else echo "npm is missing: sudo apt-get install nodejs npm" >&2; exit 1; fi; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(HTMX): node_modules/.installed
	mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# Swagger UI for /docs, served from our origin (FastAPI's default loads it from a CDN).
static/vendor/swagger-ui%: node_modules/.installed
	mkdir -p $(@D)
	cp node_modules/swagger-ui-dist/$(@F) $@

%.mo: %.po $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

$(VENV)/.runtime-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.runtime-installed pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium, the front-door tests Debian's nginx (tests/test_front_door.py);
# install them when missing and we are allowed to.
system-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; }
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk is missing: load benchmarks will be skipped (sudo apt-get install wrk)"; fi; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	  else echo "nginx is missing: front-door tests will be skipped (sudo apt-get install nginx)"; fi; }

# Benchmarks print figures and ratios (a few minutes); record them in BENCHMARKS.md.
bench: setup-test system-deps
	$(BIN)/python bench/core_speed.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/api_stages.py
	$(BIN)/python bench/keras_vs_api.py
	$(BIN)/python bench/worst_cases.py
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/front_door.py
	$(BIN)/python bench/scale_out.py

lint: setup-test
	$(BIN)/ruff check .

# The gates: lint, formatting, and mypy --strict over app/ (settings in pyproject.toml).
check: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
