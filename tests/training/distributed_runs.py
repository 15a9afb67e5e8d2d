"""Helpers of the distributed and resume tests: tiny configs and a ``lightning`` subprocess
(DDP's launcher re-runs the command line, and a killed process must not be pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mlflow
import yaml

from glass_lightning.training.tracking import tracking_uri_in

REPOSITORY = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parent


def write_config(directory: Path, data: Path, experiment: str, **overrides) -> Path:
    """A tiny-network config with its outputs and MLflow store under ``directory``."""
    config = {
        "seed_everything": 0,
        "trainer": {
            "accelerator": "cpu",
            "devices": 1,
            "max_epochs": 1,
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "num_sanity_val_steps": 0,
            "default_root_dir": str(directory / "outputs"),
            "logger": {
                "class_path": "glass_lightning.training.tracking.GlassMLFlowLogger",
                "init_args": {"experiment_name": experiment, "tracking_uri": tracking_uri_in(directory)},
            },
        },
        "model": {"model": {"class_path": "tiny.TinyNet", "init_args": {"hidden": 4}}},
        "data": {
            "class_path": "glass_lightning.data.datamodule.GlassDataModule",
            "init_args": {
                "paths": str(data),
                "cutoff": 1.5,
                "batch_size": 1,
                "val_fraction": 0.25,
                "test_fraction": 0.25,
            },
        },
    }
    for dotted, value in overrides.items():
        *parents, key = dotted.split("__")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{experiment}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run_lightning(*arguments: str) -> subprocess.CompletedProcess:
    """``lightning ARGUMENTS`` in a fresh process, one thread per process, tests on the path and trusted."""
    environment = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        PYTHONPATH=os.pathsep.join([str(TESTS), str(REPOSITORY)]),
        GLASS_LIGHTNING_TRUSTED_MODULES="tiny",  # checkpoints of these runs name tiny.TinyNet
    )
    command = [str(Path(sys.executable).parent / "lightning"), *arguments]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)


def runs_of(directory: Path, experiment: str) -> list:
    """The MLflow runs of an experiment, oldest first."""
    client = mlflow.MlflowClient(tracking_uri_in(directory))
    (found,) = [e for e in client.search_experiments() if e.name == experiment]
    return client.search_runs([found.experiment_id], order_by=["attributes.start_time ASC"])
