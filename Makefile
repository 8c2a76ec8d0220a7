# Two commands for a fresh machine: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the board's browser test, pinned in tests/package-lock.json.
AXE := tests/node_modules/axe-core/axe.min.js

.PHONY: run test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(AXE): tests/package.json tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund --silent
	touch $(AXE)

run: $(STAMP)
	@# Bytecode up to date even where PYTHONDONTWRITEBYTECODE is set: a quicker start.
	@$(BIN)/python -m compileall -q bot
	$(BIN)/python -m bot run

test: $(STAMP) $(AXE)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy bot
	$(BIN)/python -m bot check
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/python -m bot check

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/flags.py
	$(BIN)/python bench/e2e.py
	$(BIN)/python bench/live_session.py
	$(BIN)/python bench/group_session.py
	$(BIN)/python bench/board_api.py
	$(BIN)/python bench/statement.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
