# glass_lightning: every target installs what it needs first, from the tested lock file.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
LOCK    := requirements.lock
# Which torch wheel to install: `default` is pip's own choice (on Linux the CUDA build from PyPI,
# or a local build where this machine's pip is configured with one); `cpu`, `cu126`, `cu128`, ...
# take PyTorch's wheel index of that name, e.g. `make install TORCH=cpu`.
TORCH   ?= default
ifeq ($(TORCH),default)
TORCH_INDEX :=
else
TORCH_INDEX := --index-url https://download.pytorch.org/whl/$(TORCH)
endif

.PHONY: install test train train-botan data sweep bench reproduce ui lock clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet $(TORCH_INDEX) --constraint $(LOCK) torch
	$(PYTHON) -m pip install --quiet --constraint $(LOCK) --editable ".[dev]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

train: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/lightning fit --config configs/default.yaml

# SE3Net on a folder of real BOTAN-layout files: make train-botan BOTAN=../shared/data/botan-T0.44
# (their inherent structures are computed once, into outputs/inherent/NAME, then the fit reads those)
BOTAN_INHERENT = outputs/inherent/$(notdir $(abspath $(BOTAN)))
train-botan: $(STAMP)
	@test -n "$(BOTAN)" || { echo "make train-botan: give the folder of BOTAN files, e.g. make train-botan BOTAN=path/to/botan-T0.44"; exit 2; }
	$(BIN)/glass-lightning quench $(BOTAN) --format botan --output $(BOTAN_INHERENT)
	$(BIN)/lightning fit --config configs/botan.yaml --data.init_args.paths $(BOTAN_INHERENT)

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

# Re-resolve the lock from pyproject.toml's ranges (torch stays at 2.13.0). Local version labels
# (torch==2.13.0+cpu) are stripped: a pin without one matches the local build and the standard wheel.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet torch==2.13.0
	.venv-lock/bin/pip install --quiet ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^glass.lightning' | sed 's/+[A-Za-z0-9.]*$$//' > $(LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache
