# OneZone — make targets. Every target can be run twice.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ONEZONE := $(BIN)/onezone
VENDOR := src/onezone/static/vendor
PG_URL ?= postgres://postgres@127.0.0.1:5432
DEMO_PASSWORD := OneZone-Demo-2026
export ONEZONE_DEBUG ?= 1

.PHONY: install assets demo serve test test-pg test-browser check format bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

install: $(VENV)/.installed assets .env

# Development settings for this checkout (never used in production, ignored by git).
.env:
	printf '# Settings of this development checkout; the real environment wins.\nONEZONE_DEBUG=1\n' > $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

assets: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler.min.css
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js

demo: install
	$(ONEZONE) migrate --no-input
	ONEZONE_DEMO_PASSWORD=$(DEMO_PASSWORD) $(ONEZONE) seed --demo
	@echo ""
	@echo "OneZone demo (synthetic data) on http://127.0.0.1:8000"
	@echo "Demo logins — password for all: $(DEMO_PASSWORD)"
	@echo "  admin leader hotline zone_chip_valley zone_aviation bureau liaison chief_rep enterprise enterprise2 founder"
	@echo ""
	$(ONEZONE) worker --no-reload --interval 1 > var/worker.log 2>&1 & echo $$! > var/worker.pid
	trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  $(ONEZONE) runserver --nostatic 127.0.0.1:8000

# One pytest worker per core (pytest-xdist; each worker has its own test database).
JOBS ?= auto

test: install
	@if [ -x /usr/bin/chromium ]; then \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -n $(JOBS); \
	else \
	  echo "NOTE: /usr/bin/chromium not found: SKIPPING the browser tests (apt-get install chromium)."; \
	  $(BIN)/pytest -q -n $(JOBS) -m "not browser"; \
	fi

test-pg: install
	ONEZONE_DATABASE_URL=$(PG_URL)/onezone_ci_$$$$ $(BIN)/pytest -q -n $(JOBS) -m "not browser" --create-db

check: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(ONEZONE) makemigrations --check --dry-run
	$(ONEZONE) check

format: install
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

messages: install
	cd src/onezone && ../../$(ONEZONE) makemessages -l zh_Hans --no-obsolete -i "*/tests/*" -i conftest.py && ../../$(ONEZONE) compilemessages -l zh_Hans

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
