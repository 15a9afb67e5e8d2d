"""``FitReport``: the figures a fit leaves in its MLflow run when it ends, with or without a test.

* ``learning_curves.png``: train and validation Pearson per configuration of type A against the epoch,
  read back from the run (as ``glass-lightning curves`` draws them; a resumed fit shows all its epochs);
* ``val_scatter.png``: predicted against true propensity on the validation split at its last epoch,
  per temperature, at the timescale closest to tau_alpha (as the test report's scatter).

Written on rank 0 into every MLflow logger's run; the validation predictions of all DDP processes are
gathered first. Without an MLflow logger (or under ``fast_dev_run``) nothing is drawn.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.trainer.states import TrainerFn

from glass_lightning.training.callbacks import correlations_per_temperature, scatter_panels, timescale_times
from glass_lightning.training.collected_predictions import CollectedPredictions
from glass_lightning.training.curves import DEFAULT_METRICS, Y_LABEL, run_curves
from glass_lightning.training.plots import plot_learning_curves, plot_prediction_scatter
from glass_lightning.training.tracking import mlflow_loggers

CURVES = "learning_curves.png"
SCATTER = "val_scatter.png"


class FitReport(Callback):
    """Learning curves and a validation scatter in the run at the end of every fit (see module doc)."""

    def __init__(self) -> None:
        self._collected = CollectedPredictions()
        self._epoch = -1

    def on_validation_epoch_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._collected.reset()

    def on_validation_batch_end(
        self, trainer, pl_module, outputs, batch, batch_idx: int, dataloader_idx: int = 0
    ) -> None:
        if trainer.state.fn != TrainerFn.FITTING or trainer.sanity_checking or not isinstance(outputs, dict):
            return
        if not mlflow_loggers(trainer):  # nowhere to draw it
            return
        self._collected.add(outputs["prediction"], batch)
        self._epoch = trainer.current_epoch

    def on_fit_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        loggers = mlflow_loggers(trainer)  # the same on every process
        if not loggers:
            return
        data = self._collected.merged(trainer)
        if not trainer.is_global_zero:
            return
        with tempfile.TemporaryDirectory() as scratch:
            scatter = None if data is None else self._scatter(trainer, pl_module, data, Path(scratch) / SCATTER)
            for logger in loggers:
                curves = self._curves(logger.experiment, logger.run_id, Path(scratch) / CURVES)
                for path in (curves, scatter):
                    if path is not None:
                        logger.experiment.log_artifact(logger.run_id, str(path))

    @staticmethod
    def _curves(client, run_id: str, path: Path) -> Path | None:
        histories = run_curves(client, run_id, list(DEFAULT_METRICS))
        if not any(histories.values()):
            return None
        return plot_learning_curves({client.get_run(run_id).info.run_name: histories}, path, Y_LABEL)

    def _scatter(self, trainer: Trainer, pl_module: LightningModule, data: dict, path: Path) -> Path:
        pooled, _ = correlations_per_temperature(data, int(pl_module.hparams.num_types))
        times, _ = timescale_times(trainer.datamodule, list(pooled), data["target"].shape[1])
        panels = scatter_panels(trainer.datamodule, "val", data, times, pooled)
        return plot_prediction_scatter(panels, path, f"validation split, last epoch ({self._epoch})")
