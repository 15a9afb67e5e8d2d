"""Preemption-safe training: a ``last.ckpt`` written regularly to a fixed place, holding what a
killed run needs to continue exactly as if it had not been killed.

``ResumeCheckpoint`` (the CLI's ``resume_checkpoint``) saves ``{dirpath}/last.ckpt`` (default
``{default_root_dir}/resume``) every ``every_n_epochs`` epochs and every ``every_n_train_steps``
optimizer steps, overwriting it. ``fit --ckpt_path last`` continues from it (or starts afresh
when there is none yet, so the same command serves a first start and every restart).

Besides what Lightning restores itself (weights, optimizer, scheduler, epoch and step counters,
other callbacks), the checkpoint holds:

* the MLflow run id, which the CLI reads before building the logger, so the continued run logs
  into the same MLflow run;
* the random number generator states of every process (torch, CUDA, numpy, python), restored
  when training starts again;
* how many batches of the current epoch were done. Training batches come from
  ``EpochShuffleSampler``, whose order depends only on ``(seed, epoch)``; on resume it skips the
  batches already trained on, so the continued epoch sees exactly the batches the killed one
  had left, in the same order, and the final weights and metrics equal an uninterrupted run's.

This checkpoint is local state for restarting, not a model: it is not logged to MLflow (the
best checkpoint is).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lightning.pytorch import LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.loggers import MLFlowLogger

from glass_lightning.training.gather import objects_of_all_processes

RESUME_STATE_KEY = "resume"


def random_states() -> dict[str, Any]:
    """This process's random number generator states, as tensors and plain values (so that the
    checkpoint still loads with ``weights_only=True``)."""
    name, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    states = {
        "torch": torch.get_rng_state(),
        "numpy": [name, torch.from_numpy(keys.astype(np.int64)), position, has_gauss, cached_gaussian],
        "python": random.getstate(),
    }
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def set_random_states(states: dict[str, Any]) -> None:
    torch.set_rng_state(states["torch"])
    name, keys, position, has_gauss, cached_gaussian = states["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), position, has_gauss, cached_gaussian))
    random.setstate(states["python"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def mlflow_run_id(trainer: Trainer) -> str | None:
    """The run id of the trainer's first MLflow logger (None off rank zero or without one)."""
    for logger in trainer.loggers:
        if isinstance(logger, MLFlowLogger):
            return logger.run_id
    return None


def saved_mlflow_run_id(checkpoint_path: str | Path) -> str | None:
    """The MLflow run id stored in a checkpoint by ``ResumeCheckpoint``, or None."""
    checkpoint = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    for key, state in checkpoint.get("callbacks", {}).items():
        if key.startswith(ResumeCheckpoint.__qualname__) and RESUME_STATE_KEY in state:
            return state[RESUME_STATE_KEY]["mlflow_run_id"]
    return None


class ResumeCheckpoint(ModelCheckpoint):
    """Write ``last.ckpt`` regularly to ``dirpath`` and restore a killed run exactly (module doc).

    Args:
        dirpath: where ``last.ckpt`` goes; default ``{trainer.default_root_dir}/resume``.
        every_n_train_steps: also save every this many optimizer steps (0: only at epoch ends).
        every_n_epochs: save at the end of every this many epochs (0 with 0 steps: never save).
    """

    def __init__(self, dirpath: str | None = None, every_n_train_steps: int = 0, every_n_epochs: int = 1):
        super().__init__(
            dirpath=dirpath,
            monitor=None,
            save_top_k=0,
            save_last=every_n_epochs > 0 or every_n_train_steps > 0,
            every_n_train_steps=every_n_train_steps,
            every_n_epochs=0,  # saved by on_train_epoch_end below (Lightning's triggers are exclusive)
            save_on_train_epoch_end=True,
            enable_version_counter=False,
        )
        self.save_every_n_epochs = every_n_epochs
        self._batches_done_in_epoch = 0
        self._restored: dict[str, Any] | None = None
        self._trainer: Trainer | None = None

    def _use_default_directory(self, trainer: Trainer) -> None:
        if self.dirpath is None:
            self.dirpath = str(Path(trainer.default_root_dir) / "resume")

    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        self._trainer = trainer
        self._use_default_directory(trainer)
        super().setup(trainer, pl_module, stage)

    def _find_last_checkpoints(self, trainer: Trainer) -> set[str]:
        # ``fit(ckpt_path="last")`` asks before ``setup``
        self._use_default_directory(trainer)
        return super()._find_last_checkpoints(trainer)

    def _save_checkpoint(self, trainer: Trainer, filepath: str) -> None:
        """Save without telling the loggers: this file is for restarting, not a model to log."""
        trainer.save_checkpoint(filepath, self.save_weights_only)
        self._last_global_step_saved = trainer.global_step
        self._last_checkpoint_saved = filepath

    def on_train_batch_end(self, trainer: Trainer, pl_module: LightningModule, outputs, batch, batch_idx: int) -> None:
        self._batches_done_in_epoch = batch_idx + 1
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)

    def on_train_epoch_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        """Save after the epoch's validation (so the checkpoint holds its best-so-far metrics), even
        when a step checkpoint was just written at the same step before validation."""
        self._batches_done_in_epoch = 0
        due = self.save_every_n_epochs > 0 and (trainer.current_epoch + 1) % self.save_every_n_epochs == 0
        if due and not trainer.sanity_checking and not trainer.fast_dev_run:
            self._save_last_checkpoint(trainer, self._monitor_candidates(trainer))

    def state_dict(self) -> dict[str, Any]:
        # Lightning asks every process for the callback states when saving; this gathers them
        state = super().state_dict()
        trainer = self._trainer
        if trainer is None:
            return state
        state[RESUME_STATE_KEY] = {
            "mlflow_run_id": mlflow_run_id(trainer),
            "epoch": trainer.current_epoch,
            "batches_done_in_epoch": self._batches_done_in_epoch,
            "random_states": objects_of_all_processes(trainer, random_states()),
        }
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._restored = state_dict.get(RESUME_STATE_KEY)

    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        """After a restore: skip the batches already done and put the generators back as they were."""
        super().on_train_start(trainer, pl_module)
        if self._restored is None:
            return
        restored, self._restored = self._restored, None
        sampler = getattr(trainer.train_dataloader, "sampler", None)
        if restored["batches_done_in_epoch"] and hasattr(sampler, "resume_within_epoch"):
            samples_done = restored["batches_done_in_epoch"] * trainer.train_dataloader.batch_size
            sampler.resume_within_epoch(restored["epoch"], samples_done)
        states = restored["random_states"]
        if len(states) == trainer.world_size:
            set_random_states(states[trainer.global_rank])
