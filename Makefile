# The two set-up commands of the README: `make demo` and `make test`.
# Both create the virtual environment on first use, so a fresh machine needs only Python 3.11+
# and the package registries.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   := output/data
RUN    := output/run

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Build the built-in national dataset and every provider's pack into output/
demo: $(STAMP)
	$(BIN)/packgen generate-data $(DATA) --seed 2026
	$(BIN)/packgen build $(DATA) --out $(RUN)
	$(BIN)/packgen check-plans $(DATA) $(DATA)/plans.csv --db $(RUN)/packgen.duckdb --out $(RUN)/plan-checks

## Run the test suite
test: $(STAMP)
	$(BIN)/pytest

## Measure load, compute, rendering and the national run (see benchmarks/README.md)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) output/data output/run
