# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-dev translations vendor lint security proof deploy-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Each stamp is newer than the files it installed: editing either file reinstalls what it feeds.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The application alone (make run, a server); tests and tooling come with install-dev.
install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev install

test lint security: install-dev

# Catalogues are compiled here, never committed as binaries: one per domain package. A fuzzy
# (guessed) translation is left out, so the interface shows the English text instead of a wrong one.
translations: $(VENV)/.installed
	@for d in $$(find sociallab -type d -name translations); do \
		$(BIN)/pybabel -q compile -d $$d || exit 1; \
	done

# A developer's machine: a generated secret key and links to http://127.0.0.1:5000 are fine here
# (a server started any other way refuses to run without SECRET_KEY and SITE_URL).
run: export SOCIALLAB_ENV ?= development
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask sociallab seed-demo
	$(BIN)/flask sociallab serve --host $(HOST) --port $(PORT)

# Tests run on every core (pytest-xdist; each worker has its own database), then the few that
# must not run beside another (marked `alone`: time and memory budgets) one at a time. Exit
# status 5 means a pass selected no test (PYTEST_ARGS naming only one kind).
test: install
	@$(BIN)/python -m pytest -q -n auto --dist loadgroup -m "not alone" $(PYTEST_ARGS); parallel=$$?; \
	$(BIN)/python -m pytest -q -m alone $(PYTEST_ARGS); alone=$$?; \
	for status in $$parallel $$alone; do [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status; done; \
	[ $$parallel -eq 0 ] || [ $$alone -eq 0 ]

lint: install security
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Bandit over the application code (settings in pyproject.toml): a medium or high finding is fixed
# or marked `# nosec B###` with its reason. make test runs it too (tests/security/test_bandit.py).
security: install
	$(BIN)/bandit -c pyproject.toml -r sociallab -q --severity-level medium

# Reliability as a bad day would test it (issue 15), against the production shape on 127.0.0.1:
# gunicorn -c gunicorn.conf.py over PostgreSQL (its database test_proof, made again) with a
# redis-server of its own (needs redis-server on the PATH). Load with Locust (30 people, 120 s),
# 20 kills during writes on SQLite and on PostgreSQL, then Redis restarted, PostgreSQL's
# connections cut and the disk full. Each prints RESULT lines; all run, and any failure fails.
PROOF_LOAD_ARGS ?=
proof: install-dev
	@status=0; \
	$(BIN)/python proof/load.py $(PROOF_LOAD_ARGS) || status=1; \
	$(BIN)/python proof/crash.py || status=1; \
	$(BIN)/python proof/services.py || status=1; \
	exit $$status

# The production shape on 127.0.0.1 (README "Production"): two gunicorn processes over one PostgreSQL
# and one Redis, a member's journey through both (tests/deploy/test_two_machines.py), then nginx in
# front with deploy/nginx/sociallab.conf over https (tests/deploy/test_nginx.py; needs nginx, not
# running as a service). Each test makes its own database on that PostgreSQL server; a service
# missing fails rather than skips. Another server: make deploy-check TEST_DATABASE_URL=… REDIS_URL=…
deploy-check: export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
deploy-check: export REDIS_URL ?= redis://127.0.0.1:6379/0
deploy-check: export SOCIALLAB_REQUIRE_SERVICES = 1
deploy-check: install-dev
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/deploy

# Browser libraries at pinned versions, fetched from the npm registry with their licences.
vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache
