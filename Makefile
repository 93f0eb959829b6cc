# tarjama: `make dataset` builds the tool and the default dataset;
# `make test` installs what the tests need and runs them all.

CARGO  ?= cargo
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := target/release/tarjama
SEED   := datasets/seed-news

.PHONY: all build dataset test test-rust test-python lint fmt check clean

all: dataset

# One profile (release) for the binary, the tests and the benchmarks, so the
# code is compiled once.
build:
	$(CARGO) build --release --locked

dataset: build
	$(BIN) build $(SEED)
	$(BIN) validate $(SEED)

$(VENV)/.installed: tests/python/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
	touch $@

test: build $(VENV)/.installed test-rust test-python

test-rust: build
	$(CARGO) test --release --locked
	$(BIN) validate $(SEED)

test-python: build $(VENV)/.installed
	TARJAMA_BIN=$(BIN) HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 $(PY) -m pytest -q tests/python

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

check: lint test

clean:
	rm -rf target $(VENV)
