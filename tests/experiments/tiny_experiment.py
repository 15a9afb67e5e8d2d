"""A tiny synthetic dataset at three temperatures and an experiment file over it, in tmp."""

from __future__ import annotations

from pathlib import Path

import yaml
from synthetic_data import write_synthetic_dataset

from glass_lightning.training.tracking import tracking_uri_in

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPERATURES = (0.5, 0.6, 0.7)


def write_dataset(directory: Path, per_temperature: int = 4) -> Path:
    write_synthetic_dataset(
        directory, TEMPERATURES, per_temperature, seed=lambda temperature, index: index + int(temperature * 100)
    )
    return directory


TINY_SE3NET = {"l_max": 1, "channels": 4, "n_basis": 4, "radial_hidden": 8, "decoder_hidden": 8}
EXPERT = {
    "class_path": "glass_lightning.models.ExpertRidge",
    "init_args": {"l_values": "2,4", "shells": 3, "shell_min": 0.7},
}


def write_model_configs(directory: Path, tiny: dict) -> tuple[Path, Path]:
    """The tiny training config (``tiny``) and the tiny ExpertRidge baseline, as files in ``directory``."""
    (directory / "tiny.yaml").write_text(yaml.safe_dump(tiny))
    (directory / "expert.yaml").write_text(yaml.safe_dump({"model": {"model": EXPERT}}))
    return directory / "tiny.yaml", directory / "expert.yaml"


def local_settings(directory: Path) -> dict:
    """Tracking, records, report and figures of an experiment file, all inside ``directory``."""
    return {
        "tracking_uri": tracking_uri_in(directory),
        "output_dir": str(directory / "outputs"),
        "results": str(directory / "RESULTS.md"),
        "figures_dir": str(directory / "figures"),
    }


def write_settings(directory: Path, settings: dict) -> Path:
    path = directory / "experiment.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False))
    return path


def write_experiment(directory: Path, **changes) -> Path:
    """configs/ka3d-mini.yaml shrunk to the tiny data, two models, every experiment, two seeds."""
    data = write_dataset(directory / "data")
    tiny = {
        "trainer": {"max_epochs": 1, "log_every_n_steps": 1},
        "model": {"model": {"init_args": TINY_SE3NET | {"num_layers": 2}}},
        "data": {"init_args": {"paths": str(data), "cutoff": 1.5, "val_fraction": 0.25, "test_fraction": 0.25}},
    }
    tiny_config, expert = write_model_configs(directory, tiny)
    settings = {
        "name": "tiny",
        "base_config": [str(REPOSITORY / "configs" / "ka3d-mini.yaml"), str(tiny_config)],
        "models": {"SE3Net": [], "ExpertRidge": [str(expert)]},
        "seeds": [0, 1],
        "ablations": {"l_max 0": {"model.model.init_args.l_max": 0}},
        "held_out_temperatures": [0.6],
        "workers": 2,
        **local_settings(directory),
    }
    return write_settings(directory, settings | changes)
