"""The data of a sweep's trials: graphs built once per worker at the sweep's largest cutoff.

LightningCLI links ``data.cutoff`` into the network's ``cutoff``. In a trial, the data is a
:class:`SharedGraphData`: its graphs come from one data module per worker process, built at the
largest cutoff of the search space, while its ``cutoff`` attribute is the trial's value, so
the link hands the network the trial's cutoff and the network keeps only the edges within it
(``edges_within``). The best config written at the end is a plain data module at the best cutoff.
"""

from __future__ import annotations

import lightning.pytorch as pl

from glass_lightning.class_paths import cached_instance
from glass_lightning.command_files import require


def worker_data(data: dict) -> pl.LightningDataModule:
    """The data module of the ``class_path`` / ``init_args`` config ``data``, built once per process."""
    return cached_instance(data, pl.LightningDataModule, "<sweep>", "data.class_path")


class SharedGraphData(pl.LightningDataModule):
    """The worker's data module (``data``, built at the largest cutoff) seen with ``cutoff``
    (None: the data's own)."""

    def __init__(self, data: dict, cutoff: float | None = None):
        super().__init__()
        self.shared = worker_data(data)
        self.cutoff = self.shared.cutoff if cutoff is None else float(cutoff)
        problem = f"the trial's cutoff {self.cutoff:g} exceeds the graphs' cutoff {self.shared.cutoff:g}"
        require("<sweep>", "cutoff", self.cutoff <= self.shared.cutoff, problem)
        for name in ("num_timescales", "num_types", "num_node_attr", "times", "temperatures"):
            setattr(self, name, getattr(self.shared, name))

    def setup(self, stage: str | None = None) -> None:
        self.shared.setup(stage)

    def sources(self, stage: str) -> list[str]:
        return self.shared.sources(stage)

    def train_dataloader(self):
        return self.shared.train_dataloader()

    def val_dataloader(self):
        return self.shared.val_dataloader()

    def test_dataloader(self):
        return self.shared.test_dataloader()
