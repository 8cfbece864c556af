# Two commands: `make demo` (TUI on the demo company, Datasette alongside) and `make test`.
# `make test-fast` skips the screen snapshots (the inner loop); `make lint`, `make format-check`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/pmtui-demo.db
# pytest-xdist workers (one per core); `make test WORKERS=0` runs in one process.
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist worksteal

.PHONY: demo test test-fast lint format-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the package definition changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/pmtui --db $(DEMO_DB) demo

test: lint
	@bash scripts/ensure-chromium
	$(PYTEST)

# Everything but the screen snapshot tests (marked `snapshot` by tests/conftest.py).
test-fast: lint
	$(PYTEST) -m "not snapshot"

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Not yet part of `make test`: the code base has not been run through `ruff format`.
format-check: $(VENV)/.installed
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) demo .pytest_cache
