# Anugerah: `make run` serves the app with demo data, `make test` runs the suite.
# Needs only python3 and make; everything else goes into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/pytest

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

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
