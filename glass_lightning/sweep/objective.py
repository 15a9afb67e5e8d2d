"""One trial: a fit of the trial's arguments, pruned on the per-epoch validation objective, in its
own MLflow run nested under the study's parent run."""

from __future__ import annotations

import math
import os
import socket

import optuna
from lightning.pytorch import LightningModule, Trainer
from optuna_integration import PyTorchLightningPruningCallback

from glass_lightning.sweep.spec import SweepSpec
from glass_lightning.sweep.trial_config import trial_arguments
from glass_lightning.training.run import RunLog, fit
from glass_lightning.training.tracking import log_to_run, open_store

WORKER_ATTR = "worker"  # host:pid of the process running the trial
RUN_STATUS = {"complete": "FINISHED", "pruned": "KILLED", "failed": "FAILED"}  # trial state -> its MLflow run's status


class ObjectivePruning(PyTorchLightningPruningCallback):
    """Optuna's pruning callback that also keeps the best value of the monitored metric (every validation,
    also those Optuna does not store: a second one in an epoch, or under DDP)."""

    def __init__(self, trial: optuna.Trial, monitor: str):
        super().__init__(trial, monitor)
        self.best = -math.inf

    def on_validation_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        value = trainer.callback_metrics.get(self.monitor)
        if not trainer.sanity_checking and value is not None and math.isfinite(value.item()):
            self.best = max(self.best, value.item())
        super().on_validation_end(trainer, pl_module)


def finish_child_run(spec: SweepSpec, run_id: str, state: str, value: float | None = None, error: str = "") -> None:
    tags = {"optuna.state": state} | ({"error": error[:5000]} if error else {})
    log_to_run(spec.tracking_uri, run_id, {} if value is None else {"objective": value}, tags=tags)
    open_store(spec.tracking_uri).set_terminated(run_id, RUN_STATUS[state])


def run_trial(spec: SweepSpec, parent_run_id: str, trial: optuna.Trial) -> float:
    """Fit the trial's config and return the best per-epoch value of the objective."""
    trial.set_user_attr(WORKER_ATTR, f"{socket.gethostname()}:{os.getpid()}")
    tags = {"mlflow.parentRunId": parent_run_id, "optuna.study": spec.study_name, "optuna.trial": str(trial.number)}
    client = open_store(spec.tracking_uri)
    experiment_id = client.get_run(parent_run_id).info.experiment_id  # the parent's, whatever this file names
    run_id = client.create_run(experiment_id, run_name=f"{spec.study_name}-trial-{trial.number}", tags=tags).info.run_id
    try:
        params = {parameter.name: parameter.suggest(trial) for parameter in spec.parameters}
        log_to_run(spec.tracking_uri, run_id, params=params)
        pruning = ObjectivePruning(trial, spec.objective)
        run_log = RunLog(spec.experiment_name, spec.tracking_uri, run_id=run_id)
        directory = spec.output_dir / "trials" / str(trial.number)
        fit(trial_arguments(spec, params), run_log, directory, keep_best=False, callbacks=[pruning])
        best = pruning.best
        if not math.isfinite(best):
            raise ValueError(f"{spec.objective} was never finite")
    except optuna.TrialPruned:
        finish_child_run(spec, run_id, "pruned")
        raise
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        trial.set_user_attr("error", message)
        finish_child_run(spec, run_id, "failed", error=message)
        raise
    finish_child_run(spec, run_id, "complete", value=best)
    return best
