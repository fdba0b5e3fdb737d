# Anugerah: `make run` serves the app with demo data, `make test` runs the suite.
# Needs only python3 and make; everything else goes into .venv, exactly as uv.lock pins it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed
# uv installs from the lock and keeps it in step with pyproject.toml; it lives in a venv of its own.
UV_VERSION := 0.13.9
UV_HOME    := .uv
UV         := $(UV_HOME)/bin/uv
PORT       ?= 5000

.PHONY: install lock lock-check translations translations-update run serve worker test lint typecheck bench clean
.PHONY: loadtest faults fuzz-api

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install -qq uv==$(UV_VERSION)

# Exactly what uv.lock pins (dev tools included); nothing else stays in .venv.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python $(PYTHON) --quiet
	touch $(STAMP)

install: $(STAMP)

# Resolve pyproject.toml again and rewrite uv.lock (after changing a dependency).
lock: $(UV)
	$(UV) lock

# Fails when uv.lock no longer matches pyproject.toml.
lock-check: $(UV)
	$(UV) lock --check

# Bahasa Indonesia and English catalogues, compiled from competition/translations/*/LC_MESSAGES/*.po.
translations: $(STAMP)
	$(BIN)/pybabel compile -d competition/translations >/dev/null

# After adding or changing texts: extract them and merge them into both catalogues.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k t -k Nn_:1,2 --no-location -o competition/translations/messages.pot . >/dev/null
	$(BIN)/pybabel update -i competition/translations/messages.pot -d competition/translations --width 100

run: translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) serve --host 127.0.0.1 --port $(PORT)

# Production: gunicorn with 2 × cores + 1 workers (WEB_CONCURRENCY) on PORT (default 8000), against
# ANUGERAH_DATABASE_URL; migrates first. See the README's Deployment notes.
serve: translations
	$(FLASK) db upgrade
	PORT=$${PORT:-8000} $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Background jobs on Redis (ANUGERAH_REDIS_URL): an RQ worker with the periodic tick beside it.
# Without Redis the web process runs jobs and the tick itself; see the README's Background jobs.
worker: translations
	$(FLASK) worker

# One pytest-xdist worker per core (-n auto); --dist loadgroup keeps the tests marked
# xdist_group("name") on one worker, where they share what a module builds once.
test: translations
	$(BIN)/pytest -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# National-scale results benchmark: SQLite, and PostgreSQL when ANUGERAH_BENCH_DATABASE_URL is set.
bench: $(STAMP)
	$(BIN)/python benchmarks/results_benchmark.py
	@if [ -n "$$ANUGERAH_BENCH_DATABASE_URL" ]; then \
		$(BIN)/python benchmarks/results_benchmark.py "$$ANUGERAH_BENCH_DATABASE_URL"; \
	fi

# Many judges at once under gunicorn (about 3 minutes); needs PostgreSQL
# (ANUGERAH_LOADTEST_DATABASE_URL) and Redis on loopback. See the README's Reliability section.
loadtest: translations
	$(BIN)/python benchmarks/loadtest.py

# A worker killed in a burst of confirmations, and PostgreSQL restarted under load (a throwaway cluster).
faults: translations
	$(BIN)/python benchmarks/faults.py

# schemathesis against a server already running (make run, make serve): every operation of its
# /api/v1/openapi.json, FUZZ_REQUESTS requests in all, as tests/api/test_schemathesis.py does in CI.
# FUZZ_TOKENS="organiser=anugerah_…,judge=anugerah_…"; without it, tokens of the demo's organiser,
# operator and judge are made in the database the ANUGERAH_* settings name.
FUZZ_URL      ?= http://127.0.0.1:$(PORT)
FUZZ_REQUESTS ?= 10000
fuzz-api: translations
	ANUGERAH_FUZZ_URL="$(FUZZ_URL)" ANUGERAH_FUZZ_TOKENS="$(FUZZ_TOKENS)" ANUGERAH_FUZZ_REQUESTS="$(FUZZ_REQUESTS)" \
		$(BIN)/pytest -q -p no:cacheprovider tests/api/test_schemathesis.py -k answers_as_the_document_says

clean:
	rm -rf $(VENV) $(UV_HOME) instance .pytest_cache .hypothesis
