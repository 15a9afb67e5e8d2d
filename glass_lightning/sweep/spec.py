"""The sweep file: what to train, what to search, what to maximize, where to store the study.
Its keys are the fields of :class:`SweepSpec` (and :class:`~glass_lightning.command_files.FitsFile`);
``sweeps/default.yaml`` is an example. Relative paths are relative to the working directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import optuna

from glass_lightning.command_files import FitsFile, number, require
from glass_lightning.errors import GlassDataError
from glass_lightning.sweep.search_space import CUTOFF, Parameter, config_path, parse_parameter
from glass_lightning.training.run import fit_arguments

OBJECTIVE = re.compile(r"^val/pearson_(?:per_configuration_)?(?P<type>[A-Z])_(?:mean|t(?P<timescale>\d+))$")
SAMPLERS = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
PRUNERS = {
    "median": optuna.pruners.MedianPruner,
    "hyperband": optuna.pruners.HyperbandPruner,
    "threshold": optuna.pruners.ThresholdPruner,
    "none": optuna.pruners.NopPruner,
}


@dataclass(kw_only=True)
class SweepSpec(FitsFile):
    KIND = "sweep"
    study_name: str
    search_space: dict[str, Any]  # name -> {type: int|float, low, high[, log, step]} or {type: categorical, choices}
    objective: str  # val/pearson_[per_configuration_]<type>_mean or ..._t<index> (one timescale); maximized
    sampler: str | dict = "tpe"  # tpe | random, or {name: tpe, seed: 0, ...}
    pruner: str | dict = "median"  # median | hyperband | threshold | none, or {name: median, n_warmup_steps: 1, ...}
    n_trials: int | None = None  # complete + pruned trials to reach (failed ones are retried)
    timeout: float | None = None  # seconds per worker (n_trials, timeout or both)
    storage: str | None = None  # default: the journal file <output_dir>.journal; or an SQLAlchemy URL
    output_dir: Path | None = None  # default: sweeps/<study_name>
    experiment_name: str | None = None  # MLflow experiment; default: the study name
    enqueue: list[dict] = field(default_factory=list)  # parameter sets to try first
    max_retry: int = 2  # retries of a trial whose worker died
    parameters: list[Parameter] = field(init=False)
    arguments: list[str] = field(init=False)  # the fit arguments every trial starts from

    def __post_init__(self) -> None:
        super().__post_init__()
        need, self.study_name = partial(require, self.source), str(self.study_name)
        need("search_space", isinstance(self.search_space, dict), "expected a mapping of parameter names")
        self.parameters = [parse_parameter(self.source, name, spec) for name, spec in self.search_space.items()]
        searched = {f"search_space.{each.name}": (config_path(each.name), each.example) for each in self.parameters}
        self.checked(self.base_config, searched)
        self.arguments = fit_arguments(self.base_config, self.overrides)
        valid = isinstance(self.objective, str) and OBJECTIVE.match(self.objective) is not None
        expected = "expected val/pearson_[per_configuration_]<type>_mean or ..._t<index>"
        need("objective", valid, f"{expected}, got {self.objective!r}")
        self.sampler = _choice(self.source, "sampler", self.sampler, SAMPLERS)
        self.pruner = _choice(self.source, "pruner", self.pruner, PRUNERS)
        n_trials, timeout = self.n_trials, self.timeout
        need("n_trials", n_trials is not None or timeout is not None, "give n_trials, timeout or both")
        ok = n_trials is None or (isinstance(n_trials, int) and n_trials > 0)
        need("n_trials", ok, f"expected a positive integer, got {n_trials!r}")
        self.timeout = None if timeout is None else number(self.source, "timeout", timeout)
        need("timeout", self.timeout is None or self.timeout > 0, f"expected seconds > 0, got {timeout!r}")
        self.output_dir = Path(self.output_dir or Path("sweeps") / self.study_name)
        self.storage = self.storage or f"{self.output_dir}.journal"
        self.experiment_name = self.experiment_name or self.study_name
        ok = isinstance(self.enqueue, list) and all(isinstance(params, dict) for params in self.enqueue)
        need("enqueue", ok, f"expected a list of parameter mappings, got {self.enqueue!r}")
        ok = isinstance(self.max_retry, int) and self.max_retry >= 0
        need("max_retry", ok, f"expected a non-negative integer, got {self.max_retry!r}")

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
    try:
        build(settings, classes)  # its arguments are checked now, not when the study opens
    except (TypeError, ValueError) as error:
        raise GlassDataError(source, key, f"{classes[name].__name__}: {error}") from None
    return settings


def build(settings: dict, classes: dict[str, type]) -> Any:
    """The sampler or pruner that ``settings`` (checked by ``_choice``) name."""
    return classes[settings["name"]](**{key: value for key, value in settings.items() if key != "name"})


load_sweep = SweepSpec.load  # read and check a sweep file
