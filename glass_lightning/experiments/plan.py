"""The fits each experiment needs, as training configs; one fit serves every experiment that asks
for the same config (its key is a hash of the config), so nothing is trained twice.

* comparison / generalization: every model at every temperature (trained on that temperature
  alone, as in the paper) and every seed; generalization tests those fits at the other ones.
  With ``folds``, every fold of each temperature's files too (experiments/folds.py).
* ablations: the studied model at ``ablation_temperature`` on the configured split, first seed,
  one change at a time, all with ``ablation_overrides``; the configured model at every seed with
  them too, whose seed-to-seed spread the changes are judged against.
* data_efficiency: the ``data_efficiency_models`` at ``ablation_temperature``, every seed, trained
  on the first n of the configured training files for each n of ``training_sizes``.
* transfer: for every ordered pair (T_i, T_j), a new decoder at T_j on the frozen backbone of
  the studied model trained at T_i; the control, a decoder at T_j on the same architecture with
  random weights. These need the first fits' checkpoints, so they run second.
* all_temperatures: the studied model with the temperature as a node input, trained on every
  temperature, and on every temperature but the held-out ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, partial

from jsonargparse import Namespace
from torch import nn

from glass_lightning.class_paths import class_from_path
from glass_lightning.command_files import require
from glass_lightning.data.snapshot import same_temperature
from glass_lightning.experiments.dataset import SplitFiles
from glass_lightning.experiments.folds import Fold, cross_validation_folds
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.training.run import overrides, parse_fit

FROZEN_BACKBONE = "glass_lightning.models.FrozenBackbone"
TEMPERATURES = "data.init_args.temperatures"
NODE_INPUTS = "data.init_args.node_inputs"
TRAIN_FILES, VAL_FILES, TEST_FILES = (f"data.init_args.{split}_files" for split in ("train", "val", "test"))


@dataclass
class Fit:
    label: str
    arguments: list[str] = field(repr=False)  # for ``lightning fit``

    @cached_property
    def config(self) -> Namespace:
        return parse_fit(self.arguments)[1]

    @cached_property
    def key(self) -> str:
        """A short hash of the training config: equal configs are one fit."""
        text = json.dumps(self.config.as_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def temperature_list(temperatures: list[float]) -> str:
    return ", ".join(f"{value:g}" for value in temperatures)


def temperature_label(temperature: float) -> str:
    return f"T={temperature:g}"


def split_changes(train: list[str], val: list[str], test: list[str] | None = None) -> dict[str, list[str] | None]:
    """The dotted config entries of a split by file lists (no test list: no test split)."""
    return {TRAIN_FILES: list(train), VAL_FILES: list(val), TEST_FILES: list(test) if test else None}


class Plan:
    """The fits of ``spec``'s experiments on data with ``temperatures``; ``files`` (temperature -> the
    files of each split of the studied model's config) are needed by folds and data efficiency."""

    def __init__(self, spec: ExperimentSpec, temperatures: list[float], files: dict[float, SplitFiles] | None = None):
        self.spec, self.temperatures, self.files = spec, sorted(temperatures), files or {}
        self._fits: dict[tuple[str, ...], Fit] = {}  # arguments -> the fit, parsed once
        chosen = spec.ablation_temperature
        self.ablation_temperature = self.temperatures[0] if chosen is None else chosen
        self._check_temperatures()
        self._check_studied_model()
        self._check_files()

    def _check_temperatures(self) -> None:
        spec, known, wanted = self.spec, self.temperatures, set(self.spec.experiments)
        need, listed = partial(require, spec.source), temperature_list(known)
        for key, values in (
            ("ablation_temperature", [self.ablation_temperature] if wanted & {"ablations", "data_efficiency"} else []),
            ("held_out_temperatures", spec.held_out_temperatures),
        ):
            unknown = [value for value in values if not any(same_temperature(value, each) for each in known)]
            need(key, not unknown, f"{temperature_list(unknown)} is not a temperature of the data ({listed})")
        many = wanted & {"generalization", "transfer", "all_temperatures"}
        problem = f"generalization, transfer and all_temperatures need at least two temperatures; the data has {listed}"
        need("experiments", len(known) >= 2 or not many, problem)
        left = len(known) - len(spec.held_out_temperatures)
        ok = "all_temperatures" not in wanted or not spec.held_out_temperatures or left >= 2
        problem = f"the temperature input needs at least two training temperatures; {left} would be left"
        need("held_out_temperatures", ok, problem)

    def _check_studied_model(self) -> None:
        """Transfer and interpretability read SE3Net's features: fail now, not after the first fits."""
        spec, wanted, need = self.spec, set(self.spec.experiments), partial(require, self.spec.source)
        config = spec.configs[spec.studied_model]
        network = config.model.model.class_path
        studied_class = class_from_path(network, spec.source, f"models.{spec.studied_model}", nn.Module)
        for experiment, method in (("transfer", "invariant_features"), ("interpretability", "first_layer_invariants")):
            ok = experiment not in wanted or hasattr(studied_class, method)
            need("experiments", ok, f"{experiment} needs a studied model with {method} (SE3Net); {network} has none")
        inputs = config.get(NODE_INPUTS) or []
        also = f"interpretability reads the first layer on one-hot inputs; the studied model also takes {inputs}"
        need("experiments", "interpretability" not in wanted or not inputs, also)

    def _check_files(self) -> None:
        """Folds and data efficiency cut the files of a temperature: are there enough?"""
        spec, need = self.spec, partial(require, self.spec.source)
        if spec.folds:
            for temperature in self.temperatures:
                count = len(self._files_at(temperature, "folds").every)
                need("folds", spec.folds <= count, f"{spec.folds} folds of {count} files at T={temperature:g}")
        if "data_efficiency" in spec.experiments:
            count = len(self._files_at(self.ablation_temperature, "training_sizes").train)
            too_many = [size for size in spec.training_sizes if size > count]
            need("training_sizes", not too_many, f"{too_many}: the configured split trains on {count} files")

    def _files_at(self, temperature: float, key: str) -> SplitFiles:
        files = next((value for known, value in self.files.items() if same_temperature(known, temperature)), None)
        require(self.spec.source, key, files is not None, f"the dataset's files at T={temperature:g} are not known")
        return files

    def folds_at(self, temperature: float) -> list[Fold | None]:
        """The folds of ``temperature``'s files; [None] without folds: the configured split."""
        if not self.spec.folds:
            return [None]
        return cross_validation_folds(self._files_at(temperature, "folds").every, self.spec.folds)

    def _fit(self, label: str, temperatures: list[float], changes: dict | None = None, model=None, seed=None) -> Fit:
        """The fit of ``model`` (default: the studied one) at ``seed`` (default: the first) on ``temperatures``."""
        model, seed = model or self.spec.studied_model, self.spec.seeds[0] if seed is None else seed
        values = {"seed_everything": seed, TEMPERATURES: list(temperatures), **(changes or {})}
        arguments = [*self.spec.arguments[model], *overrides(values)]
        return self._fits.setdefault(tuple(arguments), Fit(f"{model} {label}", arguments))

    def _alone(self, model: str, temperature: float, seed: int, fold: Fold | None = None) -> Fit:
        label = f"{temperature_label(temperature)} seed {seed}"
        if fold is None:
            return self._fit(label, [temperature], model=model, seed=seed)
        changes = split_changes(fold.train, fold.val)
        return self._fit(f"{label} fold {fold.number}", [temperature], changes, model, seed)

    @cached_property
    def comparison(self) -> dict[tuple[str, float, int, int | None], Fit]:
        """(model, temperature, seed, fold number or None) -> fit on that temperature alone."""
        spec = self.spec
        return {
            (model, temperature, seed, fold and fold.number): self._alone(model, temperature, seed, fold)
            for model in spec.models
            for temperature in self.temperatures
            for seed in spec.seeds
            for fold in self.folds_at(temperature)
        }

    def studied(self, temperature: float) -> Fit:
        """The studied model trained at ``temperature`` with the first seed."""
        return self._alone(self.spec.studied_model, temperature, self.spec.seeds[0])

    def ablation_references(self) -> list[Fit]:
        """The studied model unchanged, at every seed, with the ablations' budget (``ablation_overrides``)."""
        temperature, budget = self.ablation_temperature, self.spec.ablation_overrides
        suffix = ", ablation budget" if budget else ""
        return [
            self._fit(f"{temperature_label(temperature)} seed {seed}{suffix}", [temperature], budget, seed=seed)
            for seed in self.spec.seeds
        ]

    def ablations(self) -> dict[str, Fit]:
        """Ablation name -> fit at the first seed; "as configured" is the studied model unchanged."""
        temperature, budget = self.ablation_temperature, self.spec.ablation_overrides
        fits = {"as configured": self.ablation_references()[0]}
        for name, changes in self.spec.ablations.items():
            fits[name] = self._fit(f"{temperature_label(temperature)} {name}", [temperature], budget | changes)
        return fits

    def data_efficiency(self) -> dict[tuple[str, int, int], Fit]:
        """(model, training configurations n, seed) -> fit on the first n configured training files,
        validated (and scored) as configured."""
        temperature = self.ablation_temperature
        files = self._files_at(temperature, "training_sizes")
        return {
            (model, size, seed): self._fit(
                f"{temperature_label(temperature)} {size} training configuration{'s' * (size > 1)} seed {seed}",
                [temperature],
                split_changes(files.train[:size], files.val, files.test),
                model,
                seed,
            )
            for model in self.spec.data_efficiency_models
            for size in self.spec.training_sizes
            for seed in self.spec.seeds
        }

    def all_temperatures(self) -> dict[str, Fit]:
        """ "all" and, with held-out temperatures, "held out": the studied model with the temperature input."""
        inputs = {
            NODE_INPUTS: list(self.spec.configs[self.spec.studied_model].get(NODE_INPUTS) or []) + ["temperature"]
        }
        fits = {"all": self._fit("all temperatures", self.temperatures, inputs)}
        if held := self.spec.held_out_temperatures:
            kept = [value for value in self.temperatures if not any(same_temperature(value, each) for each in held)]
            fits["held out"] = self._fit(f"all temperatures but {temperature_list(held)}", kept, inputs)
        return fits

    def transfer(self, checkpoint_at: dict[float, str]) -> dict[tuple[float | None, float], Fit]:
        """(source temperature, target temperature) -> decoder fit at the target on the frozen
        backbone trained at the source; source None: the random-weights control. The decoder keeps
        the studied model's settings that FrozenBackbone takes (``decoder_hidden``, ``per_type_heads``)."""
        fits = {}
        for target in self.temperatures:
            for source in [value for value in [*self.temperatures, None] if value != target]:
                backbone = checkpoint_at[target if source is None else source]
                init_args = {"checkpoint": backbone, "random_weights": source is None}
                origin = "random backbone" if source is None else f"backbone from {temperature_label(source)}"
                network = {"model.model": {"class_path": FROZEN_BACKBONE, "init_args": init_args}}
                fits[(source, target)] = self._fit(
                    f"decoder at {temperature_label(target)}, {origin}", [target], network
                )
        return fits

    def first_phase(self) -> list[Fit]:
        """Every fit that needs no other fit's checkpoint, without duplicates."""
        wanted = set(self.spec.experiments)
        fits: list[Fit] = []
        if wanted & {"comparison", "generalization"}:
            fits += self.comparison.values()
        if wanted & {"transfer", "interpretability"}:
            fits += [self.studied(temperature) for temperature in self.temperatures]
        if "ablations" in wanted:
            fits += [*self.ablation_references(), *self.ablations().values()]
        if "all_temperatures" in wanted:
            fits += self.all_temperatures().values()
        if "data_efficiency" in wanted:
            fits += self.data_efficiency().values()
        return unique(fits)


def unique(fits: list[Fit]) -> list[Fit]:
    """``fits`` without repeated configs, first label kept."""
    seen: dict[str, Fit] = {}
    for fit in fits:
        seen.setdefault(fit.key, fit)
    return list(seen.values())
