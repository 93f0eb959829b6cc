# tarjama: `make dataset` builds the tool and the default dataset;
# `make test` installs what the tests need and runs them all.

CARGO  ?= cargo
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := target/release/tarjama
SEED   := datasets/seed-news
# The shared data beside the checkout (a CI clone elsewhere finds it at /work/shared).
SHARED ?= $(firstword $(wildcard ../shared /work/shared) ../shared)
CORPUS := $(SHARED)/corpus/saudinewsnet.jsonl.gz
WORK   := bench/work

.PHONY: all build dataset test test-rust test-python lint fmt check clean eval-sentences bench bench-segment bench-ner icu

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

# The sharding tests run on a slice of the corpus when it is there.
test-rust: build
	TARJAMA_CORPUS=$(wildcard $(CORPUS)) $(CARGO) test --release --locked
	$(BIN) validate $(SEED)

test-python: build $(VENV)/.installed
	TARJAMA_BIN=$(BIN) TARJAMA_CORPUS=$(wildcard $(CORPUS)) HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 $(PY) -m pytest -q -s tests/python

# ICU's C++ library and headers, for the ICU peers (PyICU and icu_segment).
icu:
	@pkg-config --exists icu-i18n 2>/dev/null || (apt-get update -qq && apt-get install -y -qq libicu-dev pkg-config g++)

$(VENV)/.eval-installed: $(VENV)/.installed bench/requirements-eval.txt | icu
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-eval.txt
	touch $@

# Sentence boundaries on the dev gold: tarjama, ICU (PyICU) and pysbd side by side.
eval-sentences: build $(VENV)/.eval-installed
	$(PY) bench/eval_sentences.py $(SHARED)/gold/sentences-dev.jsonl --tarjama $(BIN) --scorer $(SHARED)/tools/score.py

$(WORK)/texts.bin: $(CORPUS) bench/corpus_texts.py
	mkdir -p $(WORK)
	$(PYTHON) bench/corpus_texts.py $(CORPUS) $@

$(WORK)/icu_segment: bench/icu_segment.cpp | icu
	mkdir -p $(WORK)
	g++ -O2 -o $@ $< $$(pkg-config --cflags --libs icu-uc icu-i18n)

# Splitter alone, one core, on the 96 MB corpus: tarjama next to ICU's C++ break iterator.
bench-segment: $(WORK)/texts.bin $(WORK)/icu_segment
	$(CARGO) build --release --locked --example segment_throughput
	target/release/examples/segment_throughput $(WORK)/texts.bin 3
	$(WORK)/icu_segment $(WORK)/texts.bin 3

# NER model alone, one core, on 20 MB of corpus sentences; then its scores on the dev gold.
bench-ner: build $(WORK)/texts.bin
	$(CARGO) build --release --locked --example ner_throughput
	(target/release/examples/ner_throughput $(WORK)/texts.bin 20 3 && $(BIN) ner eval $(SHARED)/gold/ner-dev.jsonl) | tee $(WORK)/ner.log

# Everything at corpus scale, side by side with the peers; writes bench/RESULTS.md.
bench: build $(VENV)/.eval-installed $(WORK)/texts.bin $(WORK)/icu_segment bench-ner
	$(CARGO) build --release --locked --example segment_throughput
	(target/release/examples/segment_throughput $(WORK)/texts.bin 3 && $(WORK)/icu_segment $(WORK)/texts.bin 3) | tee $(WORK)/segment.log
	$(PY) bench/bench.py --tarjama $(BIN) --corpus $(CORPUS) --work $(WORK) --python $(PY) --segment-log $(WORK)/segment.log --ner-log $(WORK)/ner.log

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

check: lint test

clean:
	rm -rf target $(VENV)
