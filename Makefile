# Two commands on a fresh machine: `make run` (the main job on the bundled corpus) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
REALDATA ?= ../shared/realdata

.PHONY: run test lint check-corpus bench bench-accuracy bench-speed bench-stages bench-pages bench-large bench-incremental bench-startup bench-ingest bench-faults bench-agreement bench-fuzz bench-formats bench-real bench-archive bench-chains bench-peers bench-normalize-same clean

$(BIN)/policy-dedup: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/policy-dedup
	$(BIN)/policy-dedup ingest corpus/raw --corpus corpus
	$(BIN)/policy-dedup report --corpus corpus

check-corpus: $(BIN)/policy-dedup
	$(BIN)/policy-dedup check corpus/raw --corpus corpus

lint: $(BIN)/policy-dedup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# one worker per core; a test file stays in one worker (its Spark session, Redis server and Chromium)
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

bench-accuracy: $(BIN)/policy-dedup
	$(BIN)/python bench/accuracy.py --realdata $(REALDATA) --real

bench-speed: $(BIN)/policy-dedup
	$(BIN)/python bench/speed.py --realdata $(REALDATA)

# the folder bench-peers builds (bench/out/peers/data/10000-7/files) must exist: make bench-peers first
bench-stages: $(BIN)/policy-dedup
	$(BIN)/python bench/stages.py

# SIZES=10000,30000,100000 RUNS=3: the peers are installed on first use in their own environments under bench/out/peers
bench-peers: $(BIN)/policy-dedup
	$(BIN)/python bench/peers.py --realdata $(REALDATA) --sizes $(or $(SIZES),10000) --runs $(or $(RUNS),3)

bench-pages: $(BIN)/policy-dedup
	$(BIN)/python bench/pages.py --realdata $(REALDATA)

bench-large: $(BIN)/policy-dedup
	$(BIN)/python bench/large.py --realdata $(REALDATA)

bench-incremental: $(BIN)/policy-dedup
	$(BIN)/python bench/incremental.py --realdata $(REALDATA)

# SIZES=10000,100000: the corpora are built once under bench/out (minutes at 100,000)
bench-startup: $(BIN)/policy-dedup
	$(BIN)/python bench/startup.py --realdata $(REALDATA) $(if $(SIZES),--sizes $(SIZES))

bench-ingest: $(BIN)/policy-dedup
	$(BIN)/python bench/ingest.py --realdata $(REALDATA)

bench-faults: $(BIN)/policy-dedup
	$(BIN)/python bench/faults.py --realdata $(REALDATA)

bench-agreement: $(BIN)/policy-dedup
	$(BIN)/python bench/agreement.py --realdata $(REALDATA)

bench-fuzz: $(BIN)/policy-dedup
	$(BIN)/python bench/fuzz.py

bench-formats: $(BIN)/policy-dedup
	$(BIN)/python bench/formats.py --realdata $(REALDATA)

bench-real: $(BIN)/policy-dedup
	$(BIN)/python bench/real.py --realdata $(REALDATA)

bench-archive: $(BIN)/policy-dedup
	$(BIN)/python bench/archive.py --realdata $(REALDATA)

bench-chains: $(BIN)/policy-dedup
	$(BIN)/python bench/chains.py --realdata $(REALDATA)

# BEFORE=records.json: compare with an earlier run's records (OUT=… writes this run's)
bench-normalize-same: $(BIN)/policy-dedup
	$(BIN)/python bench/normalize_same.py --realdata $(REALDATA) $(if $(OUT),--out $(OUT)) $(if $(BEFORE),--compare $(BEFORE))

bench: bench-accuracy bench-speed bench-pages bench-large bench-incremental bench-ingest bench-faults bench-agreement bench-fuzz bench-formats bench-real bench-archive bench-chains

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis corpus/.cache
