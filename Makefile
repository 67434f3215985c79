# Chợ Quê — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app market
export FLASK_APP := market
# The app's default is production (a server never runs with a published key by accident); these
# targets are a developer's, so they ask for development: fallback key, demo account, the demo.
export CHOQUE_ENV ?= development

.PHONY: install translations migrate demo run test test-fast lint format bench chromium clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "Installing the dependencies into $(VENV) (a minute or two the first time)..."
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar on -e '.[dev]'  # lists each package: no long silence
	touch $@

install: $(VENV)/.installed

translations: install
	$(FLASK) i18n compile

migrate: translations
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

## Create the virtualenv, install, migrate, load the demo, then serve on http://127.0.0.1:5000
## with the background worker beside it; Ctrl-C stops both.
run: demo
	@$(FLASK) worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## Debian's Chromium for the browser tests (never a downloaded browser build)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

## The whole suite; TEST_DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL
test: translations chromium
	$(BIN)/pytest; status=$$?; [ $$status -eq 5 ] && exit 0; exit $$status

## The suite without the browser tests
test-fast: translations
	$(BIN)/pytest -m "not browser"; status=$$?; [ $$status -eq 5 ] && exit 0; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
