"""One fit of an experiment: train its config, test the best checkpoint at every temperature of
the dataset (on the experiment's ``evaluation_split`` of the fit's own data config), log the scores
to the fit's MLflow run, and keep a record (JSON) of it all, with the files it trained and was scored on.

A fit whose record exists is read back, not run again (``runner.run_fits``), so re-running
``reproduce`` resumes; a fit killed midway left no record and starts over in a clean directory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from glass_lightning.command_files import require
from glass_lightning.experiments.dataset import evaluation_snapshots
from glass_lightning.experiments.evaluation import evaluate
from glass_lightning.experiments.plan import TEMPERATURES, Fit
from glass_lightning.experiments.records import evaluated_files_record, score_metrics, scores_record, write_record
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.models import count_parameters
from glass_lightning.training.run import RunLog, fit
from glass_lightning.training.tracking import log_to_run


def record_path(spec: ExperimentSpec, planned: Fit) -> Path:
    return spec.output_dir / "fits" / f"{planned.key}.json"


def run_fit(spec: ExperimentSpec, planned: Fit) -> dict:
    """Train, test at every temperature, log, and return (and keep) the fit's record."""
    directory = spec.output_dir / "fits" / planned.key
    shutil.rmtree(directory, ignore_errors=True)
    run_log = RunLog(spec.experiment_name, spec.tracking_uri, planned.label, tags={"reproduce.fit": planned.key})
    result = fit(planned.arguments, run_log, directory)
    model, data = result.cli.model, result.cli.datamodule
    problem = f"no best checkpoint was saved: {result.cli.trainer.checkpoint_callback.monitor} was never a finite value"
    require(planned.label, "checkpoint.monitor", result.best_checkpoint is not None, problem)
    scored = evaluation_snapshots(planned.config.data.as_dict(), spec.evaluation_split)
    scores = evaluate(str(result.best_checkpoint), scored)
    parameters = count_parameters(model.model)
    params = {"reproduce.num_parameters": str(parameters), "reproduce.checkpoint": str(result.best_checkpoint)}
    log_to_run(spec.tracking_uri, result.run_id, score_metrics(scores), params)
    record = {
        "key": planned.key,
        "label": planned.label,
        "run_id": result.run_id,
        "experiment": spec.experiment_name,
        "network": planned.config.model.model.class_path,
        "train_temperatures": planned.config.get(TEMPERATURES),
        "seed": planned.config.seed_everything,
        "data": {name: getattr(data, name) for name in ("positions", "cutoff", "target", "num_types")},
        "train_configurations": len(data.split_snapshots("train")),
        "train_files": data.sources("train"),
        "evaluated_files": evaluated_files_record(scored),
        "num_parameters": parameters,
        "epochs": result.epochs,
        "wall_seconds": round(result.fit_seconds, 1),
        "checkpoint": str(result.best_checkpoint),
        "scores": scores_record(scores),
    }
    write_record(record_path(spec, planned), record)
    return record
