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
from typing import Any

import optuna

from glass_lightning.errors import GlassDataError
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

    @property
    def largest(self) -> float:
        return float(self.high) if self.kind != "categorical" else float(max(self.choices))

    @property
    def example(self) -> Any:
        """A value of the range, to check the parameter against the training config."""
        return self.choices[0] if self.kind == "categorical" else int(self.low) if self.kind == "int" else self.low


def _number(source: str, key: str, value: Any) -> float:
    """YAML reads ``1e-3`` as a string; accept it as a number, reject anything else."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GlassDataError(source, key, f"expected a number, got {value!r}") from None


def parse_parameter(source: str, name: str, spec: Any) -> Parameter:
    key = f"search_space.{name}"
    if not isinstance(spec, dict) or spec.get("type") not in ("int", "float", "categorical"):
        raise GlassDataError(source, key, f"expected a mapping with type int | float | categorical, got {spec!r}")
    unknown = set(spec) - {"type", "low", "high", "log", "step", "choices"}
    if unknown:
        raise GlassDataError(source, key, f"unknown entries {sorted(unknown)}")
    if spec["type"] == "categorical":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices:
            raise GlassDataError(source, key, f"expected a non-empty list of choices, got {choices!r}")
        return Parameter(name, "categorical", choices=tuple(choices))
    if "low" not in spec or "high" not in spec:
        raise GlassDataError(source, key, "expected 'low' and 'high'")
    low, high = _number(source, f"{key}.low", spec["low"]), _number(source, f"{key}.high", spec["high"])
    log = bool(spec.get("log", False))
    if not low < high:
        raise GlassDataError(source, key, f"empty range: expected low < high, got [{low:g}, {high:g}]")
    if log and low <= 0:
        raise GlassDataError(source, key, f"a log scale needs low > 0, got {low:g}")
    step = None if spec.get("step") is None else _number(source, f"{key}.step", spec["step"])
    if spec["type"] == "int" and (low != int(low) or high != int(high)):
        raise GlassDataError(source, key, f"expected integer bounds, got [{low:g}, {high:g}]")
    return Parameter(name, spec["type"], low, high, log, step)


def config_path(name: str) -> str:
    """Where parameter ``name`` lands in the training config."""
    if "." in name:
        return name
    return ALIASES.get(name, f"{NETWORK_ARGS}.{name}")


def check_searchable(source: str, name: str) -> None:
    """A size the CLI links from the data into the network cannot be searched."""
    if config_path(name) in LINKED_FROM_DATA:
        problem = f"'{name.rsplit('.', 1)[-1]}' is set from the data, it cannot be searched"
        raise GlassDataError(source, f"search_space.{name}", problem)
