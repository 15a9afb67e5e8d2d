"""``glass-lightning sweep --config sweeps/X.yaml [--workers K]``: run (or resume) a sweep.

The sweep file is checked first (nothing trains on a bad one); then the data is read once, the
study opened (created, or resumed: trials left running by a dead worker here are failed and
retried), the MLflow parent run opened, and K worker processes run trials until the study holds
``n_trials`` results. Starting the same command on another machine with the same database
storage joins the study. At the end the best config and the plots are written and logged.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from glass_lightning.command_files import file_command_parser, require, run_file_command

if TYPE_CHECKING:
    from glass_lightning.sweep.spec import SweepSpec


def check_objective_against_data(spec: SweepSpec) -> None:
    """Read the data at the sweep's cutoff (fails early on a cutoff the box cannot hold) and check
    that the objective names a species and a timescale the data has."""
    from glass_lightning.data.snapshot import type_name
    from glass_lightning.sweep.shared_data import worker_data
    from glass_lightning.sweep.spec import OBJECTIVE
    from glass_lightning.sweep.trial_config import graph_data

    data = worker_data(graph_data(spec, {}))
    match = OBJECTIVE.match(spec.objective)
    species = [type_name(label) for label in range(data.num_types)]
    timescale = None if match["timescale"] is None else int(match["timescale"])
    ok = match["type"] in species and (timescale is None or timescale < data.num_timescales)
    problem = f"{spec.objective!r}: the data has {data.num_types} species and {data.num_timescales} timescales"
    require(spec.source, "objective", ok, problem)


def run_sweep(config: str, workers: int | None = None, settings: dict | None = None) -> SweepSpec:
    # Optuna, MLflow and Lightning, once the sweep runs
    from glass_lightning.sweep.report import finish_study, parent_run, state_counts
    from glass_lightning.sweep.spec import load_sweep
    from glass_lightning.sweep.study import fail_dead_trials, open_study, run_worker
    from glass_lightning.worker_pool import independent_processes

    spec = load_sweep(config, settings, workers)
    check_objective_against_data(spec)
    study = open_study(spec)
    retried = fail_dead_trials(study, spec.max_retry)
    if retried:
        print(f"sweep: trials {retried} were left running by a dead worker: marked failed and retried")
    if not study.trials:
        for params in spec.enqueue:
            study.enqueue_trial(params)
    run_id = parent_run(spec, study)
    started = time.monotonic()
    if spec.workers == 1:
        run_worker(spec, run_id)
    else:
        for code in filter(None, independent_processes(spec.workers, run_worker, spec, run_id)):
            # the others went on; its running trial is failed and retried when the sweep is run again
            print(f"sweep: a worker process ended with exit code {code}", file=sys.stderr)
    best = finish_study(spec, study, run_id)
    counts = {state: count for state, count in state_counts(study).items() if count}
    print(f"sweep {spec.study_name}: {counts} in {time.monotonic() - started:.0f} s with {spec.workers} worker(s)")
    if best is not None:
        print(
            f"best trial {study.best_trial.number}: {spec.objective} = {study.best_value:.4f} with {study.best_params}"
        )
        print(f"best config: {best}  (train it: lightning fit --config {best})")
    return spec


def parser() -> argparse.ArgumentParser:
    workers_help = "worker processes on this machine (default: the sweep file's, else 1)"
    return file_command_parser("sweep", "sweep", workers_help, __doc__.split("\n\n")[1])


def main(argv: list[str]) -> int:
    command = parser()
    return run_file_command(command, command.parse_args(argv), run_sweep)
