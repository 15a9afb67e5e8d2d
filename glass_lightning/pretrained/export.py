"""``glass-lightning export-pretrained --ckpt CKPT --output PATH``: the checkpoint a network ships as.

From a checkpoint of ``lightning fit``, read through the gate of ``checkpoint_file.py``, it keeps
what ``predict``, ``GlassModule.load_from_checkpoint`` and ``FrozenBackbone`` read: the weights, the
GlassModule's hyperparameters (the network's ``class_path`` and ``init_args``), the glass_lightning
entry (the network's class and the graph recipe) and the Lightning version (its loader's migrations
read it). Everything else is training state or names the training machine, and is dropped: the
optimizer and scheduler states, the loop and callback states (the best checkpoint's path, the random
states, the MLflow run) and the data module's arguments (the data paths). A checkpoint without a graph
recipe is refused (predict could not use it), and so is one whose hyperparameters name a file of the
training machine (a FrozenBackbone's backbone by path): the exported network would not load elsewhere.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from glass_lightning.command_parser import command_parser
from glass_lightning.data.atomic_npz import write_atomically
from glass_lightning.errors import GlassDataError
from glass_lightning.output_guard import check_output_apart
from glass_lightning.pretrained.registry import resolve_checkpoint

KEPT_ENTRIES = ("pytorch-lightning_version", "hyper_parameters", "state_dict")  # and checkpoint_file's CHECKPOINT_KEY


def machine_path(value: Any, field: str) -> tuple[str, str] | None:
    """(field, text) of the first string in ``value`` (a config tree) that names a file of this machine,
    an absolute path or an existing file; None where there is none."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        names_a_file = isinstance(value, str) and (Path(value).is_absolute() or Path(value).is_file())
        return (field, value) if names_a_file else None
    for key, item in items:
        found = machine_path(item, f"{field}.{key}")
        if found is not None:
            return found
    return None


def export_pretrained(checkpoint: str | os.PathLike, output: str | os.PathLike) -> Path:
    """Write the minimal checkpoint of ``checkpoint`` (see module doc) to ``output``; return its path."""
    import torch

    from glass_lightning.checkpoint_file import CHECKPOINT_KEY, RECIPE_KEY, read_checkpoint
    from glass_lightning.data.graph_recipe import GraphRecipe

    source = resolve_checkpoint(checkpoint)
    check_output_apart(output, [source])
    saved = read_checkpoint(source)
    GraphRecipe.from_dict(saved[CHECKPOINT_KEY].get(RECIPE_KEY), str(source))
    found = machine_path(saved.get("hyper_parameters", {}), "hyper_parameters")
    if found is not None:
        field, text = found
        raise GlassDataError(
            source, field, f"names {text!r}, a file of this machine: the exported network would not load elsewhere"
        )
    minimal = {key: saved[key] for key in (*KEPT_ENTRIES, CHECKPOINT_KEY) if key in saved}
    return write_atomically(output, lambda stream: torch.save(minimal, stream))


def parser() -> argparse.ArgumentParser:
    result = command_parser(
        "export-pretrained", "It keeps the weights, hyperparameters and graph recipe, and drops the training state."
    )
    result.add_argument("--ckpt", required=True, help="a checkpoint of lightning fit (the best epoch of the run)")
    result.add_argument("--output", required=True, help="the checkpoint to write")
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    path = export_pretrained(arguments.ckpt, arguments.output)
    size = path.stat().st_size / 1e6
    print(f"wrote {path} ({size:.2f} MB): the weights, hyperparameters and graph recipe of {arguments.ckpt}")
    return 0
