"""A run of an MLflow store by its id or by the first characters of it (as the README prints ids: ``9c6434b5…``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities import Run

MIN_PREFIX = 6
SHOWN_MATCHES = 5
HEX = re.compile(r"[0-9a-f]+")


def find_run(client: MlflowClient, run_id: str) -> Run:
    """The run whose id is ``run_id`` or, for at least :data:`MIN_PREFIX` characters, the one run (in any
    experiment, deleted ones included) whose id starts with them; a missing or ambiguous id is one error."""
    from mlflow.entities import ViewType

    text = run_id.strip().rstrip("…").lower()
    if len(text) < MIN_PREFIX or not HEX.fullmatch(text):
        problem = f"expected a run id or its first {MIN_PREFIX} or more hexadecimal characters, got {run_id!r}"
        raise GlassDataError("--runs", "run_id", problem)
    experiments = [experiment.experiment_id for experiment in client.search_experiments(view_type=ViewType.ALL)]
    matches = client.search_runs(
        experiments, f"attributes.run_id LIKE '{text}%'", run_view_type=ViewType.ALL, max_results=SHOWN_MATCHES + 1
    )
    if not matches:
        raise GlassDataError("--runs", "run_id", f"no run of this store has an id starting with {text!r}")
    if len(matches) > 1:
        shown = ", ".join(f"{run.info.run_id} ({run.info.run_name})" for run in matches[:SHOWN_MATCHES])
        more = " and more" if len(matches) > SHOWN_MATCHES else ""
        problem = f"{text!r} starts the ids of several runs: {shown}{more}; give more characters"
        raise GlassDataError("--runs", "run_id", problem)
    return matches[0]
