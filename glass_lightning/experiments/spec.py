"""The experiment file of ``glass-lightning reproduce``: which experiments, on which data, at what budget.

    name: ka3d-mini                          # names the MLflow experiment "<name>-reproduce"
    base_config: configs/default.yaml        # the training config every fit starts from (or a list)
    overrides: {trainer.max_epochs: 20}      # dotted config paths set in every fit
    models:                                  # name -> configs added to base_config; the FIRST
      SE3Net: []                             #   model is the one the transfer, ablation,
      InvariantGNN: [configs/baselines/invariant.yaml]   # interpretability and all-temperature
      ExpertRidge: [configs/baselines/expert.yaml]       # experiments study
    seeds: [0, 1]                            # the comparison runs every seed, the others the first
    experiments: [comparison, generalization, transfer, interpretability, ablations, all_temperatures]
    ablation_temperature: 0.64               # default: the lowest temperature of the data
    ablations:                               # name -> dotted config paths changed in the first model
      "1 layer": {model.model.init_args.num_layers: 1}
    held_out_temperatures: [0.7]             # left out of one all-temperature fit, then tested
    bond_order_cutoff: 1.45                  # neighbour shell of the Steinhardt q_l (interpretability)
    workers: 1                               # fits run in parallel processes
    tracking_uri: sqlite:///mlruns/mlflow.db
    output_dir: outputs/reproduce/<name>     # one record per fit (resume), checkpoints
    results: RESULTS.md                      # the report, and its figures in figures_dir
    figures_dir: docs/results

Every fit is what ``lightning fit`` takes: the config files (base, then the model's) and dotted
overrides, checked by its parser. Relative paths are relative to the working directory. Every
mistake is reported before any fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonargparse import Namespace

from glass_lightning.command_files import read_mapping, require
from glass_lightning.training.run import check_fit, fit_arguments
from glass_lightning.training.tracking import DEFAULT_TRACKING_URI

EXPERIMENTS = ("comparison", "generalization", "transfer", "interpretability", "ablations", "all_temperatures")
KEYS = {
    "name",
    "base_config",
    "overrides",
    "models",
    "seeds",
    "experiments",
    "ablation_temperature",
    "ablations",
    "held_out_temperatures",
    "bond_order_cutoff",
    "workers",
    "tracking_uri",
    "output_dir",
    "results",
    "figures_dir",
}


@dataclass
class ExperimentSpec:
    source: str
    name: str
    models: dict[str, list[str]]  # name -> fit arguments (base and model configs, overrides)
    configs: dict[str, Namespace]  # name -> its training config, parsed
    seeds: list[int]
    experiments: list[str]
    ablation_temperature: float | None
    ablations: dict[str, dict[str, Any]]
    held_out_temperatures: list[float]
    bond_order_cutoff: float
    workers: int
    tracking_uri: str
    output_dir: Path
    results: Path
    figures_dir: Path

    @property
    def studied_model(self) -> str:
        """The model of the transfer, ablation, interpretability and all-temperature experiments."""
        return next(iter(self.models))

    @property
    def experiment_name(self) -> str:
        return f"{self.name}-reproduce"


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _models(source: str, raw: dict) -> tuple[dict[str, list[str]], dict[str, Namespace]]:
    """Model name -> its fit arguments, and its config (the overrides checked in each)."""
    overrides = dict(raw.get("overrides") or {})
    models = raw.get("models") or {}
    require(
        source,
        "models",
        isinstance(models, dict) and bool(models),
        "expected a mapping: model name -> list of config files",
    )
    arguments, configs = {}, {}
    for name, files in models.items():
        files = [*_as_list(raw["base_config"]), *_as_list(files or [])]
        entries = {f"overrides.{key}": (key, value) for key, value in overrides.items()}
        configs[str(name)] = check_fit(source, fit_arguments(files), entries, f"models.{name}")
        arguments[str(name)] = fit_arguments(files, overrides)
    return arguments, configs


def load_experiment(path: str | Path) -> ExperimentSpec:
    """Read and check an experiment file."""
    source = str(path)
    raw = read_mapping(path, KEYS, "experiment")
    for key in ("name", "base_config", "models"):
        require(source, key, raw.get(key) not in (None, "", [], {}), "required")
    models, configs = _models(source, raw)
    experiments = _as_list(raw.get("experiments") or list(EXPERIMENTS))
    for name in experiments:
        require(
            source, "experiments", name in EXPERIMENTS, f"unknown experiment {name!r}; expected some of {EXPERIMENTS}"
        )
    seeds = _as_list(raw.get("seeds", [0]))
    require(
        source,
        "seeds",
        bool(seeds) and all(isinstance(seed, int) for seed in seeds),
        f"expected a list of integers, got {seeds!r}",
    )
    ablations = raw.get("ablations") or {}
    require(
        source,
        "ablations",
        isinstance(ablations, dict),
        "expected a mapping: ablation name -> {dotted config path: value}",
    )
    for ablation, changes in ablations.items():
        require(
            source,
            f"ablations.{ablation}",
            isinstance(changes, dict) and bool(changes),
            "expected a mapping of dotted config paths",
        )
        entries = {f"ablations.{ablation}.{key}": (key, value) for key, value in changes.items()}
        check_fit(source, models[next(iter(models))], entries)
    workers = raw.get("workers", 1)
    require(
        source, "workers", isinstance(workers, int) and workers >= 1, f"expected a positive integer, got {workers!r}"
    )
    cutoff = raw.get("bond_order_cutoff", 1.45)
    require(
        source,
        "bond_order_cutoff",
        isinstance(cutoff, (int, float)) and cutoff > 0,
        f"expected a positive length, got {cutoff!r}",
    )
    name = str(raw["name"])
    return ExperimentSpec(
        source=source,
        name=name,
        models=models,
        configs=configs,
        seeds=seeds,
        experiments=experiments,
        ablation_temperature=None if raw.get("ablation_temperature") is None else float(raw["ablation_temperature"]),
        ablations={str(key): dict(value) for key, value in ablations.items()},
        held_out_temperatures=[float(value) for value in _as_list(raw.get("held_out_temperatures") or [])],
        bond_order_cutoff=float(cutoff),
        workers=workers,
        tracking_uri=raw.get("tracking_uri") or DEFAULT_TRACKING_URI,
        output_dir=Path(raw.get("output_dir") or Path("outputs") / "reproduce" / name),
        results=Path(raw.get("results") or "RESULTS.md"),
        figures_dir=Path(raw.get("figures_dir") or Path("docs") / "results"),
    )
