"""What an experiment keeps of each fit and analysis: a JSON record on disk (so a re-run resumes)
and the same scores as metrics of an MLflow run (so every reported number is traceable)."""

from __future__ import annotations

import json
from pathlib import Path

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.experiments.evaluation import TemperatureScore
from glass_lightning.experiments.scores import temperature_key
from glass_lightning.training.callbacks import temperature_metrics


def read_record(path: Path) -> dict:
    return json.loads(path.read_text())


def write_record(path: Path, record: dict) -> None:
    """Write atomically: a killed run never leaves half a record."""
    write_text_atomically(path, json.dumps(record, indent=1))


def scores_record(scores: dict[float, TemperatureScore]) -> dict[str, dict]:
    """The ``scores`` entry of a record: temperature ("0.64") -> times, tau_alpha, correlations."""
    return {temperature_key(temperature): result.as_record() for temperature, result in scores.items()}


def evaluated_files_record(snapshots: dict[float, list]) -> dict[str, list[str]]:
    """The ``evaluated_files`` entry of a record: temperature ("0.64") -> the files scored there."""
    return {
        temperature_key(temperature): [snapshot.source for snapshot in group]
        for temperature, group in snapshots.items()
    }


def score_metrics(scores: dict[float, TemperatureScore]) -> dict[str, float]:
    """MLflow metric name -> value: ``eval/T{T}/pearson[_per_configuration]_{type}_t{k}``."""
    pooled = {temperature: result.pooled for temperature, result in scores.items()}
    per_configuration = {temperature: result.per_configuration for temperature, result in scores.items()}
    return temperature_metrics("eval", {"pearson": pooled, "pearson_per_configuration": per_configuration})
