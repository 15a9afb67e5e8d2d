"""``glass-lightning curves``: learning curves of fits from the MLflow store, as one figure.

    glass-lightning curves --runs RUN_ID... --output curves.png
        [--metrics train/pearson_per_configuration_A_mean val/pearson_per_configuration_A_mean]

Every metric is drawn against the epoch it was logged in; runs are named by their MLflow run name
(and the first characters of their id when two share a name).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlflow import MlflowClient

from glass_lightning.training.plots import plot_learning_curves
from glass_lightning.training.tracking import DEFAULT_TRACKING_URI, open_store

DEFAULT_METRICS = ("train/pearson_per_configuration_A_mean", "val/pearson_per_configuration_A_mean")


def epoch_history(client: MlflowClient, run_id: str, metric: str) -> list[tuple[int, float]]:
    """(epoch, value) of ``metric``: its logged steps mapped to the epoch logged at the same step."""
    epoch_at_step = {point.step: int(point.value) for point in client.get_metric_history(run_id, "epoch")}
    points = sorted(client.get_metric_history(run_id, metric), key=lambda point: point.step)
    return [(epoch_at_step.get(point.step, index), point.value) for index, point in enumerate(points)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="glass-lightning curves", description="Learning curves of MLflow runs in one figure."
    )
    parser.add_argument("--runs", nargs="+", required=True, metavar="RUN_ID")
    parser.add_argument("--metrics", nargs="+", default=list(DEFAULT_METRICS))
    parser.add_argument("--output", required=True, type=Path, help="PNG file to write")
    parser.add_argument("--tracking-uri", default=DEFAULT_TRACKING_URI)
    arguments = parser.parse_args(argv)
    client = open_store(arguments.tracking_uri)
    curves = {}
    for run_id in arguments.runs:
        run = client.get_run(run_id)
        histories = {metric: epoch_history(client, run_id, metric) for metric in arguments.metrics}
        missing = [metric for metric, points in histories.items() if not points]
        if len(missing) == len(histories):
            print(f"glass-lightning curves: run {run_id} logged none of {arguments.metrics}", file=sys.stderr)
            return 1
        name = run.info.run_name if run.info.run_name not in curves else f"{run.info.run_name} {run_id[:6]}"
        curves[name] = histories
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    plot_learning_curves(curves, arguments.output, "Pearson per configuration (type A)")
    print(f"wrote {arguments.output}")
    return 0
