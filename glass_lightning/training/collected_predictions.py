"""The predictions of one pass over a split (a test, a validation epoch), kept on the CPU for reports.

Each batch adds its prediction, target, particle types, graph index and temperature; :meth:`merged`
joins the batches of every DDP process into one set whose graph indices run over all of them.
"""

from __future__ import annotations

import numpy as np
import torch
from lightning.pytorch import Trainer

from glass_lightning.training.gather import objects_of_all_processes


class CollectedPredictions:
    """Batches of predictions of a split, merged across processes on demand."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, torch.Tensor]] = []

    def reset(self) -> None:
        self.chunks = []

    def add(self, prediction: torch.Tensor, batch) -> None:
        """One batch: its ``prediction`` (N, T) and the graphs ``batch`` it was made from."""
        self.chunks.append(
            {
                "prediction": prediction.detach().cpu(),
                "target": batch.y.detach().cpu(),
                "node_type": batch.node_type.cpu(),
                "graph": batch.batch.cpu(),
                "temperature": batch.temperature.reshape(-1).cpu(),
            }
        )

    def merged(self, trainer: Trainer) -> dict[str, torch.Tensor] | None:
        """Every process's batches as one set (graph indices renumbered); None when there are none.
        Collective under DDP: every process must call it."""
        chunks = [chunk for chunks in objects_of_all_processes(trainer, self.chunks) for chunk in chunks]
        if not chunks:
            return None
        offsets = np.cumsum([0] + [len(chunk["temperature"]) for chunk in chunks])
        merged = {key: torch.cat([chunk[key] for chunk in chunks]) for key in chunks[0] if key != "graph"}
        merged["graph"] = torch.cat([chunk["graph"] + int(offset) for chunk, offset in zip(chunks, offsets)])
        return merged
