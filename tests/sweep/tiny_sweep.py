"""A tiny synthetic native dataset, a training config for it and sweep files over it, in tmp."""

from __future__ import annotations

from pathlib import Path

import yaml
from synthetic_data import write_synthetic_dataset

from glass_lightning.training.tracking import tracking_uri_in

REPOSITORY = Path(__file__).resolve().parents[2]


def write_dataset(directory: Path) -> Path:
    write_synthetic_dataset(directory)
    return directory


def write_training_config(directory: Path, data: Path) -> list[Path]:
    """The shipped configs/ka3d-mini.yaml, then a tmp file that points it at the tiny data with a tiny
    SE3Net (box 3.8: cutoffs up to 1.6) and a tmp MLflow store: a sweep merges them in order."""
    store = tracking_uri_in(directory)
    tiny = {
        "trainer": {
            "max_epochs": 2,
            "enable_progress_bar": False,
            "default_root_dir": str(directory / "outputs"),
            "logger": {"init_args": {"experiment_name": "tiny", "run_name": "tiny", "tracking_uri": store}},
        },
        "model": {
            "model": {
                "init_args": {
                    "l_max": 1,
                    "channels": 4,
                    "num_layers": 1,
                    "n_basis": 4,
                    "radial_hidden": 8,
                    "decoder_hidden": 8,
                }
            }
        },
        "data": {"init_args": {"paths": str(data), "cutoff": 1.5, "val_fraction": 0.25, "test_fraction": 0.25}},
    }
    path = directory / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny, sort_keys=False))
    return [REPOSITORY / "configs" / "ka3d-mini.yaml", path]


def sweep_settings(directory: Path, base_config: list[Path], **changes) -> dict:
    settings = {
        "study_name": "tiny-sweep",
        "base_config": [str(path) for path in base_config],
        "search_space": {
            "l_max": {"type": "int", "low": 0, "high": 1},
            "num_layers": {"type": "int", "low": 1, "high": 2},
            "channels": {"type": "categorical", "choices": [4, 6]},
            "cutoff": {"type": "float", "low": 1.2, "high": 1.6},
            "lr": {"type": "float", "low": "1e-3", "high": 3.0e-2, "log": True},
        },
        "objective": "val/pearson_A_mean",
        "sampler": {"name": "tpe", "seed": 0},
        "pruner": {"name": "none"},
        "n_trials": 3,
        "output_dir": str(directory / "sweep"),
        "tracking_uri": tracking_uri_in(directory),
    }
    settings.update(changes)
    return settings


def write_sweep(path: Path, settings: dict) -> Path:
    path.write_text(yaml.safe_dump(settings, sort_keys=False))
    return path
