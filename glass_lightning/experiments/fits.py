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
from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.experiments.evaluation import TemperatureScore, evaluate
from glass_lightning.experiments.plan import TEMPERATURES, Fit
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.models import count_parameters
from glass_lightning.sweep.training_config import get_path, with_values
from glass_lightning.training.cli import GlassLightningCLI
from glass_lightning.training.metrics import type_name

LOGGER = "glass_lightning.training.tracking.GlassMLFlowLogger"
_TEST_SNAPSHOTS: dict[str, dict] = {}  # per process: data config -> test snapshots per temperature


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


def test_snapshots(data_config: dict) -> dict[float, list]:
    """The test split of every temperature of the fit's dataset (read once per process)."""
    init_args = {key: value for key, value in data_config.get("init_args", {}).items() if key != "temperatures"}
    cache_key = json.dumps(init_args, sort_keys=True, default=str)
    if cache_key not in _TEST_SNAPSHOTS:
        data = GlassDataModule(**init_args)
        grouped: dict[float, list] = {}
        for snapshot in data.split_snapshots("test"):
            grouped.setdefault(snapshot.temperature, []).append(snapshot)
        _TEST_SNAPSHOTS[cache_key] = grouped
    return _TEST_SNAPSHOTS[cache_key]


def score_metrics(scores: dict[float, TemperatureScore]) -> dict[str, float]:
    """MLflow metric name -> value: ``eval/T{T}/pearson[_per_configuration]_{type}_t{k}``."""
    metrics = {}
    for temperature, result in scores.items():
        for convention, values in (("pearson", result.pooled), ("pearson_per_configuration", result.per_configuration)):
            for label, row in enumerate(values):
                for index, value in enumerate(row):
                    if value == value:  # not NaN
                        metrics[f"eval/T{temperature:g}/{convention}_{type_name(label)}_t{index}"] = float(value)
    return metrics


def log_to_run(spec: ExperimentSpec, run_id: str, metrics: dict[str, float], params: dict[str, str]) -> None:
    client = MlflowClient(spec.tracking_uri)
    now = int(time.time() * 1000)
    entries = [Metric(key, value, now, 0) for key, value in metrics.items()]
    for start in range(0, len(entries), 500):  # MLflow's batch limit is 1000 metrics
        client.log_batch(run_id, metrics=entries[start : start + 500])
    client.log_batch(run_id, params=[Param(key, value) for key, value in params.items()])


def write_record(path: Path, record: dict) -> None:
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, indent=1))
    temporary.replace(path)


def run_fit(spec: ExperimentSpec, fit: Fit) -> dict:
    """Train, test at every temperature, log, and return (and keep) the fit's record."""
    path = record_path(spec, fit)
    if path.is_file():
        return json.loads(path.read_text())
    shutil.rmtree(fit_directory(spec, fit), ignore_errors=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LightningCLI's args parameter is intended")
        cli = GlassLightningCLI(args=runnable_config(spec, fit), run=False)
    started = time.monotonic()
    cli.trainer.fit(cli.model, datamodule=cli.datamodule)
    seconds = time.monotonic() - started
    checkpoint = best_checkpoint(spec, fit)
    cli.model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True)["state_dict"])
    scores = evaluate(cli.model, cli.datamodule, test_snapshots(fit.config["data"]))
    run_id = cli.trainer.logger.run_id
    parameters = count_parameters(cli.model.model)
    log_to_run(spec, run_id, score_metrics(scores), {"reproduce.num_parameters": str(parameters), "reproduce.checkpoint": str(checkpoint)})
    record = {
        "key": fit.key,
        "label": fit.label,
        "run_id": run_id,
        "experiment": spec.experiment_name,
        "network": get_path(fit.config, "model.model.class_path"),
        "train_temperatures": get_path(fit.config, TEMPERATURES),
        "seed": fit.config.get("seed_everything"),
        "train_configurations": len(cli.datamodule.split_snapshots("train")),
        "num_parameters": parameters,
        "epochs": cli.trainer.current_epoch,
        "wall_seconds": round(seconds, 1),
        "checkpoint": str(checkpoint),
        "scores": {f"{temperature:g}": result.as_record() for temperature, result in scores.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_record(path, record)
    return record
