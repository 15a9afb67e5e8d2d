"""The links that open ``make ui`` in MLflow's training view: ``python -m glass_lightning.training.ui_links``.

MLflow 3.17's UI shows every page in one of two views, GenAI (traces, token usage; a run's page titled
"Evaluations") or model training (the runs table). Which one comes from the page's ``workflowType``
URL parameter, else from the browser's saved choice (``localStorage`` key ``mlflow.workflowType``),
which is GenAI until the user clicks "Model training" in the UI's top left toggle; an experiment's
``mlflow.experimentKind`` tag does not decide it. So the links printed here carry
``workflowType=machine_learning``: the experiments list and each experiment's runs table.
"""

from __future__ import annotations

import argparse

from glass_lightning.training.tracking import DEFAULT_TRACKING_URI, SQLITE_PREFIX, open_store, sqlite_database

TRAINING_VIEW = "workflowType=machine_learning"
DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_EXPERIMENT = "0"  # MLflow's "Default", which the project's fits never log to


def experiments_link(url: str) -> str:
    return f"{url}/#/experiments?{TRAINING_VIEW}"


def runs_link(url: str, experiment_id: str) -> str:
    return f"{url}/#/experiments/{experiment_id}/runs?{TRAINING_VIEW}"


def experiment_links(tracking_uri: str, url: str) -> list[tuple[str, str]]:
    """(name, runs table link) of every experiment of the store but MLflow's empty ``Default``; none when the
    store does not exist yet."""
    if tracking_uri.startswith(SQLITE_PREFIX) and not sqlite_database(tracking_uri).is_file():
        return []
    client = open_store(tracking_uri)
    return [
        (experiment.name, runs_link(url, experiment.experiment_id))
        for experiment in client.search_experiments()
        if experiment.experiment_id != DEFAULT_EXPERIMENT or client.search_runs([DEFAULT_EXPERIMENT], max_results=1)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Links to MLflow's training view of the project's store.")
    parser.add_argument("--tracking-uri", default=DEFAULT_TRACKING_URI)
    parser.add_argument("--url", default=DEFAULT_URL, help="where the MLflow UI listens")
    arguments = parser.parse_args(argv)
    links = [("all experiments", experiments_link(arguments.url))]
    links += experiment_links(arguments.tracking_uri, arguments.url)
    width = max(len(name) for name, _ in links)
    print("MLflow UI, training view (runs tables; without workflowType=machine_learning MLflow opens its GenAI view):")
    for name, link in links:
        print(f"  {name:<{width}}  {link}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
