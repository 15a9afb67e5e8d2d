"""The sweep file: what to train, what to search, what to maximize, where to store the study.

    study_name: ka3d-mini-se3net
    base_config: configs/default.yaml      # or a list, merged in order like repeated --config
    overrides:                             # dotted config paths set in every trial
      trainer.max_epochs: 3
    search_space:                          # see glass_lightning.sweep.search_space for the names
      l_max: {type: int, low: 0, high: 2}
      lr: {type: float, low: 1.0e-3, high: 3.0e-2, log: true}
      channels: {type: categorical, choices: [8, 16]}
      cutoff: {type: float, low: 1.5, high: 2.2}
    objective: val/pearson_A_mean          # or val/pearson_<type>_t<index> (one timescale); maximized;
                                           # val/pearson_per_configuration_...: the mean over configurations
    sampler: {name: tpe, seed: 0}          # tpe | random
    pruner: {name: median, n_startup_trials: 2, n_warmup_steps: 1}   # median | hyperband | threshold | none
    n_trials: 8                            # complete + pruned trials to reach (failed ones are retried)
    timeout: null                          # seconds per worker, optional
    storage: null                          # default: journal file <output_dir>.journal; or an SQLAlchemy URL
    output_dir: null                       # default: sweeps/<study_name>
    tracking_uri: sqlite:///mlruns/mlflow.db
    experiment_name: null                  # default: the study name
    enqueue: []                            # parameter sets to try first
    max_retry: 2                           # retries of a trial whose worker died
    workers: 1                             # worker processes on this machine (--workers overrides)

Relative paths are relative to the working directory, like ``lightning fit --config``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna

from glass_lightning.command_files import read_mapping, require
from glass_lightning.sweep.search_space import CUTOFF, Parameter, check_searchable, config_path, parse_parameter
from glass_lightning.training.run import check_fit, fit_arguments
from glass_lightning.training.tracking import DEFAULT_TRACKING_URI

OBJECTIVE = re.compile(r"^val/pearson_(?:per_configuration_)?(?P<type>[A-Z])_(?:mean|t(?P<timescale>\d+))$")
SAMPLERS = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
PRUNERS = {
    "median": optuna.pruners.MedianPruner,
    "hyperband": optuna.pruners.HyperbandPruner,
    "threshold": optuna.pruners.ThresholdPruner,
    "none": optuna.pruners.NopPruner,
}
KEYS = {
    "study_name",
    "base_config",
    "overrides",
    "search_space",
    "objective",
    "sampler",
    "pruner",
    "n_trials",
    "timeout",
    "storage",
    "output_dir",
    "tracking_uri",
    "experiment_name",
    "enqueue",
    "max_retry",
    "workers",
}


@dataclass
class SweepSpec:
    source: str
    study_name: str
    arguments: list[str]  # the fit arguments every trial starts from: base configs and overrides
    overrides: dict[str, Any]
    parameters: list[Parameter]
    objective: str
    sampler: dict
    pruner: dict
    n_trials: int | None
    timeout: float | None
    storage: str
    output_dir: Path
    tracking_uri: str
    experiment_name: str
    enqueue: list[dict] = field(default_factory=list)
    max_retry: int = 2
    workers: int = 1

    @property
    def largest_cutoff(self) -> float | None:
        """The largest cutoff any trial asks for (None when the cutoff is not searched)."""
        cutoffs = [parameter.largest for parameter in self.parameters if parameter.name == CUTOFF]
        return cutoffs[0] if cutoffs else None


def _choice(source: str, key: str, value: Any, classes: dict[str, type]) -> dict:
    """``{name: ..., **arguments}`` of a sampler or pruner given by its name alone or with arguments."""
    settings = {"name": value} if isinstance(value, str) else dict(value or {})
    name = settings.get("name")
    require(source, f"{key}.name", name in classes, f"expected one of {tuple(classes)}, got {name!r}")
    return settings


def build(settings: dict, classes: dict[str, type]) -> Any:
    """The sampler or pruner that ``settings`` (checked by ``_choice``) name."""
    return classes[settings["name"]](**{key: value for key, value in settings.items() if key != "name"})


def load_sweep(path: str | Path, settings: dict[str, Any] | None = None) -> SweepSpec:
    """Read and check a sweep file, with ``settings`` (dotted path -> value, e.g. the data folder
    from the command line) added to its overrides; every mistake is reported here, before any trial runs."""
    source = str(path)
    raw = read_mapping(path, KEYS, "sweep")
    for key in ("study_name", "base_config", "search_space", "objective"):
        require(source, key, raw.get(key) not in (None, "", [], {}), "required")
    bases = raw["base_config"] if isinstance(raw["base_config"], list) else [raw["base_config"]]
    overrides = dict(raw.get("overrides") or {}) | dict(settings or {})
    require(source, "search_space", isinstance(raw["search_space"], dict), "expected a mapping of parameter names")
    parameters = [parse_parameter(source, name, spec) for name, spec in raw["search_space"].items()]
    for parameter in parameters:
        check_searchable(source, parameter.name)
    entries = {f"overrides.{key}": (key, value) for key, value in overrides.items()}
    entries |= {f"search_space.{each.name}": (config_path(each.name), each.example) for each in parameters}
    check_fit(source, fit_arguments(bases), entries)
    objective = raw["objective"]
    valid = isinstance(objective, str) and OBJECTIVE.match(objective) is not None
    require(
        source,
        "objective",
        valid,
        f"expected val/pearson_[per_configuration_]<type>_mean or ..._t<index>, got {objective!r}",
    )
    n_trials, timeout = raw.get("n_trials"), raw.get("timeout")
    require(source, "n_trials", n_trials is not None or timeout is not None, "give n_trials, timeout or both")
    require(
        source,
        "n_trials",
        n_trials is None or (isinstance(n_trials, int) and n_trials > 0),
        f"expected a positive integer, got {n_trials!r}",
    )
    require(source, "timeout", timeout is None or float(timeout) > 0, f"expected seconds > 0, got {timeout!r}")
    output_dir = Path(raw.get("output_dir") or Path("sweeps") / raw["study_name"])
    return SweepSpec(
        source=source,
        study_name=str(raw["study_name"]),
        arguments=fit_arguments(bases, overrides),
        overrides=overrides,
        parameters=parameters,
        objective=objective,
        sampler=_choice(source, "sampler", raw.get("sampler", "tpe"), SAMPLERS),
        pruner=_choice(source, "pruner", raw.get("pruner", "median"), PRUNERS),
        n_trials=n_trials,
        timeout=None if timeout is None else float(timeout),
        storage=raw.get("storage") or f"{output_dir}.journal",
        output_dir=output_dir,
        tracking_uri=raw.get("tracking_uri") or DEFAULT_TRACKING_URI,
        experiment_name=raw.get("experiment_name") or str(raw["study_name"]),
        enqueue=list(raw.get("enqueue") or []),
        max_retry=int(raw.get("max_retry", 2)),
        workers=int(raw.get("workers", 1)),
    )
