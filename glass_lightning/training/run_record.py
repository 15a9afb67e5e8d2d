"""``RunRecord``: what a run holds besides its metrics, so that it says what made it and what its names mean.

When a command starts, on rank 0, into every MLflow logger's run:

* ``glass_lightning.stage``: ``fit``, ``validate``, ``test`` or ``predict``. A run that a command other than
  ``fit`` opens is named ``{stage}-{name}`` (``lightning predict`` with run name ``se3net``: ``predict-se3net``)
  and tagged with its checkpoint (``glass_lightning.checkpoint``), and for predict the folder of its
  prediction files (``glass_lightning.predictions``), so that it is never taken for a training run;
* where it came from (``provenance.py``): ``mlflow.source.git.commit`` (``unknown`` outside a git checkout),
  ``glass_lightning.git_dirty``, ``glass_lightning.version``, ``glass_lightning.data_sha256`` (the data
  fingerprint), and ``data_files.json``: the split, name and sha256 of every data file;
* what its timescale indices are: the metrics' ``_t{k}`` is the k-th selected time, logged as the param
  ``time/t{k}`` (``time/T{T}/t{k}`` per temperature when the temperatures' times differ) and in
  ``timescales.json`` (temperature -> ``t{k}`` -> time, LJ units).

A later stage in the same run (the test after fit) adds nothing; a resumed fit records its start again.
"""

from __future__ import annotations

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.callbacks import BasePredictionWriter
from lightning.pytorch.loggers import MLFlowLogger
from lightning.pytorch.trainer.states import TrainerFn

from glass_lightning.training.provenance import data_fingerprint, git_state, package_version, split_files
from glass_lightning.training.tracking import mlflow_loggers

STAGE_TAG = "glass_lightning.stage"
COMMIT_TAG = "mlflow.source.git.commit"  # MLflow's own: its UI shows it with the run
CHECKPOINT_TAG = "glass_lightning.checkpoint"
FIT = "fit"


def time_params(times: dict[float, list[float]]) -> dict[str, str]:
    """``time/t{k}`` -> the k-th selected time, or ``time/T{T}/t{k}`` when the temperatures' times differ."""
    grids = {tuple(values) for values in times.values() if len(values)}
    if len(grids) == 1:
        return {f"time/t{index}": f"{time:.10g}" for index, time in enumerate(grids.pop())}
    return {
        f"time/T{temperature:g}/t{index}": f"{time:.10g}"
        for temperature, values in times.items()
        for index, time in enumerate(values)
    }


def provenance_tags() -> dict[str, str]:
    """The code's git commit (and whether it has uncommitted changes) and the package version."""
    commit, dirty = git_state()
    tags = {COMMIT_TAG: commit, "glass_lightning.version": package_version()}
    if dirty is not None:
        tags["glass_lightning.git_dirty"] = str(dirty).lower()
    return tags


def stage_tags(trainer: Trainer, stage: str) -> dict[str, str]:
    """The stage, and for predict where the prediction files go."""
    tags = {STAGE_TAG: stage}
    writers = [callback for callback in trainer.callbacks if isinstance(callback, BasePredictionWriter)]
    if stage == "predict" and writers and hasattr(writers[0], "output_dir"):
        tags["glass_lightning.predictions"] = str(writers[0].output_dir)
    return tags


class RunRecord(Callback):
    """Tags, params and files that tell what a run is and what made it (see module doc)."""

    def __init__(self) -> None:
        self._records: list[MLFlowLogger] = []  # the loggers whose runs this command records (rank 0)

    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        loggers = mlflow_loggers(trainer)
        if not trainer.is_global_zero or not loggers:
            return
        stage = TrainerFn(stage).value  # "fit", not "TrainerFn.FITTING"
        self._records = records = [logger for logger in loggers if self._claim(logger, trainer, stage)]
        if not records:
            return
        tags = provenance_tags()
        files = split_files(trainer.datamodule)
        fingerprint, entries = data_fingerprint(files) if any(files.values()) else (None, [])
        times = getattr(trainer.datamodule, "times", None) or {}
        for logger in records:
            client, run_id = logger.experiment, logger.run_id
            for key, value in tags.items():
                client.set_tag(run_id, key, value)
            if fingerprint is not None:
                client.set_tag(run_id, "glass_lightning.data_sha256", fingerprint)
                client.log_dict(run_id, {"sha256": fingerprint, "files": entries}, "data_files.json")
            if times:
                logger.log_hyperparams(time_params(times))
                table = {
                    f"{key:g}": {f"t{index}": time for index, time in enumerate(values)}
                    for key, values in times.items()
                }
                client.log_dict(run_id, table, "timescales.json")

    def on_validation_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._tag_checkpoint(trainer)

    def on_test_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._tag_checkpoint(trainer)

    def on_predict_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._tag_checkpoint(trainer)

    def _tag_checkpoint(self, trainer: Trainer) -> None:
        """The checkpoint a run of validate, test or predict was given (known once it is loaded)."""
        if trainer.state.fn == TrainerFn.FITTING or not trainer.ckpt_path:
            return
        for logger in self._records:
            logger.experiment.set_tag(logger.run_id, CHECKPOINT_TAG, str(trainer.ckpt_path))

    @staticmethod
    def _claim(logger: MLFlowLogger, trainer: Trainer, stage: str) -> bool:
        """Tag (and for a stage other than fit, name) ``logger``'s run for ``stage`` unless it has a stage already
        (a test after fit); True when this command records the run: a fresh one, or any fit."""
        client, run_id = logger.experiment, logger.run_id
        run = client.get_run(run_id)
        if STAGE_TAG in run.data.tags:
            return stage == FIT
        for key, value in stage_tags(trainer, stage).items():
            client.set_tag(run_id, key, value)
        if stage != FIT:
            client.update_run(run_id, name=f"{stage}-{run.info.run_name}")
        return True
