"""The search space of a sweep: named parameters, where each lands in the training config.

A parameter name is either
* a constructor argument of the network (``l_max``, ``channels``, ...), set at
  ``model.model.init_args.<name>``; ``cutoff`` is special: see :mod:`glass_lightning.sweep.shared_data`;
* ``lr``: the optimizer's learning rate, ``model.optimizer.init_args.lr``;
* a dotted path into the training config (``data.init_args.batch_size``).
Names are checked against the constructor signatures of the classes the base config names.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import optuna

from glass_lightning.class_paths import class_from_path
from glass_lightning.errors import GlassDataError

NETWORK_ARGS = "model.model.init_args"
ALIASES = {"lr": "model.optimizer.init_args.lr"}
LINKED_FROM_DATA = ("num_outputs", "num_types", "num_node_attr")  # set by the data, never searched
CUTOFF = "cutoff"


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


def _class_arguments(class_path: str, source: str) -> set[str]:
    return set(inspect.signature(class_from_path(class_path, source, base=object)).parameters) - {"self"}


def config_path(name: str) -> str:
    """Where parameter ``name`` lands in the training config."""
    if "." in name:
        return name
    return ALIASES.get(name, f"{NETWORK_ARGS}.{name}")


def check_config_path(source: str, key: str, path: str, config: dict) -> None:
    """``path`` must name an argument of the class whose ``init_args`` hold it, or an existing entry."""
    *parents, leaf = path.split(".")
    node: Any = config
    for index, part in enumerate(parents):
        if not isinstance(node, dict) or part not in node:
            raise GlassDataError(source, key, f"the base config has no '{'.'.join(parents[: index + 1])}' to hold '{path}'")
        owner, node = node, node[part]
    if parents and parents[-1] == "init_args" and isinstance(owner.get("class_path"), str):
        arguments = _class_arguments(owner["class_path"], source)
        if leaf not in arguments:
            raise GlassDataError(source, key, f"{owner['class_path']} has no argument '{leaf}'; it takes {sorted(arguments)}")
    elif not isinstance(node, dict) or leaf not in node:
        raise GlassDataError(source, key, f"the base config has no '{path}'")


def check_parameter(source: str, name: str, config: dict) -> None:
    key = f"search_space.{name}"
    leaf = name.rsplit(".", 1)[-1]
    if leaf in LINKED_FROM_DATA:
        raise GlassDataError(source, key, f"'{leaf}' is set from the data, it cannot be searched")
    check_config_path(source, key, config_path(name), config)
