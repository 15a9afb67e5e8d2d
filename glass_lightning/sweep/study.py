"""The Optuna study of a sweep: storage, sampler, pruner, recovery of dead workers, worker loop."""

from __future__ import annotations

import functools
import os
import socket
import time
from pathlib import Path

import optuna
import psutil
from optuna.storages import JournalStorage, RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from glass_lightning.progress import progress_bar
from glass_lightning.sweep.objective import WORKER_ATTR, run_trial
from glass_lightning.sweep.spec import PRUNERS, SAMPLERS, SweepSpec, build

HEARTBEAT_SECONDS = 30
GRACE_SECONDS = 120
RESULT_STATES = (TrialState.COMPLETE, TrialState.PRUNED)
MAX_FAILURES_WITHOUT_N_TRIALS = 10  # a worker of a timeout-only sweep stops after this many failed trials


def storage_of(spec: SweepSpec) -> optuna.storages.BaseStorage:
    """A journal file (one machine, several processes) or an SQLAlchemy URL (several machines).

    With a database, Optuna's heartbeat fails trials whose worker stopped beating and retries them."""
    if "://" in spec.storage:
        retry = RetryHeartbeatStaleTrialCallback(max_retry=spec.max_retry)
        heartbeat = {"heartbeat_interval": HEARTBEAT_SECONDS, "grace_period": GRACE_SECONDS}
        return RDBStorage(spec.storage, heartbeat_stale_trial_callback=retry, **heartbeat)
    Path(spec.storage).parent.mkdir(parents=True, exist_ok=True)
    return JournalStorage(JournalFileBackend(spec.storage))


def open_study(spec: SweepSpec) -> optuna.Study:
    """Create the study, or load it when the storage already holds it (resuming)."""
    return optuna.create_study(
        study_name=spec.study_name,
        storage=storage_of(spec),
        sampler=build(spec.sampler, SAMPLERS),
        pruner=build(spec.pruner, PRUNERS),
        direction="maximize",
        load_if_exists=True,
    )


def fail_dead_trials(study: optuna.Study, max_retry: int) -> list[int]:
    """Mark failed the running trials whose worker on this machine no longer exists, and retry them
    (the journal storage has no heartbeat; a database's heartbeat covers the other machines)."""
    host = socket.gethostname()
    retry = RetryHeartbeatStaleTrialCallback(max_retry=max_retry)
    failed = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        worker_host, _, pid = str(trial.user_attrs.get(WORKER_ATTR, "")).rpartition(":")
        if worker_host == host and pid.isdigit() and not psutil.pid_exists(int(pid)):
            study.tell(trial.number, state=TrialState.FAIL, skip_if_finished=True)
            retry(study, study.trials[trial.number])
            failed.append(trial.number)
    return failed


def results(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=RESULT_STATES))


def trials_left(spec: SweepSpec, study: optuna.Study) -> bool:
    if spec.n_trials is None:
        return True
    counted = study.get_trials(deepcopy=False, states=(*RESULT_STATES, TrialState.RUNNING))
    return len(counted) < spec.n_trials


def run_worker(spec: SweepSpec, parent_run_id: str) -> None:
    """Run trials until the study holds ``n_trials`` results, the time is up, or as many trials
    failed here as the sweep asks for results (a broken config should not loop forever)."""
    study = open_study(spec)
    objective = functools.partial(run_trial, spec, parent_run_id)
    started, failures = time.monotonic(), 0
    limit = spec.n_trials or MAX_FAILURES_WITHOUT_N_TRIALS
    description = f"{spec.study_name} [worker {os.getpid()}]"
    progress = progress_bar(total=spec.n_trials, initial=results(study), desc=description, unit="result")
    while trials_left(spec, study) and failures < limit:
        remaining = None if spec.timeout is None else spec.timeout - (time.monotonic() - started)
        if remaining is not None and remaining <= 0:
            break
        before = len(study.get_trials(deepcopy=False, states=(TrialState.FAIL,)))
        study.optimize(objective, n_trials=1, timeout=remaining, catch=(Exception,))
        failures += len(study.get_trials(deepcopy=False, states=(TrialState.FAIL,))) > before
        progress.update(results(study) - progress.n)
    progress.close()
