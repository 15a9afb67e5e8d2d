"""``glass-lightning curves``: learning curves of fits from the MLflow store, as one figure.

    glass-lightning curves --runs RUN_ID... --output curves.png
        [--metrics train/pearson_per_configuration_A_mean val/pearson_per_configuration_A_mean]
        [--tracking-uri URI]

Every metric is drawn against the epoch it was logged in; runs are named by their MLflow run name
(and the first characters of their id when two share a name). A run is given by its id or by its
first 6 or more characters. The store is ``--tracking-uri``, else ``$MLFLOW_TRACKING_URI``, else the
project's (``mlruns/mlflow.db`` of the working directory); a store that does not exist is refused,
not created. Every fit draws its own curves into its run as well (``fit_report.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from glass_lightning.command_parser import command_parser
from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    from mlflow import MlflowClient

DEFAULT_METRICS = ("train/pearson_per_configuration_A_mean", "val/pearson_per_configuration_A_mean")
Y_LABEL = "Pearson per configuration (type A)"


def epoch_history(client: MlflowClient, run_id: str, metric: str) -> list[tuple[int, float]]:
    """(epoch, value) of ``metric``: its logged steps mapped to the epoch logged at the same step."""
    epoch_at_step = {point.step: int(point.value) for point in client.get_metric_history(run_id, "epoch")}
    points = sorted(client.get_metric_history(run_id, metric), key=lambda point: point.step)
    return [(epoch_at_step.get(point.step, index), point.value) for index, point in enumerate(points)]


def run_curves(client: MlflowClient, run_id: str, metrics: list[str]) -> dict[str, list[tuple[int, float]]]:
    """Metric name -> (epoch, value) points of one run."""
    return {metric: epoch_history(client, run_id, metric) for metric in metrics}


def parser() -> argparse.ArgumentParser:
    result = command_parser("curves")
    result.add_argument(
        "--runs", nargs="+", required=True, metavar="RUN_ID", help="run ids or their first 6+ characters"
    )
    result.add_argument("--metrics", nargs="+", default=list(DEFAULT_METRICS))
    result.add_argument("--output", required=True, type=Path, help="PNG file to write")
    result.add_argument(
        "--tracking-uri", default=None, help="the MLflow store (default: $MLFLOW_TRACKING_URI, else the project's)"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    # MLflow and matplotlib, once the command runs
    from glass_lightning.training.plots import plot_learning_curves
    from glass_lightning.training.run_lookup import find_run
    from glass_lightning.training.tracking import chosen_tracking_uri, open_existing_store

    client = open_existing_store(arguments.tracking_uri or chosen_tracking_uri())
    curves = {}
    for text in arguments.runs:
        run = find_run(client, text)
        histories = run_curves(client, run.info.run_id, arguments.metrics)
        if not any(histories.values()):
            problem = f"run {run.info.run_id} ({run.info.run_name}) logged none of {arguments.metrics}"
            raise GlassDataError("--metrics", "metrics", problem)
        name = run.info.run_name if run.info.run_name not in curves else f"{run.info.run_name} {run.info.run_id[:6]}"
        curves[name] = histories
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    plot_learning_curves(curves, arguments.output, Y_LABEL)
    print(f"wrote {arguments.output}")
    return 0
