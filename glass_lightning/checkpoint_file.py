"""Reading a checkpoint someone else wrote: the one gate every path that reads one goes through.

:func:`read_checkpoint` loads the file weights-only (tensors and plain values; unpickling
nothing that could run code), refuses what ``lightning fit`` of a GlassModule did not write, and
checks every class its hyperparameters name against the registry of ``class_paths.py`` before
anything is built: each ``class_path`` at any depth, and a network, optimizer or scheduler given
as a plain string (LightningCLI imports such a string as a class). ``predict``, ``probe``,
``export-pretrained``, ``FrozenBackbone``, ``GlassModule.load_from_checkpoint`` and LightningCLI's
``--ckpt_path`` all call it (the commands after ``pretrained/registry.py`` resolved a network's name).
"""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from glass_lightning.class_paths import class_from_path
from glass_lightning.errors import GlassDataError

CHECKPOINT_KEY = "glass_lightning"  # what GlassModule adds to its checkpoints: the network's class, the graph recipe
RECIPE_KEY = "graph_recipe"
LIGHTNING_INSTANTIATOR = "lightning.pytorch.cli.instantiate_module"
GLASS_MODULE = "glass_lightning.training.module.GlassModule"
DEFAULT_OPTIMIZER = "glass_lightning.training.module.default_optimizer"  # GlassModule's default, saved by its name


# what each GlassModule argument built from a name must be
BASES = {
    "model": torch.nn.Module,
    "optimizer": torch.optim.Optimizer,
    "scheduler": torch.optim.lr_scheduler.LRScheduler,
}


def check_class_names(value: Any, source: str, field: str, base: type = object) -> None:
    """Refuse any class name in ``value`` (a config tree) that the registry does not hold."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("class_path", "_class_path"):
                class_from_path(item, source, f"{field}.{key}", base)
            else:
                check_class_names(item, source, f"{field}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_class_names(item, source, f"{field}.{index}")


def check_hyperparameters(hyperparameters: Any, source: str) -> None:
    """Every class GlassModule's saved arguments name, before Lightning or LightningCLI builds anything."""
    field = "hyper_parameters"
    if not isinstance(hyperparameters, dict):
        raise GlassDataError(
            source, field, f"expected a mapping of GlassModule's arguments, got {type(hyperparameters)}"
        )
    instantiator = hyperparameters.get("_instantiator")
    if instantiator not in (None, LIGHTNING_INSTANTIATOR):
        raise GlassDataError(
            source,
            f"{field}._instantiator",
            f"refusing {instantiator!r}: only {LIGHTNING_INSTANTIATOR} builds a GlassModule",
        )
    if hyperparameters.get("_class_path", GLASS_MODULE) != GLASS_MODULE:
        raise GlassDataError(
            source, f"{field}._class_path", f"refusing {hyperparameters['_class_path']!r}: expected {GLASS_MODULE}"
        )
    for name, value in hyperparameters.items():
        base = BASES.get(name, object)
        if isinstance(value, str) and name in BASES and value != DEFAULT_OPTIMIZER:  # a string is imported as a class
            class_from_path(value, source, f"{field}.{name}", base)
        else:
            check_class_names(value, source, f"{field}.{name}", base)


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """The checkpoint of a GlassModule at ``path``, read weights-only, every class it names registered."""
    source = str(path)
    if not Path(path).is_file():
        raise GlassDataError(source, "checkpoint", "the checkpoint does not exist")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError) as error:
        first_line = (str(error).splitlines() or ["empty file"])[0][:200]
        raise GlassDataError(
            source, "checkpoint", f"not a readable PyTorch checkpoint ({type(error).__name__}: {first_line})"
        ) from None
    if not isinstance(checkpoint, dict) or CHECKPOINT_KEY not in checkpoint:
        raise GlassDataError(
            source, CHECKPOINT_KEY, "not a GlassModule checkpoint (it was not written by lightning fit of this project)"
        )
    if checkpoint.get("_instantiator") not in (None, LIGHTNING_INSTANTIATOR):
        raise GlassDataError(source, "_instantiator", f"refusing {checkpoint['_instantiator']!r}")
    check_hyperparameters(checkpoint.get("hyper_parameters", {}), source)
    return checkpoint
