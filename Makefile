# Torg — developer commands. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install assets messages demo run serve test test-sqlite test-postgres bench lint clean

install: $(VENV)/.installed node_modules/.installed assets messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	$(PY) scripts/copy_assets.py

messages: $(VENV)/.installed
	$(PY) scripts/compile_messages.py

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
	@echo ""
	@echo "Torg runs at http://$(HOST)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver $(HOST)

run:
	$(PY) manage.py runserver $(HOST)

# The production profile (TORG_ENV=production): collectstatic, migrate, gunicorn + a db_worker, on
# the same database as `make demo` unless DATABASE_URL says otherwise. Plain HTTP on localhost
# here, so no redirect to HTTPS unless TORG_SECURE_SSL_REDIRECT=true, and e-mail printed unless
# TORG_EMAIL_BACKEND says otherwise. See docs/deployment.md.
serve: install
	TORG_ENV=production TORG_SECURE_SSL_REDIRECT=$${TORG_SECURE_SSL_REDIRECT:-false} \
		TORG_EMAIL_BACKEND=$${TORG_EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend} \
		$(PY) scripts/serve.py --bind $(HOST)

# The whole suite: SQLite always; PostgreSQL too when TORG_TEST_POSTGRES_URL is set (CI sets it).
test: install
	$(PY) scripts/run_tests.py

bench: install
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules torg/web/static/vendor var/static
