# Everything the project needs is installed from here: a fresh machine runs
# `make demo` or `make test` and nothing else.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint fmt bench fuzz install browser deploy-tools clean train loo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/mulin demo

# Browser tests use Debian's Chromium (Playwright cannot download its own here).
browser:
	@{ test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "color emoji"; } || { \
	  echo "installing Debian chromium and fonts (Chinese, colour emoji) for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei fonts-noto-color-emoji >/dev/null) || \
	  echo "could not install chromium: browser tests will fail"; }

# The deployment tests check deploy/ with Debian's own tools: nginx -t and a live TLS proxy,
# promtool (package prometheus), systemd-analyze, pg_dump/pg_restore for the backup drill,
# pgbouncer for the transaction-pooling test.
deploy-tools:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v promtool >/dev/null && \
	  command -v systemd-analyze >/dev/null && command -v pg_dump >/dev/null && command -v openssl >/dev/null && \
	  { command -v pgbouncer || test -x /usr/sbin/pgbouncer; } >/dev/null || { \
	  echo "installing Debian nginx, prometheus (promtool), systemd, postgresql-client, openssl, pgbouncer for the deployment tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    nginx prometheus systemd postgresql-client openssl pgbouncer >/dev/null) || \
	  echo "could not install the deployment tools: tests/test_deploy.py will fail under CI"; }

test: $(STAMP) browser deploy-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

# The intake model: scikit-learn is needed for training only (extra "train").
train: $(STAMP)
	$(BIN)/pip install -q -e '.[dev,train]'
	$(BIN)/python scripts/train_intake.py

loo: $(STAMP)
	$(BIN)/pip install -q -e '.[dev,train]'
	$(BIN)/python scripts/loo_eval.py

# A longer fuzz round than CI's 5,000 requests (same seed, same assertions).
fuzz: $(STAMP)
	MULIN_FUZZ_COUNT=$${MULIN_FUZZ_COUNT:-50000} $(BIN)/pytest -q -s tests/test_fuzz.py

clean:
	rm -rf $(VENV) build dist *.egg-info
