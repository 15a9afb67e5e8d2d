"""What ``glass-lightning predict`` reports about the configurations whose files hold the truth.

Per file, the Pearson correlation of the prediction with the file's values, per type (A, B) and time,
next to the file's replica-noise ceiling where it tells (``data/noise_ceiling.py``); overall, per
temperature, the correlation pooled over the particles of every file and its mean over the files
(the two conventions of ``metrics.py``), next to the mean ceiling. :func:`report_table` is the table
printed on stdout, :func:`report_document` the same as one JSON-ready document (``--json``); files
without the truth at the model's times are counted once, not scored.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from glass_lightning.data.snapshot import SPECIES, type_name
from glass_lightning.training.metrics import pearson_per_temperature
from glass_lightning.training.prediction import Prediction

MISSING = "-"  # a value the data cannot give, in the table


@dataclass(frozen=True)
class OverallScore:
    """The scores of the files at one temperature, each (num_types, T), NaN where undefined."""

    temperature: float
    files: int
    times: np.ndarray
    pooled: np.ndarray
    mean_per_file: np.ndarray
    noise_ceiling: np.ndarray | None  # the mean over the files that tell


def scored(predictions: Sequence[Prediction]) -> list[Prediction]:
    """The predictions of configurations that hold the truth at the model's times."""
    return [prediction for prediction in predictions if prediction.target is not None]


def overall_scores(predictions: Sequence[Prediction]) -> list[OverallScore]:
    """One :class:`OverallScore` per temperature of the scored predictions, ascending."""
    chosen = scored(predictions)
    if not chosen:
        return []
    scores = pearson_per_temperature(
        torch.from_numpy(np.concatenate([prediction.prediction for prediction in chosen])),
        torch.from_numpy(np.concatenate([prediction.target for prediction in chosen])),
        torch.from_numpy(np.concatenate([prediction.types for prediction in chosen])),
        torch.cat([torch.full((len(p.types),), index, dtype=torch.int64) for index, p in enumerate(chosen)]),
        torch.tensor([prediction.temperature for prediction in chosen], dtype=torch.float64),
        len(SPECIES),
    )
    overall = []
    for temperature, (pooled, mean_per_file) in scores.items():
        group = [prediction for prediction in chosen if prediction.temperature == temperature]
        ceilings = [prediction.noise_ceiling for prediction in group if prediction.noise_ceiling is not None]
        overall.append(
            OverallScore(
                temperature=temperature,
                files=len(group),
                times=group[0].times,
                pooled=pooled,
                mean_per_file=mean_per_file,
                noise_ceiling=mean_ceiling(ceilings, pooled.shape),
            )
        )
    return overall


def mean_ceiling(ceilings: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray | None:
    """The mean of per-file ceilings (a file with fewer types than ``shape`` padded with NaN), or None."""
    if not ceilings:
        return None
    padded = np.full((len(ceilings), *shape), np.nan)
    for index, ceiling in enumerate(ceilings):
        padded[index, : ceiling.shape[0]] = ceiling
    with np.errstate(invalid="ignore"):
        return np.nanmean(padded, axis=0) if np.isfinite(padded).any() else None


def by_type(values: np.ndarray | None) -> dict[str, list[float | None]] | None:
    """(num_types, T) values as {type name: [value per time]}, NaN as None (JSON has no NaN)."""
    if values is None:
        return None
    return {type_name(label): [float(v) if np.isfinite(v) else None for v in row] for label, row in enumerate(values)}


def report_document(predictions: Sequence[Prediction]) -> dict:
    """The report as one JSON-ready document: ``files`` (scored), ``overall`` (per temperature),
    ``not_scored`` (the sources without the truth at the model's times)."""
    return {
        "quantity": predictions[0].quantity if predictions else None,
        "files": [
            {
                "source": prediction.source,
                "temperature": prediction.temperature,
                "times": prediction.times.tolist(),
                "pearson": by_type(prediction.pearson_by_type()),
                "noise_ceiling": by_type(prediction.noise_ceiling),
            }
            for prediction in scored(predictions)
        ],
        "overall": [
            {
                "temperature": score.temperature,
                "files": score.files,
                "times": score.times.tolist(),
                "pearson_pooled": by_type(score.pooled),
                "pearson_mean_per_file": by_type(score.mean_per_file),
                "noise_ceiling_mean": by_type(score.noise_ceiling),
            }
            for score in overall_scores(predictions)
        ],
        "not_scored": [prediction.source for prediction in predictions if prediction.target is None],
    }


def _number(value: float) -> str:
    return f"{value:.3f}" if np.isfinite(value) else MISSING


def _rows(name: str, temperature: float, times: np.ndarray, pearson: np.ndarray, ceiling: np.ndarray | None):
    """One table row per time: Pearson and ceiling of each type."""
    for k, time in enumerate(times):
        cells = []
        for label in range(len(SPECIES)):
            cells.append(_number(pearson[label, k]))
            cells.append(MISSING if ceiling is None or label >= len(ceiling) else _number(ceiling[label, k]))
        yield [name, f"{temperature:g}", f"{time:g}", *cells]


def short_names(sources: list[str]) -> list[str]:
    """The sources relative to their common folder (a file's name where there is one)."""
    folders = [Path(source).resolve().parent for source in sources]
    common = os.path.commonpath(folders) if folders else ""
    return [os.path.relpath(Path(source).resolve(), common) for source in sources]


def report_table(predictions: Sequence[Prediction]) -> str:
    """The report as a text table (see the module docstring), with one line on the files not scored."""
    unscored = len(predictions) - len(scored(predictions))
    quantity = predictions[0].quantity if predictions else "truth"
    skipped = f"{unscored} of {len(predictions)} file(s) hold no {quantity} at the model's times: predicted, not scored"
    if not scored(predictions):
        return skipped
    header = [
        "file",
        "T",
        "time",
        *(f"{c} {type_name(label)}" for label in range(len(SPECIES)) for c in ("r", "ceiling")),
    ]
    chosen = scored(predictions)
    names = short_names([prediction.source for prediction in chosen])
    rows = [
        row
        for name, prediction in zip(names, chosen)
        for row in _rows(
            name, prediction.temperature, prediction.times, prediction.pearson_by_type(), prediction.noise_ceiling
        )
    ]
    for score in overall_scores(predictions):
        files = f"all {score.files} file(s)"
        rows += _rows(f"{files}, pooled", score.temperature, score.times, score.pooled, None)
        rows += _rows(
            f"{files}, mean per file", score.temperature, score.times, score.mean_per_file, score.noise_ceiling
        )
    title = f"Pearson r of the predicted and the file's {quantity} per type; ceiling: the highest r its replica noise permits"
    return "\n".join([title, *aligned([header, *rows]), *([skipped] if unscored else [])])


def aligned(rows: list[list[str]]) -> list[str]:
    """The rows as lines of columns, the first left-aligned, the others right-aligned."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join([row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:]))]) for row in rows
    ]
