# Prism: two commands on a fresh machine.
#   make demo  — the AWS emulator, the service and JupyterLab with the extension (no AWS account)
#   make test  — unit, integration (moto, socket.io) and UI (Galata in Debian's Chromium) tests
# Both install what they need, idempotently.

SHELL := /bin/bash
.DEFAULT_GOAL := help
REPO := $(abspath .)
VENV := $(REPO)/.venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := $(REPO)/.demo
DEMO_LAB_PORT ?= 8888
DEMO_MOTO_PORT ?= 5000

SERVER_SOURCES := $(shell find server/src -name '*.ts' -not -name '*.test.ts' 2>/dev/null)
EXTENSION_SOURCES := $(shell find extension/src style schema -type f 2>/dev/null) $(wildcard server/src/contract/*.ts) templates/schema.json

.PHONY: help setup demo test test-unit test-integration test-ui test-services bench system-packages clean

help:
	@echo "make demo   run Prism on the AWS emulator with JupyterLab (prints the URL to open)"
	@echo "make test   run every test (unit, integration against moto, UI in Chromium)"
	@echo "make bench  measure launch path, service overhead, many users, memory, extension, data browsing"

setup: system-packages node_modules/.installed $(VENV)/.installed server/dist/.built jupyterlab_prism/labextension/package.json $(VENV)/.prism-installed

# Debian's Chromium for the UI test, shellcheck and cloud-init (its `schema` check) for the bootstrap scripts.
# PostgreSQL and Redis for the replica tests, and libpq-dev before `npm ci` builds pg-native's libpq addon.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v shellcheck >/dev/null || missing="$$missing shellcheck"; \
	command -v cloud-init >/dev/null || missing="$$missing cloud-init"; \
	command -v pg_ctlcluster >/dev/null || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	[ -e /usr/include/postgresql/libpq-fe.h ] || missing="$$missing libpq-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

server/dist/.built: node_modules/.installed $(SERVER_SOURCES) server/tsconfig.json
	npm run -s build:server
	touch $@

jupyterlab_prism/labextension/package.json: node_modules/.installed $(VENV)/.installed $(EXTENSION_SOURCES) tsconfig.json package.json
	npm run -s build:lib
	PATH="$(VENV)/bin:$$PATH" npm run -s build:labextension

# The extension into the venv's JupyterLab, and `prism-server` on its PATH for jupyter-server-proxy.
$(VENV)/.prism-installed: jupyterlab_prism/labextension/package.json pyproject.toml $(wildcard jupyterlab_prism/*.py) install.json
	$(PY) -m pip install -q --no-build-isolation .
	printf '#!/bin/sh\nexec node "%s/server/bin/prism-server.js" "$$@"\n' "$(REPO)" > $(VENV)/bin/prism-server
	chmod +x $(VENV)/bin/prism-server
	touch $@

demo: setup
	@mkdir -p $(DEMO_DIR)/data $(DEMO_DIR)/notebooks
	@scripts/demo.sh "$(DEMO_DIR)" "$(DEMO_LAB_PORT)" "$(DEMO_MOTO_PORT)"

test: setup test-unit test-integration test-ui

test-unit: setup
	npx jest --selectProjects unit

# Two at a time: the suites mostly wait on moto and emulated boots, and each has its own emulator, ports and data.
# The PostgreSQL suites make a database each on the local cluster (scripts/start-postgres.sh).
PRISM_TEST_DATABASE_URL ?= postgresql://prism:prism@127.0.0.1:5432/postgres
test-integration: setup test-services
	PATH="$(VENV)/bin:$$PATH" PRISM_TEST_DATABASE_URL="$(PRISM_TEST_DATABASE_URL)" npx jest --selectProjects integration --maxWorkers=2

test-services: system-packages
	scripts/start-postgres.sh

test-ui: setup
	cd ui-tests && PATH="$(VENV)/bin:$$PATH" npx playwright test

# Benchmarks (bench/README.md): a table on stdout, bench/results/*.json; never part of `make test`.
bench: setup
	npx tsc --noEmit -p bench/tsconfig.json
	PATH="$(VENV)/bin:$$PATH" node -r ./bench/register.js bench/run.ts $(BENCH)

clean:
	rm -rf lib server/dist jupyterlab_prism/labextension $(DEMO_DIR) node_modules/.installed $(VENV)/.prism-installed
