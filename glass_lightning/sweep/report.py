"""The study's parent MLflow run and its end-of-sweep artifacts: best config and plots."""

from __future__ import annotations

from pathlib import Path

import optuna
from optuna.trial import TrialState

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.sweep.plots import study_plots
from glass_lightning.sweep.spec import SweepSpec
from glass_lightning.sweep.trial_config import best_config
from glass_lightning.training.tracking import log_to_run, open_store, start_run

PARENT_RUN_ATTR = "mlflow_parent_run_id"


def parent_run(spec: SweepSpec, study: optuna.Study) -> str:
    """The study's MLflow run: created on the first start, reopened when the study resumes."""
    known = study.user_attrs.get(PARENT_RUN_ATTR)
    client = open_store(spec.tracking_uri)
    if known:
        client.update_run(known, status="RUNNING")
        return known
    run_id = start_run(spec.tracking_uri, spec.experiment_name, spec.study_name, {"optuna.study": spec.study_name})
    client.log_artifact(run_id, spec.source)
    space = {f"space.{parameter.name}": parameter for parameter in spec.parameters}
    log_to_run(spec.tracking_uri, run_id, params=space | {"objective": spec.objective})
    study.set_user_attr(PARENT_RUN_ATTR, run_id)
    return run_id


def state_counts(study: optuna.Study) -> dict[str, int]:
    trials = study.get_trials(deepcopy=False)
    return {state.name.lower(): sum(trial.state == state for trial in trials) for state in TrialState}


def finish_study(spec: SweepSpec, study: optuna.Study, run_id: str) -> Path | None:
    """Log the counts, best trial, best config and plots to the parent run; return the best config."""
    client = open_store(spec.tracking_uri)
    counts = state_counts(study)
    log_to_run(spec.tracking_uri, run_id, {f"trials_{state}": count for state, count in counts.items()})
    plots, skipped = study_plots(study, spec.output_dir / "plots")
    for path in plots:
        client.log_artifact(run_id, str(path), "plots")
    for reason in skipped:
        print(f"sweep: plot skipped: {reason}")
    if not counts["complete"]:
        client.set_terminated(run_id, "FAILED")
        return None
    best = study.best_trial
    tags = {"best_trial": best.number} | {f"best.{name}": value for name, value in best.params.items()}
    log_to_run(
        spec.tracking_uri, run_id, {"best_objective": best.value}, tags=tags
    )  # tags: a resumed study may change its best
    overrides = ", ".join(f"{key}={value}" for key, value in spec.overrides.items()) or "none"
    header = (
        f"Best trial {best.number} of sweep {spec.study_name!r} ({spec.objective} = {best.value:.4f}), as the trial ran it\n"
        f"(the sweep's overrides included: {overrides}); lengthen trainer.max_epochs for a full training.\n"
        f"Train it: lightning fit --config {spec.output_dir / 'best.yaml'}"
    )
    path = write_text_atomically(spec.output_dir / "best.yaml", best_config(spec, best.params, header))
    client.log_artifact(run_id, str(path))
    client.set_terminated(run_id, "FINISHED")
    return path
