"""One trial: a fit of the trial's arguments, pruned on the per-epoch validation objective, in its
own MLflow run nested under the study's parent run."""

from __future__ import annotations

import math
import os
import socket

import optuna
from mlflow import MlflowClient
from optuna_integration import PyTorchLightningPruningCallback

from glass_lightning.sweep.spec import SweepSpec
from glass_lightning.sweep.trial_config import trial_arguments
from glass_lightning.training.run import RunLog, fit
from glass_lightning.training.tracking import log_to_run, start_run

WORKER_ATTR = "worker"  # host:pid of the process running the trial
RUN_STATUS = {"complete": "FINISHED", "pruned": "KILLED", "failed": "FAILED"}  # trial state -> its MLflow run's status


def best_reported(trial: optuna.Trial) -> float:
    """The best finite per-epoch value the pruning callback reported to the study (-inf when none is)."""
    reported = next(each for each in trial.study.get_trials(deepcopy=False) if each.number == trial.number)
    return max([value for value in reported.intermediate_values.values() if math.isfinite(value)], default=-math.inf)


def finish_child_run(spec: SweepSpec, run_id: str, state: str, value: float | None = None, error: str = "") -> None:
    tags = {"optuna.state": state} | ({"error": error[:5000]} if error else {})
    log_to_run(spec.tracking_uri, run_id, {} if value is None else {"objective": value}, tags=tags)
    MlflowClient(spec.tracking_uri).set_terminated(run_id, RUN_STATUS[state])


def run_trial(spec: SweepSpec, parent_run_id: str, trial: optuna.Trial) -> float:
    """Fit the trial's config and return the best per-epoch value of the objective."""
    trial.set_user_attr(WORKER_ATTR, f"{socket.gethostname()}:{os.getpid()}")
    tags = {"mlflow.parentRunId": parent_run_id, "optuna.study": spec.study_name, "optuna.trial": str(trial.number)}
    run_id = start_run(spec.tracking_uri, spec.experiment_name, f"{spec.study_name}-trial-{trial.number}", tags)
    try:
        params = {parameter.name: parameter.suggest(trial) for parameter in spec.parameters}
        log_to_run(spec.tracking_uri, run_id, params=params)
        pruning = PyTorchLightningPruningCallback(trial, spec.objective)
        run_log = RunLog(spec.experiment_name, spec.tracking_uri, run_id=run_id)
        directory = spec.output_dir / "trials" / str(trial.number)
        fit(trial_arguments(spec, params), run_log, directory, keep_best=False, callbacks=[pruning])
        best = best_reported(trial)
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
