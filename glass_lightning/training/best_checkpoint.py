"""``BestCheckpoint``: the ``checkpoint`` of every ``lightning fit``, which keeps the best epoch as
``checkpoints/best.ckpt``, a name to type (``predict --ckpt .../checkpoints/best.ckpt``).

It is Lightning's ModelCheckpoint with the same arguments and defaults, so a config (and the hash of
a resolved config that names an experiment's fit, ``experiments/plan.py``) reads as before: a
``filename`` left unset (null) names the file ``best``. ``best.ckpt`` is replaced when the best
changes and by a later fit into the same folder, never versioned (``best-v1.ckpt``); any other
``filename`` (``"{epoch}-{step}"``, which ``save_top_k`` > 1 needs) keeps Lightning's behaviour.
"""

from __future__ import annotations

from lightning.pytorch import LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint

BEST_CHECKPOINT = "best"  # checkpoints/best.ckpt


class BestCheckpoint(ModelCheckpoint):
    """ModelCheckpoint whose best file is ``best.ckpt`` unless the config names it (module doc)."""

    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        if self.filename in (None, BEST_CHECKPOINT):
            self.filename = BEST_CHECKPOINT
            self._enable_version_counter = False  # a file of an earlier fit is replaced, not kept beside
        super().setup(trainer, pl_module, stage)
