# `make run` starts the demo (portal + Canvas emulator); `make test` runs every test tier (the unit
# tier first, so a broken rule fails in seconds); `make unit` runs only the unit tier;
# `make messages` refreshes the translation catalogs (docs/i18n.md);
# `make serve` runs the portal in production under gunicorn (settings from the environment,
# see docs/deploy.md); `make bench` prints performance figures (bench/README.md). All set up .venv
# from the pinned requirements on first use.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORTAL_PORT ?= 8000
EMULATOR_PORT ?= 8001

.PHONY: run test unit lint format serve bench clean messages

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is needed (the repo pins 3.13 in .python-version); found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python scripts/run_demo.py --portal-port $(PORTAL_PORT) --emulator-port $(EMULATOR_PORT)

test: $(STAMP)
	@bash scripts/check_browser.sh
	@command -v xgettext >/dev/null || { echo "xgettext is missing: the catalog test (tests/i18n) needs GNU gettext (sudo apt-get install gettext)."; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(UNIT)
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest --ignore=tests/unit

# The pure rules alone, in about two seconds: no emulator, network or database (tests/unit).
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE): compiling
# every module again on each run costs more than the tier's tests.
UNIT = PYTHONDONTWRITEBYTECODE= $(BIN)/pytest tests/unit -q
unit: $(STAMP)
	$(UNIT)

# Production: collect the hashed static files, apply migrations, then gunicorn with the repo's
# config. With several machines, run `manage.py migrate` once per release instead (docs/deploy.md).
serve: $(STAMP)
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn -c portal/gunicorn.conf.py

# Performance figures, printed (not a test: bench/README.md). Under a minute with the defaults;
# pass options through, e.g. `make bench BENCH_ARGS="--concurrency 20 --users 40"`.
bench: $(STAMP)
	$(BIN)/python bench/portal_latency.py $(BENCH_ARGS)

# Translations: extract every marked string into locale/<lang>/LC_MESSAGES/django.po (new ones
# untranslated), then compile the .mo files. Both are committed, so `make run` needs no gettext.
MESSAGE_LANGUAGES := -l es -l fr -l ar
MESSAGE_IGNORE := -i .venv -i canvas_emulator -i tests -i harness -i bench -i scripts -i staticfiles -i docs
messages: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages $(MESSAGE_LANGUAGES) --no-location --no-obsolete $(MESSAGE_IGNORE)
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages $(MESSAGE_LANGUAGES) -i .venv

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
