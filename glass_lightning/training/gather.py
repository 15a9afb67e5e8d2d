"""Gathering Python objects from every DDP process (a no-op in a single process)."""

from __future__ import annotations

from typing import Any

import torch.distributed as dist
from lightning.pytorch import Trainer


def objects_of_all_processes(trainer: Trainer, value: Any) -> list[Any]:
    """``value`` of every process in rank order; collective: every process must call it."""
    if trainer.world_size == 1 or not dist.is_initialized():
        return [value]
    gathered: list[Any] = [None] * trainer.world_size
    dist.all_gather_object(gathered, value)
    return gathered
