# Two commands set up everything on a fresh machine:
#   make run   - install, migrate, seed the demo data and serve http://127.0.0.1:8000 (SQLite by default)
#   make test  - install and run the whole test suite (set DATABASE_URL to run it on PostgreSQL)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test deps lint check-migrations seed reconcile messages fuzz

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

deps: $(VENV)/.installed node_modules/.installed

seed: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_reports

reconcile: seed
	$(PY) manage.py reconcile_reports

run: seed
	$(PY) manage.py runserver $(HOST)

test: deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# schemathesis against a live server, as every demo role (DATABASE_URL, or a throw-away SQLite file)
fuzz: deps
	.ci/fuzz-api

lint: deps
	$(VENV)/bin/ruff check .

check-migrations: deps
	$(PY) manage.py makemigrations --check --dry-run

messages: deps
	$(PY) manage.py makemessages -l en --add-location=file --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
