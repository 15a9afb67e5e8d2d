"""configs/experiments/botan-T0.44.yaml in miniature: ten tiny synthetic configurations at one
temperature and one time, split by file lists like the real-data recipe (configs/default.yaml), and
an experiment file with folds, data efficiency and interpretability over them."""

from __future__ import annotations

from pathlib import Path

from synthetic_data import write_synthetic_dataset
from tiny_experiment import REPOSITORY, TINY_SE3NET, local_settings, write_model_configs, write_settings

TEMPERATURE = 0.44
CONFIGURATIONS = 10


def write_real_like_dataset(directory: Path) -> list[str]:
    """The ten files, in natural order."""
    paths = write_synthetic_dataset(directory, (TEMPERATURE,), CONFIGURATIONS, num_times=1)
    return [str(path) for path in paths]


def write_real_like_experiment(directory: Path, **changes) -> Path:
    """configs/default.yaml shrunk to the tiny files (1-8 train, 9-10 validate); SE3Net and ExpertRidge,
    5 folds, one seed, data efficiency with 1 and 8 training configurations."""
    files = write_real_like_dataset(directory / "data")
    tiny = {
        "trainer": {"max_epochs": 1, "log_every_n_steps": 1},
        "model": {
            "model": {"init_args": TINY_SE3NET | {"readout_width": 8, "coarse_graining": 1}},
            "scheduler": {"init_args": {"T_max": 1}},
        },
        "data": {
            "init_args": {
                "paths": str(directory / "data"),
                "cutoff": 1.5,
                "train_files": files[:8],
                "val_files": files[8:],
            }
        },
    }
    tiny_config, expert = write_model_configs(directory, tiny)
    settings = {
        "name": "tiny-real",
        "base_config": [str(REPOSITORY / "configs" / "default.yaml"), str(tiny_config)],
        "overrides": {"data.init_args.node_inputs": []},  # the structure alone, as botan-T0.44.yaml
        "models": {
            "SE3Net": [str(REPOSITORY / "configs" / "experiments" / "structure-only.yaml")],
            "ExpertRidge": [str(expert)],
        },
        "seeds": [0],
        "experiments": ["comparison", "data_efficiency", "interpretability"],
        "folds": 5,
        "evaluation_split": "val",
        "pearson_convention": "per_configuration",
        "energy_inputs": ["inherent_potential_energy", "potential_energy"],
        "training_sizes": [1, 8],
        "data_efficiency_models": ["SE3Net", "ExpertRidge"],
        "workers": 2,
        **local_settings(directory),
        "figure_prefix": "tiny-real-",
    }
    return write_settings(directory, settings | changes)
