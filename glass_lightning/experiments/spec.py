"""The experiment file of ``glass-lightning reproduce``: which experiments, on which data, at what budget.
Its keys are the fields of :class:`ExperimentSpec` (and :class:`~glass_lightning.command_files.FitsFile`);
``configs/experiments/ka3d-mini.yaml`` is an example. Every fit is what ``lightning fit`` takes: the config
files (base, then the model's) and dotted overrides, checked by its parser. Relative paths are relative to
the working directory. Every mistake is reported before any fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jsonargparse import Namespace

from glass_lightning.command_files import FitsFile, as_list, number, require
from glass_lightning.training.run import fit_arguments

EXPERIMENTS = ("comparison", "generalization", "transfer", "interpretability", "ablations", "all_temperatures")


@dataclass(kw_only=True)
class ExperimentSpec(FitsFile):
    KIND = "experiment"
    name: str  # names the MLflow experiment "<name>-reproduce"
    # model name -> config files added to base_config (once loaded: base and those); the FIRST model is the
    # one the transfer, ablation, interpretability and all-temperature experiments study
    models: dict[str, list[str]]
    seeds: list[int] = field(default_factory=lambda: [0])  # the comparison runs every seed, the others the first
    experiments: list[str] = field(default_factory=lambda: list(EXPERIMENTS))
    ablation_temperature: float | None = None  # default: the lowest temperature of the data
    ablations: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> dotted config paths changed
    held_out_temperatures: list[float] = field(default_factory=list)  # left out of one all-temperature fit
    bond_order_cutoff: float = 1.45  # neighbour shell of the Steinhardt q_l (interpretability)
    output_dir: Path | None = None  # one record per fit (resume), checkpoints; default: outputs/reproduce/<name>
    results: Path = Path("RESULTS.md")  # the report
    figures_dir: Path = Path("docs") / "results"  # its figures
    arguments: dict[str, list[str]] = field(init=False)  # model name -> its fit arguments
    configs: dict[str, Namespace] = field(init=False)  # model name -> its training config, parsed

    def __post_init__(self) -> None:
        super().__post_init__()
        need, self.name = partial(require, self.source), str(self.name)
        ok = isinstance(self.models, dict) and bool(self.models)
        need("models", ok, "expected a mapping: model name -> list of config files")
        self.models = {str(name): [*self.base_config, *as_list(files or [])] for name, files in self.models.items()}
        self.configs = {name: self.checked(files, base_field=f"models.{name}") for name, files in self.models.items()}
        self.arguments = {name: fit_arguments(files, self.overrides) for name, files in self.models.items()}
        self.experiments, self.seeds = as_list(self.experiments), as_list(self.seeds)
        need("experiments", bool(self.experiments), f"expected at least one of {EXPERIMENTS}")
        unknown = [name for name in self.experiments if name not in EXPERIMENTS]
        need("experiments", not unknown, f"unknown experiments {unknown}; expected some of {EXPERIMENTS}")
        ok = bool(self.seeds) and all(isinstance(seed, int) for seed in self.seeds)
        need("seeds", ok, f"expected a list of integers, got {self.seeds!r}")
        need("ablations", isinstance(self.ablations, dict), "expected a mapping: name -> {dotted config path: value}")
        for ablation, changes in self.ablations.items():
            key = f"ablations.{ablation}"
            need(key, isinstance(changes, dict) and bool(changes), "expected a mapping of dotted config paths")
            self.checked(self.models[self.studied_model], {f"{key}.{k}": (k, v) for k, v in changes.items()})
        cutoff = self.bond_order_cutoff = number(self.source, "bond_order_cutoff", self.bond_order_cutoff)
        need("bond_order_cutoff", cutoff > 0, f"expected a positive length, got {cutoff!r}")
        if self.ablation_temperature is not None:
            self.ablation_temperature = number(self.source, "ablation_temperature", self.ablation_temperature)
        held_out = as_list(self.held_out_temperatures)
        self.held_out_temperatures = [number(self.source, "held_out_temperatures", value) for value in held_out]
        self.output_dir = Path(self.output_dir or Path("outputs") / "reproduce" / self.name)
        self.results, self.figures_dir = Path(self.results), Path(self.figures_dir)

    @property
    def studied_model(self) -> str:
        """The model of the transfer, ablation, interpretability and all-temperature experiments."""
        return next(iter(self.models))

    @property
    def experiment_name(self) -> str:
        return f"{self.name}-reproduce"


load_experiment = ExperimentSpec.load  # read and check an experiment file
