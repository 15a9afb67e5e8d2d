"""The fits each experiment needs, as training configs; one fit serves every experiment that asks
for the same config (its key is a hash of the config), so nothing is trained twice.

* comparison / generalization: every model at every temperature (trained on that temperature
  alone, as in the paper) and every seed; generalization tests those fits at the other ones.
* ablations: the studied model at ``ablation_temperature``, first seed, one change at a time.
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
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.training.run import overrides, parse_fit

FROZEN_BACKBONE = "glass_lightning.models.FrozenBackbone"
TEMPERATURES = "data.init_args.temperatures"
NODE_INPUTS = "data.init_args.node_inputs"


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


class Plan:
    """The fits of ``spec``'s experiments on data with ``temperatures``."""

    def __init__(self, spec: ExperimentSpec, temperatures: list[float]):
        self.spec, self.temperatures = spec, sorted(temperatures)
        self._fits: dict[tuple[str, ...], Fit] = {}  # arguments -> the fit, parsed once
        chosen = spec.ablation_temperature
        self.ablation_temperature = self.temperatures[0] if chosen is None else chosen
        self._check_temperatures()
        self._check_studied_model()

    def _check_temperatures(self) -> None:
        spec, known, wanted = self.spec, self.temperatures, set(self.spec.experiments)
        need, listed = partial(require, spec.source), temperature_list(known)
        for key, values in (
            ("ablation_temperature", [self.ablation_temperature] if "ablations" in wanted else []),
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

    def _fit(self, label: str, temperatures: list[float], changes: dict | None = None, model=None, seed=None) -> Fit:
        """The fit of ``model`` (default: the studied one) at ``seed`` (default: the first) on ``temperatures``."""
        model, seed = model or self.spec.studied_model, self.spec.seeds[0] if seed is None else seed
        values = {"seed_everything": seed, TEMPERATURES: list(temperatures), **(changes or {})}
        arguments = [*self.spec.arguments[model], *overrides(values)]
        return self._fits.setdefault(tuple(arguments), Fit(f"{model} {label}", arguments))

    def _alone(self, model: str, temperature: float, seed: int) -> Fit:
        return self._fit(f"{temperature_label(temperature)} seed {seed}", [temperature], model=model, seed=seed)

    @cached_property
    def comparison(self) -> dict[tuple[str, float, int], Fit]:
        """(model, temperature, seed) -> fit on that temperature alone."""
        spec = self.spec
        return {(m, t, s): self._alone(m, t, s) for m in spec.models for t in self.temperatures for s in spec.seeds}

    def studied(self, temperature: float) -> Fit:
        """The studied model trained at ``temperature`` with the first seed."""
        return self._alone(self.spec.studied_model, temperature, self.spec.seeds[0])

    def ablations(self) -> dict[str, Fit]:
        """Ablation name -> fit; "as configured" is the studied model unchanged."""
        temperature = self.ablation_temperature
        fits = {"as configured": self.studied(temperature)}
        for name, changes in self.spec.ablations.items():
            fits[name] = self._fit(f"{temperature_label(temperature)} {name}", [temperature], changes)
        return fits

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
            fits += self.ablations().values()
        if "all_temperatures" in wanted:
            fits += self.all_temperatures().values()
        return unique(fits)


def unique(fits: list[Fit]) -> list[Fit]:
    """``fits`` without repeated configs, first label kept."""
    seen: dict[str, Fit] = {}
    for fit in fits:
        seen.setdefault(fit.key, fit)
    return list(seen.values())
