# TrustPlan. `make run` to try it, `make test` to test it. Needs Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench load serve lint format setup demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_reference
	$(PY) manage.py analyze_database

run: export DEBUG ?= 1
run: setup
	$(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest -n auto $(TEST_ARGS)

# Both on SQLite, and on PostgreSQL too when BENCH_POSTGRES_URL (or DATABASE_URL) names a server.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

load: $(STAMP)
	$(PY) -m bench.load $(BENCH_ARGS)

# Production: needs SECRET_KEY (50+ random characters) and ALLOWED_HOSTS; DATABASE_URL for PostgreSQL.
# Any error stops it, and so does any security warning of the deployment checklist.
serve: $(STAMP)
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py check --deploy --fail-level ERROR
	$(PY) manage.py check --deploy --tag security --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_reference
	$(PY) manage.py analyze_database
	$(VENV)/bin/gunicorn trustplan.wsgi --config gunicorn.conf.py --bind $${BIND:-127.0.0.1:8000} --access-logfile -

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/measures.py

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles
