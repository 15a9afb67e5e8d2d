"""Classes named by a config's ``class_path`` ("package.module.Class"), with an error that names
where the path came from instead of a bare ImportError."""

from __future__ import annotations

import importlib

from glass_lightning.errors import GlassDataError


def class_from_path(class_path: str, source: str = "<config>", field: str = "class_path") -> type:
    module_name, _, class_name = str(class_path).rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise GlassDataError(source, field, f"cannot import {class_path!r}: {error}") from None


def instantiate(config: dict, source: str = "<config>", field: str = "class_path"):
    """``class_path(**init_args)`` of a ``{class_path, init_args}`` config."""
    return class_from_path(config["class_path"], source, field)(**config.get("init_args", {}))
