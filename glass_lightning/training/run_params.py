"""Which flattened hyperparameters a run keeps as MLflow params: one name per setting.

A fit through the CLI is handed each setting under several names: the config's ``data/init_args/X``,
the data module's own hyperparameters (``X`` again, bare), the network's arguments that the CLI links
from the data (``model/init_args/cutoff``, ``model/init_args/num_outputs``, the module's ``num_outputs``),
and LightningCLI's internals (``_instantiator``). A run keeps the config's names and the module's
own arguments; :func:`kept_params` leaves out the rest.
"""

from __future__ import annotations

from typing import Any

DATA_PREFIX = "data/init_args/"
NETWORK_PREFIX = "model/init_args/"
PARAM_LENGTH = 250  # what Lightning's MLFlowLogger keeps of a value


def param_value(value: Any) -> str:
    """A value as the run holds it."""
    return str(value)[:PARAM_LENGTH]


def is_internal(key: str) -> bool:
    """True for LightningCLI's bookkeeping (``_instantiator``, ``_class_path``), at any depth."""
    return any(part.startswith("_") for part in key.split("/"))


def repeats(key: str, value: Any, known: dict[str, Any]) -> bool:
    """True when ``key`` is a second name of a setting in ``known`` with the same value: a bare key that the
    config's ``data`` section holds, or a network argument that the module or the data holds (a linked value)."""
    if "/" not in key:
        copies = [DATA_PREFIX + key]
    elif key.startswith(NETWORK_PREFIX) and "/" not in key[len(NETWORK_PREFIX) :]:
        name = key[len(NETWORK_PREFIX) :]
        copies = [name, DATA_PREFIX + name]
    else:
        return False
    return any(copy in known and param_value(known[copy]) == param_value(value) for copy in copies)


def kept_params(flat: dict[str, Any], logged: dict[str, str]) -> dict[str, Any]:
    """``flat`` (flattened hyperparameters) without internals and second names of a setting that ``flat`` or
    the run's ``logged`` params already hold."""
    known = {**logged, **flat}
    return {key: value for key, value in flat.items() if not is_internal(key) and not repeats(key, value, known)}
