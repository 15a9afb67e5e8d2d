"""The search space of a sweep: named parameters, where each lands in the training config.

A parameter name is either
* a constructor argument of the network (``l_max``, ``channels``, ...), set at
  ``model.model.init_args.<name>``;
* ``cutoff``: the data's, ``data.init_args.cutoff`` (graphs are shared: see :mod:`glass_lightning.sweep.shared_data`);
* ``lr``: the optimizer's learning rate, ``model.optimizer.init_args.lr``;
* a dotted path into the training config (``data.init_args.batch_size``).
The sweep file is checked by parsing the training config with every name set (``lightning fit``'s parser).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import optuna

from glass_lightning.command_files import number, require
from glass_lightning.training.cli import DATA_LINKS

NETWORK_ARGS = "model.model.init_args"
CUTOFF = "cutoff"
ALIASES = {"lr": "model.optimizer.init_args.lr", CUTOFF: "data.init_args.cutoff"}
LINKED_FROM_DATA = {target for targets in DATA_LINKS.values() for target in targets}


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # int | float | categorical
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple | None = None

    def suggest(self, trial: optuna.Trial) -> Any:
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high), step=int(self.step or 1), log=self.log)
        if self.kind == "float":
            return trial.suggest_float(self.name, self.low, self.high, step=self.step, log=self.log)
        return trial.suggest_categorical(self.name, list(self.choices))

    def __str__(self) -> str:
        """The range as the study's MLflow run shows it."""
        if self.kind == "categorical":
            return str(self.choices)
        return f"{self.kind}[{self.low:g}, {self.high:g}]{' log' if self.log else ''}"

    @property
    def largest(self) -> float:
        return float(self.high) if self.kind != "categorical" else float(max(self.choices))

    @property
    def example(self) -> Any:
        """A value of the range, to check the parameter against the training config."""
        return self.choices[0] if self.kind == "categorical" else int(self.low) if self.kind == "int" else self.low


def parse_parameter(source: str, name: str, spec: Any) -> Parameter:
    """The parameter ``name`` of the search space, checked (a size linked from the data cannot be searched)."""
    key = f"search_space.{name}"
    need = partial(require, source, key)
    need(
        config_path(name) not in LINKED_FROM_DATA,
        f"'{name.rsplit('.', 1)[-1]}' is set from the data, it cannot be searched",
    )
    kind = spec.get("type") if isinstance(spec, dict) else None
    need(
        kind in ("int", "float", "categorical"), f"expected a mapping with type int | float | categorical, got {spec!r}"
    )
    unknown = set(spec) - {"type", "low", "high", "log", "step", "choices"}
    need(not unknown, f"unknown entries {sorted(unknown)}")
    if kind == "categorical":
        choices = spec.get("choices")
        need(isinstance(choices, list) and bool(choices), f"expected a non-empty list of choices, got {choices!r}")
        return Parameter(name, kind, choices=tuple(choices))
    need("low" in spec and "high" in spec, "expected 'low' and 'high'")
    low, high = number(source, f"{key}.low", spec["low"]), number(source, f"{key}.high", spec["high"])
    log, step = bool(spec.get("log", False)), spec.get("step")
    need(low < high, f"empty range: expected low < high, got [{low:g}, {high:g}]")
    need(not log or low > 0, f"a log scale needs low > 0, got {low:g}")
    need(
        kind == "float" or (low == int(low) and high == int(high)), f"expected integer bounds, got [{low:g}, {high:g}]"
    )
    return Parameter(name, kind, low, high, log, None if step is None else number(source, f"{key}.step", step))


def config_path(name: str) -> str:
    """Where parameter ``name`` lands in the training config."""
    if "." in name:
        return name
    return ALIASES.get(name, f"{NETWORK_ARGS}.{name}")
