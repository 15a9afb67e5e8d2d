"""Classes named by a ``class_path`` ("package.module.Class") in a config or a checkpoint, loaded
safely, with an error that names where the path came from instead of a bare ImportError.

A checkpoint is a file people download and share, and its hyperparameters name the code to build.
So a class path is loaded only when
* its module is one of ``TRUSTED_MODULES`` (or below one), or one the user trusts by name in
  the environment variable ``GLASS_LIGHTNING_TRUSTED_MODULES`` (comma-separated, e.g. ``mylab``
  for ``mylab.networks.Net``), or was already imported by the program, never a fresh import of
  whatever a file names (an import can run code); and
* what it names is a class, a subclass of the ``base`` the caller expects (``nn.Module`` for a
  network), never a function such as ``os.system``; outside the trusted modules a base is required.
Everything else is refused before anything is called.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from glass_lightning.errors import GlassDataError

TRUSTED_MODULES = ("glass_lightning", "torch.optim", "torch.nn", "lightning.pytorch.callbacks")


TRUSTED_MODULES_VARIABLE = "GLASS_LIGHTNING_TRUSTED_MODULES"


def is_trusted_module(module_name: str) -> bool:
    user_trusted = [name.strip() for name in os.environ.get(TRUSTED_MODULES_VARIABLE, "").split(",") if name.strip()]
    return any(
        module_name == trusted or module_name.startswith(f"{trusted}.") for trusted in (*TRUSTED_MODULES, *user_trusted)
    )


def class_from_path(
    class_path: str, source: str = "<config>", field: str = "class_path", base: type | None = None
) -> type:
    """The class at ``class_path``, refused unless trusted or already imported and a ``base`` subclass."""
    module_name, _, class_name = str(class_path).rpartition(".")
    trusted = is_trusted_module(module_name)
    if not trusted and module_name not in sys.modules:
        raise GlassDataError(
            source,
            field,
            f"refusing to import {class_path!r}: classes are loaded from {TRUSTED_MODULES}, from modules the "
            f"program already imported, or from modules you name in {TRUSTED_MODULES_VARIABLE} (e.g. "
            f"{TRUSTED_MODULES_VARIABLE}={module_name.split('.')[0]}), never from a module a file names",
        )
    try:
        loaded = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise GlassDataError(source, field, f"cannot import {class_path!r}: {error}") from None
    if not isinstance(loaded, type):
        raise GlassDataError(source, field, f"refusing {class_path!r}: it is not a class")
    if base is not None and not issubclass(loaded, base):
        raise GlassDataError(
            source, field, f"refusing {class_path!r}: expected a subclass of {base.__module__}.{base.__qualname__}"
        )
    if base is None and not trusted:
        raise GlassDataError(
            source, field, f"refusing {class_path!r}: outside {TRUSTED_MODULES} only an expected base class is loaded"
        )
    return loaded


def instantiate(config: dict, base: type, source: str = "<config>", field: str = "class_path"):
    """``class_path(**init_args)`` of a ``{class_path, init_args}`` config, ``class_path`` a ``base`` subclass."""
    return class_from_path(config["class_path"], source, field, base)(**config.get("init_args", {}))


_INSTANCES: dict[str, object] = {}  # per process: config -> what it built


def cached_instance(config: dict, base: type, source: str = "<config>", field: str = "class_path"):
    """:func:`instantiate`, built once per process for equal configs (e.g. a data module every fit shares)."""
    key = json.dumps([config, base.__module__, base.__qualname__], sort_keys=True, default=str)
    if key not in _INSTANCES:
        _INSTANCES[key] = instantiate(config, base, source, field)
    return _INSTANCES[key]
