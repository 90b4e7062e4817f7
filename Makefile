# The README's commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

plan: $(STAMP)  ## plan the shipped three-site example into rota-out/
	$(BIN)/rota plan examples/follow-the-sun.yaml -o rota-out; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(BIN)/rota check examples/follow-the-sun.yaml rota-out/schedule.csv

test: $(STAMP)  ## the whole test suite
	$(BIN)/ruff check rota tests
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check rota tests benchmarks

bench: $(STAMP)  ## the benchmark matrix of issue 4 into benchmarks/latest.md (about 75 minutes)
	$(BIN)/python benchmarks/run.py --out benchmarks/latest.md

fuzz: $(STAMP)  ## a long mutation fuzz campaign: 10,000 team files and 10,000 schedules
	$(BIN)/python tests/fuzzing.py --yaml 10000 --csv 10000

clean:
	rm -rf $(VENV) rota-out .pytest_cache
