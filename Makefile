# glass_lightning: every target installs what it needs first, from the tested lock file.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
LOCK    := requirements.lock

.PHONY: install test train data sweep bench reproduce ui lock clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --constraint $(LOCK) torch==2.13.0
	$(PYTHON) -m pip install --quiet --constraint $(LOCK) --editable ".[dev]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

train: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/lightning fit --config configs/default.yaml

data: $(STAMP)
	$(BIN)/glass-lightning simulate --config configs/simulate/ka3d-mini.yaml --report

sweep: $(STAMP)
	$(BIN)/glass-lightning sweep --config sweeps/default.yaml

bench: $(STAMP)
	$(BIN)/glass-lightning bench

reproduce: $(STAMP)
	$(BIN)/glass-lightning reproduce --config configs/experiments/ka3d-mini.yaml

ui: $(STAMP)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --default-artifact-root mlruns --host 127.0.0.1

# Re-resolve the lock from pyproject.toml's ranges (torch stays pinned to the local CPU build).
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet torch==2.13.0
	.venv-lock/bin/pip install --quiet ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^glass.lightning' > $(LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache
