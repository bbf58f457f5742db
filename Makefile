# The two commands that matter: `make run` and `make test`. Each installs what is missing first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.deps-installed
NODE_DEPS := node_modules/.deps-installed
SCSS := $(wildcard src/burgh/core/static_src/*.scss)
# One stylesheet per .scss: burgh.css for every page, api-docs.css for the Swagger UI page.
CSS := $(patsubst src/burgh/core/static_src/%.scss,build/static/%.css,$(SCSS))
# Our own scripts and images, served as they are from build/static next to the CSS.
STATIC_FILES := $(patsubst src/burgh/core/static_src/%,build/static/%,\
	$(wildcard src/burgh/core/static_src/*.js src/burgh/core/static_src/*.svg))

.PHONY: run test lint typecheck pytest pytest-postgres setup browser lock clean bench

run: setup
	$(BIN)/burgh run

# The SQLite and PostgreSQL passes run side by side (one core each); each pass's output is
# printed whole when it ends.
test: setup browser lint typecheck
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-postgres

setup: $(DEPS) $(NODE_DEPS) $(CSS) $(STATIC_FILES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DEPS): $(BIN)/python requirements-pip.lock requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/%.css: src/burgh/core/static_src/%.scss $(NODE_DEPS)
	mkdir -p build/static
	node_modules/.bin/sass --quiet --no-source-map --style=compressed --load-path=node_modules $< $@

build/static/%: src/burgh/core/static_src/%
	mkdir -p build/static
	cp $< $@

# Headless Chromium for the page tests (Debian's package; the tests launch it directly), and
# the DejaVu fonts that letters and chronologies are printed in (PDFs with names like Siobhán).
browser:
	@command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf ] || { \
		echo "Installing Debian's chromium and DejaVu fonts for the browser and PDF tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO apt-get install -y -qq chromium fonts-dejavu-core fonts-dejavu-extra >/dev/null; }

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy src

pytest: setup
	$(BIN)/pytest -p no:cacheprovider

# The same suite against PostgreSQL. On CI (CI=true) an unreachable server fails the run.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
pytest-postgres: setup
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(POSTGRES_URL) is not reachable: CI needs it." >&2; exit 1; \
	else \
		echo "PostgreSQL at $(POSTGRES_URL) is not reachable: PostgreSQL tests NOT run (set POSTGRES_URL)."; \
	fi

bench: setup
	$(BIN)/python -m bench

# Re-pin after editing pyproject.toml's dependencies.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) node_modules build var/staticfiles
