"""The experiment file of ``glass-lightning reproduce``: which experiments, on which data, at what budget.
Its keys are the fields of :class:`ExperimentSpec` (and :class:`~glass_lightning.command_files.FitsFile`);
``configs/experiments/ka3d-mini.yaml`` is an example. Every fit is what ``lightning fit`` takes: the config
files (base, then the model's) and dotted overrides, checked by its parser. Relative paths are relative to
the working directory. Every mistake is reported before any fit.

With ``folds: K`` the model comparison is a K-fold cross-validation over the configuration files of each
temperature (``experiments/folds.py``); every fit is then scored on its own validation files
(``evaluation_split: val``), which it never trained on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jsonargparse import Namespace

from glass_lightning.command_files import FitsFile, as_list, number, require
from glass_lightning.training.run import fit_arguments

PAPER_EXPERIMENTS = ("comparison", "generalization", "transfer", "interpretability", "ablations", "all_temperatures")
EXPERIMENTS = (*PAPER_EXPERIMENTS, "data_efficiency")
WITH_FOLDS = ("comparison", "interpretability", "ablations", "data_efficiency")  # the others test across temperatures
EVALUATION_SPLITS = ("test", "val")
PEARSON_CONVENTIONS = ("pooled", "per_configuration")


@dataclass(kw_only=True)
class ExperimentSpec(FitsFile):
    KIND = "experiment"
    name: str  # names the MLflow experiment "<name>-reproduce"
    # model name -> config files added to base_config (once loaded: base and those); the FIRST model is the
    # one the transfer, ablation, interpretability and all-temperature experiments study
    models: dict[str, list[str]]
    seeds: list[int] = field(default_factory=lambda: [0])  # comparison, data efficiency: all; the others: the first
    experiments: list[str] = field(default_factory=lambda: list(PAPER_EXPERIMENTS))
    folds: int | None = None  # the comparison as a K-fold cross-validation over each temperature's files
    evaluation_split: str = "test"  # what every fit is scored on: "val" where the config keeps no test split
    pearson_convention: str = "pooled"  # what the ablation, cross-validation and data-efficiency tables quote
    energy_inputs: list[str] = field(default_factory=list)  # energies scored as predictors; default: the first held
    # the temperature of the ablations and of the data-efficiency experiment; default: the lowest of the data
    ablation_temperature: float | None = None
    ablations: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> dotted config paths changed
    ablation_overrides: dict[str, Any] = field(default_factory=dict)  # every ablation fit's budget, if not the base's
    training_sizes: list[int] = field(default_factory=list)  # data efficiency: the first n training files
    data_efficiency_models: list[str] = field(default_factory=list)  # default: the studied model
    held_out_temperatures: list[float] = field(default_factory=list)  # left out of one all-temperature fit
    bond_order_cutoff: float = 1.45  # neighbour shell of the Steinhardt q_l (interpretability)
    output_dir: Path | None = None  # one record per fit (resume), checkpoints; default: outputs/reproduce/<name>
    results: Path = Path("RESULTS.md")  # the report
    figures_dir: Path = Path("docs") / "results"  # its figures
    figure_prefix: str = ""  # figures_dir/<figure_prefix><figure>.png: experiment files sharing a folder
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
        self._check_ablations()
        self._check_evaluation()
        self._check_data_efficiency()
        cutoff = self.bond_order_cutoff = number(self.source, "bond_order_cutoff", self.bond_order_cutoff)
        need("bond_order_cutoff", cutoff > 0, f"expected a positive length, got {cutoff!r}")
        if self.ablation_temperature is not None:
            self.ablation_temperature = number(self.source, "ablation_temperature", self.ablation_temperature)
        held_out = as_list(self.held_out_temperatures)
        self.held_out_temperatures = [number(self.source, "held_out_temperatures", value) for value in held_out]
        self.output_dir = Path(self.output_dir or Path("outputs") / "reproduce" / self.name)
        self.results, self.figures_dir = Path(self.results), Path(self.figures_dir)
        self.figure_prefix = str(self.figure_prefix)

    def _check_ablations(self) -> None:
        need, studied = partial(require, self.source), self.models[self.studied_model]
        ok = isinstance(self.ablation_overrides, dict)
        need("ablation_overrides", ok, "expected a mapping: dotted config path -> value")
        budget = {f"ablation_overrides.{key}": (key, value) for key, value in self.ablation_overrides.items()}
        if budget:
            self.checked(studied, budget)
        need("ablations", isinstance(self.ablations, dict), "expected a mapping: name -> {dotted config path: value}")
        for ablation, changes in self.ablations.items():
            key = f"ablations.{ablation}"
            need(key, isinstance(changes, dict) and bool(changes), "expected a mapping of dotted config paths")
            self.checked(studied, budget | {f"{key}.{k}": (k, v) for k, v in changes.items()})

    def _check_evaluation(self) -> None:
        need = partial(require, self.source)
        need("evaluation_split", self.evaluation_split in EVALUATION_SPLITS, f"expected one of {EVALUATION_SPLITS}")
        ok = self.pearson_convention in PEARSON_CONVENTIONS
        need("pearson_convention", ok, f"expected one of {PEARSON_CONVENTIONS}")
        self.energy_inputs = [str(name) for name in as_list(self.energy_inputs or [])]
        if self.folds is None:
            return
        need("folds", isinstance(self.folds, int) and self.folds >= 2, f"expected an integer >= 2, got {self.folds!r}")
        problem = "a fold's fits are scored on its validation files: set evaluation_split: val"
        need("evaluation_split", self.evaluation_split == "val", problem)
        across = [name for name in self.experiments if name not in WITH_FOLDS]
        need("folds", not across, f"{across} test across temperatures, which folds do not split; keep {WITH_FOLDS}")

    def _check_data_efficiency(self) -> None:
        need = partial(require, self.source)
        self.training_sizes = as_list(self.training_sizes or [])
        self.data_efficiency_models = as_list(self.data_efficiency_models or [self.studied_model])
        if "data_efficiency" not in self.experiments:
            return
        sizes = self.training_sizes
        ok = bool(sizes) and all(isinstance(size, int) and size >= 1 for size in sizes)
        need("training_sizes", ok, f"expected a list of positive integers, got {sizes!r}")
        unknown = [name for name in self.data_efficiency_models if name not in self.models]
        need("data_efficiency_models", not unknown, f"{unknown} are not among the models {list(self.models)}")

    @property
    def studied_model(self) -> str:
        """The model of the transfer, ablation, interpretability and all-temperature experiments."""
        return next(iter(self.models))

    @property
    def experiment_name(self) -> str:
        return f"{self.name}-reproduce"


load_experiment = ExperimentSpec.load  # read and check an experiment file
