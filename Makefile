# The two set-up commands of the README: `make demo` and `make test`.
# Both create the virtual environment on first use, so a fresh machine needs only Python 3.11+
# and the package registries.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   := output/data
RUN    := output/run
# last year's bundle and run, so that this year's packs show the change since the previous pack
DATA_PREVIOUS := output/data-previous
RUN_PREVIOUS  := output/run-previous

.PHONY: demo demo-real test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Build the built-in national dataset and every provider's pack into output/
demo: $(STAMP)
	$(BIN)/packgen generate-data $(DATA) --seed 2026
	$(BIN)/packgen generate-data $(DATA_PREVIOUS) --seed 2026 --previous-year
	$(BIN)/packgen build $(DATA_PREVIOUS) --out $(RUN_PREVIOUS) --formats xlsx --quiet
	$(BIN)/packgen build $(DATA) --out $(RUN) --previous $(RUN_PREVIOUS)
	$(BIN)/packgen check-plans $(DATA) $(DATA)/plans.csv --db $(RUN)/packgen.duckdb --out $(RUN)/plan-checks

## Import the real NHS files shipped in real_data/ into output/real-data, then validate and build
REAL_DATA := output/real-data
demo-real: $(STAMP)
	rm -rf $(REAL_DATA)
	$(BIN)/packgen import ods real_data/etr_2024_25.csv --into $(REAL_DATA)
	$(BIN)/packgen import eric real_data/eric_2016_17_trust.csv --into $(REAL_DATA) --apply-peer-groups
	$(BIN)/packgen import rci real_data/rci_2015_16_org.csv --into $(REAL_DATA)
	$(BIN)/packgen import ambsys real_data/ambsys.csv --into $(REAL_DATA)
	$(BIN)/packgen import ncc-schedule real_data/ncc_2023_24_national_schedule.csv --into $(REAL_DATA)
	$(BIN)/packgen import scmd real_data/scmd_methotrexate.csv --into $(REAL_DATA)
	$(BIN)/packgen validate $(REAL_DATA)
	$(BIN)/packgen build $(REAL_DATA) --out output/real-run

## Run the test suite
test: $(STAMP)
	$(BIN)/pytest

## Measure load, compute, rendering and the national run (see benchmarks/README.md)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) output/data output/run $(DATA_PREVIOUS) $(RUN_PREVIOUS) output/real-data output/real-run
