# Anugerah: `make run` serves the app with demo data, `make test` runs the suite.
# Needs only python3 and make; everything else goes into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: install translations translations-update run test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Bahasa Indonesia and English catalogues, compiled from competition/translations/*/LC_MESSAGES/*.po.
translations: $(STAMP)
	$(BIN)/pybabel compile -d competition/translations >/dev/null

# After adding or changing texts: extract them and merge them into both catalogues.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k t --no-location -o competition/translations/messages.pot . >/dev/null
	$(BIN)/pybabel update -i competition/translations/messages.pot -d competition/translations --width 100

run: translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: translations
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
