# framing: make help lists the targets.
PY      ?= .venv/bin/python
VENV    ?= .venv
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1

.PHONY: help install test lint models encoder heads eval eval-q8 bench bench-sweep clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

install:  ## create .venv and install framing with its pinned dependencies (torch==2.13.0 CPU)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e ".[train,dev]"
	$(VENV)/bin/python -m framing.encoder_ft >/dev/null  # builds the default (fine-tuned) encoder into the user cache, once (sha256-checked; never trains)
	$(VENV)/bin/python -m framing.quantize --static >/dev/null  # builds the default encoder's CPU path (static int8, committed sha256-checked calibration; reads no data) into the user cache, once
	$(VENV)/bin/python -m framing.quantize >/dev/null  # builds the opt-in minilm-q8 encoder (from the default) into the user cache, once
	$(VENV)/bin/python -m compileall -q src  # bytecode even where PYTHONDONTWRITEBYTECODE is set (saves ~0.2 s a start)
	command -v chromium >/dev/null || sh scripts/install-browser.sh  # Debian chromium for tests/browser (as root; else the test skips)

test:  ## run the test suite (real encoder included, offline, CPU)
	$(PY) -m pytest -q

lint:  ## ruff
	$(VENV)/bin/ruff check src tests

models: encoder heads  ## rebuild every shipped artifact from ../shared/data: the fine-tuned encoder, then every head (~1.5 h on 2 cores)

encoder:  ## fine-tune the default encoder's top layers (models/encoder-ft.*; ~50 min on 2 cores, a GPU is never needed)
	nice -n 5 $(PY) -m framing.train.finetune --epochs 2 --top 2 --fraction 1.0
	$(PY) -m framing.encoder_ft >/dev/null

heads:  ## rebuild every shipped head and lexicon on the default encoder's features (~10 min with features cached)
	$(PY) -m framing.train all

eval:  ## dev metrics: each head on its dev split, then end-to-end through the CLI's code path
	$(PY) -m framing.train eval
	$(PY) -m framing.evaluation

eval-q8:  ## the same dev metrics with the opt-in minilm-q8 encoder under the shipped heads
	$(PY) -m framing.train eval --model minilm-q8

bench:  ## timings: cold/warm start, --help, RSS, throughput vs the encoder floor, length sweep
	$(PY) -m framing.bench

bench-sweep:  ## the length sweep alone: time and peak RSS for 1x/8x/64x the seed, 250/2,000 sections
	$(PY) -m framing.bench sweep

clean:
	rm -rf .cache .pytest_cache build dist
