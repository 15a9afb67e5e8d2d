"""What an experiment keeps of each fit and analysis: a JSON record on disk (so a re-run resumes)
and the same scores as metrics of an MLflow run (so every reported number is traceable)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.experiments.evaluation import TemperatureScore
from glass_lightning.training.callbacks import temperature_metrics


def read_record(path: Path) -> dict:
    return json.loads(path.read_text())


def write_record(path: Path, record: dict) -> None:
    """Write atomically: a killed run never leaves half a record."""
    write_text_atomically(path, json.dumps(record, indent=1))


def scores_record(scores: dict[float, TemperatureScore]) -> dict[str, dict]:
    """The ``scores`` entry of a record: temperature ("0.64") -> times, tau_alpha, correlations."""
    return {f"{temperature:g}": result.as_record() for temperature, result in scores.items()}


def score_metrics(scores: dict[float, TemperatureScore]) -> dict[str, float]:
    """MLflow metric name -> value: ``eval/T{T}/pearson[_per_configuration]_{type}_t{k}``."""
    pooled = {temperature: result.pooled for temperature, result in scores.items()}
    per_configuration = {temperature: result.per_configuration for temperature, result in scores.items()}
    return temperature_metrics("eval", {"pearson": pooled, "pearson_per_configuration": per_configuration})


def log_to_run(tracking_uri: str, run_id: str, metrics: dict[str, float], params: dict[str, str] | None = None) -> None:
    """Log ``metrics`` (at step 0) and ``params`` to an MLflow run (MLflow splits them into requests)."""
    now = int(time.time() * 1000)
    entries = [Metric(key, value, now, 0) for key, value in metrics.items()]
    settings = [Param(key, value) for key, value in (params or {}).items()]
    MlflowClient(tracking_uri).log_batch(run_id, metrics=entries, params=settings)
