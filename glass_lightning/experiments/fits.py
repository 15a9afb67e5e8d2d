"""One fit of an experiment: train its config, test the best checkpoint at every temperature of
the dataset, log the scores to the fit's MLflow run, and keep a record (JSON) of it all.

A fit whose record exists is not run again, so re-running ``reproduce`` resumes; a fit killed
midway left no record and starts over in a clean directory.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from pathlib import Path

import torch

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.errors import GlassDataError
from glass_lightning.experiments.evaluation import evaluate
from glass_lightning.experiments.plan import TEMPERATURES, Fit
from glass_lightning.experiments.records import log_to_run, read_record, score_metrics, scores_record, write_record
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.models import count_parameters
from glass_lightning.sweep.training_config import get_path, with_values
from glass_lightning.training.cli import GlassLightningCLI

LOGGER = "glass_lightning.training.tracking.GlassMLFlowLogger"
_EVALUATION_SNAPSHOTS: dict[str, dict] = {}  # per process: data config -> test snapshots per temperature


def fit_directory(spec: ExperimentSpec, fit: Fit) -> Path:
    return spec.output_dir / "fits" / fit.key


def record_path(spec: ExperimentSpec, fit: Fit) -> Path:
    return spec.output_dir / "fits" / f"{fit.key}.json"


def best_checkpoint(spec: ExperimentSpec, fit: Fit) -> Path:
    return fit_directory(spec, fit) / "checkpoints" / "best.ckpt"


def runnable_config(spec: ExperimentSpec, fit: Fit) -> dict:
    """The fit's config with its MLflow run, its own directory and best checkpoint, and no extras."""
    directory = fit_directory(spec, fit)
    logger = {"experiment_name": spec.experiment_name, "run_name": fit.label, "tracking_uri": spec.tracking_uri, "log_model": False, "tags": {"reproduce.fit": fit.key}}
    return with_values(
        fit.config,
        {
            "trainer.logger": {"class_path": LOGGER, "init_args": logger},
            "trainer.default_root_dir": str(directory),
            "trainer.enable_progress_bar": False,
            "trainer.enable_model_summary": False,
            "checkpoint.dirpath": str(directory / "checkpoints"),
            "checkpoint.filename": "best",
            "resume_checkpoint": {"every_n_epochs": 0, "every_n_train_steps": 0},
            "test_after_fit": False,
        },
    )


def evaluation_snapshots(data_config: dict) -> dict[float, list]:
    """The test split of every temperature of the fit's dataset (read once per process)."""
    init_args = {key: value for key, value in data_config.get("init_args", {}).items() if key != "temperatures"}
    cache_key = json.dumps(init_args, sort_keys=True, default=str)
    if cache_key not in _EVALUATION_SNAPSHOTS:
        data = GlassDataModule(**init_args)
        grouped: dict[float, list] = {}
        for snapshot in data.split_snapshots("test"):
            grouped.setdefault(snapshot.temperature, []).append(snapshot)
        _EVALUATION_SNAPSHOTS[cache_key] = grouped
    return _EVALUATION_SNAPSHOTS[cache_key]


def run_fit(spec: ExperimentSpec, fit: Fit) -> dict:
    """Train, test at every temperature, log, and return (and keep) the fit's record."""
    path = record_path(spec, fit)
    if path.is_file():
        return read_record(path)
    shutil.rmtree(fit_directory(spec, fit), ignore_errors=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LightningCLI's args parameter is intended")
        cli = GlassLightningCLI(args=runnable_config(spec, fit), run=False)
    started = time.monotonic()
    cli.trainer.fit(cli.model, datamodule=cli.datamodule)
    seconds = time.monotonic() - started
    checkpoint = best_checkpoint(spec, fit)
    if not checkpoint.is_file():
        monitor = cli.trainer.checkpoint_callback.monitor
        raise GlassDataError(fit.label, "checkpoint.monitor", f"no best checkpoint was saved: {monitor} was never a finite value")
    cli.model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True)["state_dict"])
    data = cli.datamodule
    scores = evaluate(cli.model, data, evaluation_snapshots(fit.config["data"]))
    run_id = cli.trainer.logger.run_id
    parameters = count_parameters(cli.model.model)
    log_to_run(spec.tracking_uri, run_id, score_metrics(scores), {"reproduce.num_parameters": str(parameters), "reproduce.checkpoint": str(checkpoint)})
    record = {
        "key": fit.key,
        "label": fit.label,
        "run_id": run_id,
        "experiment": spec.experiment_name,
        "network": get_path(fit.config, "model.model.class_path"),
        "train_temperatures": get_path(fit.config, TEMPERATURES),
        "seed": fit.config.get("seed_everything"),
        "data": {"positions": data.positions, "cutoff": data.cutoff, "target": data.target, "num_types": data.num_types},
        "train_configurations": len(data.split_snapshots("train")),
        "num_parameters": parameters,
        "epochs": cli.trainer.current_epoch,
        "wall_seconds": round(seconds, 1),
        "checkpoint": str(checkpoint),
        "scores": scores_record(scores),
    }
    write_record(path, record)
    return record
