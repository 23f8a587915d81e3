# The two commands a newcomer needs (see README.md):
#   make run    the whole helpdesk: web, a Celery worker and beat, on embedded defaults
#   make test   install what the tests need and run the whole suite on PostgreSQL and Redis
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

# The first Python 3.11+ on PATH (a pyenv shim for a missing version fails the test and is skipped).
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)

.PHONY: help run admin test lint format check-python clean lock screenshots bench bench-staff bench-faq \
	bench-sla bench-notify bench-redaction bench-writes bench-incidents

help:
	@echo "make run     start web + worker + beat with demo data on http://127.0.0.1:8000/ (PORT=...)"
	@echo "make admin   create the first real admin (a superuser) of this installation"
	@echo "make test    install the test dependencies and run the whole suite (ARGS='-k name' for one)"
	@echo "make lint    import contracts, ruff and djLint"
	@echo "make bench   the staff workspace and SLA sweep benchmarks on a million tickets (PostgreSQL)"
	@echo "make bench-staff  staff queue, search and ticket page latency on a million tickets"
	@echo "make bench-faq  FAQ search latency with 10,000 articles x 3 languages (PostgreSQL)"
	@echo "make bench-sla  the SLA sweep benchmark on a million tickets (PostgreSQL)"
	@echo "make bench-writes  CPU and queries per ticket write at 100k and 1M tickets, x a bare view"
	@echo "make bench-notify  notifications per second to a local SMTP server, one worker"
	@echo "make bench-incidents  resolving an incident with 50,000 tickets at a million; creation with incidents on"
	@echo "make bench-redaction  the redactor's MB/s on its corpus and on adversarial input"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "This helpdesk needs Python 3.11 or newer, and none was found on PATH (tried python3.13, python3.12, python3.11, python3, python)." >&2; \
		exit 1; fi

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-local: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[local]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@ $(VENV)/.installed-local

# scripts/run.py: a development .env on the first run, then translations, migrations and demo
# data, then web + worker + beat on embedded defaults (SQLite, the file broker and email files
# under var/). DATABASE_URL / REDIS_URL in the environment or .env win; PORT picks the port.
run: check-python $(VENV)/.installed-local
	@exec $(PY) scripts/run.py

# The first real admin of this installation (a superuser: /admin/ and the staff workspace), asked
# for interactively; ARGS="--noinput --email ..." with DJANGO_SUPERUSER_PASSWORD / _NAME for scripts.
admin: check-python $(VENV)/.installed-local
	@$(PY) scripts/run.py --env-only
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py createsuperuser $(ARGS)

test: check-python $(VENV)/.installed-dev
	@$(PY) scripts/run_tests.py $(ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates faq/templates --lint

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates faq/templates --reformat

# FAQ search and suggestion latency on a throw-away PostgreSQL database (<name>_throwaway, made
# and dropped by the command): 10,000 articles x 3 languages, about a minute. ARGS='--keep' etc.
FAQ_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_faq_bench
bench-faq: $(VENV)/.installed-dev
	DEBUG=false SECURE_SSL_REDIRECT=false DATABASE_URL=$(FAQ_BENCH_DATABASE_URL) \
	SECRET_KEY=bench-only-key-never-used-to-sign-anything-real \
	$(PY) manage.py bench_faq $(ARGS)

# Notifications delivered per second by one worker to a local SMTP server (README). Uses the
# database and broker of the environment: DATABASE_URL and REDIS_URL for a meaningful figure.
bench-notify: check-python $(VENV)/.installed-dev
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py bench_notifications $(ARGS)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache

# Re-pin requirements.lock after changing pyproject.toml (installs into a throw-away venv).
lock: check-python
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --upgrade pip
	var/lock-venv/bin/pip install --quiet -e ".[dev]"
	{ echo "# Pinned versions every install resolves to (pip install -c requirements.lock). Regenerate with \`make lock\`."; \
	  var/lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf var/lock-venv

# Pictures of the main pages for the README (docs/screenshots/), on a phone and a desktop.
screenshots: $(VENV)/.installed-dev
	$(PY) scripts/screenshots.py

# The million-ticket benchmarks (README): a throw-away PostgreSQL database whose name ends in
# _bench, created and migrated if missing, with a million tickets generated once (about eight
# minutes on the development machine) and reused. Tasks go to the Redis of BENCH_REDIS_URL, as
# in production.
BIG_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
BENCH_ENV = DATABASE_URL="$(BIG_BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" DEBUG=false \
	SECURE_SSL_REDIRECT=false SECRET_KEY=bench-only-key-0123456789abcdefghijklmnop

# Both million-ticket benchmarks, one after the other on the same data.
bench: bench-staff bench-sla

# Staff pages' server time, p50/p95/max, and SQL queries per request (README, "Staff workspace").
bench-staff: $(VENV)/.installed-local
	@$(BENCH_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(BENCH_ENV) \
		$(PY) manage.py bench_staff $(ARGS)

# Writes (web submission, API create, customer and agent replies) at 100,000 and a million
# tickets, CPU per request as a ratio to a bare view, and queries (README, "The write benchmark").
SMALL_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_100k_bench
bench-writes: $(VENV)/.installed-local
	@$(BENCH_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(BENCH_ENV) $(PY) manage.py bench_writes \
		--small "$(SMALL_BENCH_DATABASE_URL)" --large "$(BIG_BENCH_DATABASE_URL)" $(ARGS)

# The SLA sweep (README, "SLA"). ARGS passes options, e.g. ARGS="--due 20000".
bench-sla: $(VENV)/.installed-local
	@$(BENCH_ENV) \
		$(PY) manage.py bench_sla $(ARGS)

# Incidents (README "Incidents"): resolving an incident with 50,000 linked tickets at a million
# tickets (tickets/s, queries per ticket, each checked resolved once), and ticket creation with
# three active incidents against none. Leaves the data as it found it. ARGS="--linked 10000" etc.
bench-incidents: $(VENV)/.installed-local
	@$(BENCH_ENV) \
		$(PY) manage.py bench_incidents $(ARGS)

# The redactor's throughput in MB/s on the test corpus and on a megabyte of adversarial input
# each (docs/redaction.md), beside a bare NFKC pass over the same text.
bench-redaction: $(VENV)/.installed-dev
	@$(PY) scripts/bench_redaction.py $(ARGS)
