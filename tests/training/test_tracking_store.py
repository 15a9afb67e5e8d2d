"""Several processes that start together on one MLflow store: every one's run is recorded.

MLflow creates and migrates a new sqlite store when a client first opens it; two processes doing it
at once used to collide (``CircularDependencyError``, alembic ``CommandError``), and two creating the
same experiment at once (on a new store or an existing one) hit its unique name. Each writer is a
process of its own (``store_writer.py``) that waits on a start file, so that all of them start together.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow import MlflowClient

from glass_lightning.training.tracking import (
    EXPERIMENT_KIND_TAG,
    MODEL_TRAINING,
    GlassMLFlowLogger,
    default_artifact_location,
    ensure_experiment,
    open_store,
    store_lock_file,
    tracking_uri_in,
)

WRITER = Path(__file__).with_name("store_writer.py")
EXPERIMENT = "race"
READY_SECONDS = 300


def start_writers(directory: Path, tracking_uri: str, count: int, open_first: bool = False) -> list[subprocess.Popen]:
    """``count`` writers on ``tracking_uri``, released together once all of them are ready (have opened the
    store, with ``open_first``)."""
    ready = [directory / f"ready-{index}" for index in range(count)]
    start = directory / "start"
    mode = ["open-first"] if open_first else []
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), tracking_uri, EXPERIMENT, str(index), str(ready[index]), str(start), *mode],
            cwd=directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for index in range(count)
    ]
    deadline = time.monotonic() + READY_SECONDS
    while not all(path.exists() for path in ready):
        if time.monotonic() > deadline or any(writer.poll() is not None for writer in writers):
            break  # the writers' exit codes and output tell what went wrong
        time.sleep(0.05)
    start.touch()
    return writers


def test_the_store_lock_lies_beside_the_database(tmp_path):
    assert store_lock_file(tracking_uri_in(tmp_path)) == tmp_path / "mlruns" / "mlflow.db.lock"
    assert store_lock_file("http://localhost:5000") is None  # a tracking server serializes its own writes


def test_a_new_store_is_created_on_first_open_and_its_experiment_found_again(tmp_path):
    tracking_uri = tracking_uri_in(tmp_path)
    client = open_store(tracking_uri)
    assert (tmp_path / "mlruns" / "mlflow.db").is_file()
    experiment_id = ensure_experiment(tracking_uri, EXPERIMENT)
    assert ensure_experiment(tracking_uri, EXPERIMENT) == experiment_id
    assert client.get_experiment(experiment_id).tags[EXPERIMENT_KIND_TAG] == MODEL_TRAINING


def assert_every_writer_recorded_its_run(tracking_uri: str, writers: list[subprocess.Popen]) -> None:
    """Every writer exited cleanly, and the experiment holds each one's finished run with its param and metric."""
    outputs = [writer.communicate(timeout=READY_SECONDS)[0] for writer in writers]
    failed = {
        index: output[-3000:] for index, (writer, output) in enumerate(zip(writers, outputs)) if writer.returncode
    }
    assert not failed, "\n\n".join(f"writer {index}:\n{output}" for index, output in failed.items())

    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    assert sorted(run.info.run_name for run in runs) == sorted(f"writer-{index}" for index in range(len(writers)))
    for run in runs:
        index = int(run.info.run_name.removeprefix("writer-"))
        assert run.info.status == "FINISHED", run.info.run_name
        assert run.data.metrics == {"score": float(index)}, run.info.run_name
        assert run.data.params == {"index": str(index)}, run.info.run_name


@pytest.mark.slow  # a process per writer, each importing Lightning and MLflow
@pytest.mark.parametrize("count", [2, 4, 8])
def test_writers_starting_together_on_a_fresh_store_all_record_their_runs(tmp_path, count):
    tracking_uri = tracking_uri_in(tmp_path)
    assert_every_writer_recorded_its_run(tracking_uri, start_writers(tmp_path, tracking_uri, count))


@pytest.mark.slow
def test_writers_starting_together_on_an_existing_store_create_their_experiment_once(tmp_path):
    tracking_uri = tracking_uri_in(tmp_path)
    open_store(tracking_uri)  # the store exists, the experiment does not
    assert_every_writer_recorded_its_run(tracking_uri, start_writers(tmp_path, tracking_uri, 4, open_first=True))


def test_a_logger_that_names_no_store_logs_to_mlflow_tracking_uri(tmp_path, monkeypatch):
    """`lightning fit` with the default logger, $MLFLOW_TRACKING_URI set: the run goes to that store, its artifacts
    beside its database; a tracking server (not sqlite) would place them itself."""
    tracking_uri = tracking_uri_in(tmp_path / "shared")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    logger = GlassMLFlowLogger(experiment_name=EXPERIMENT)
    logger.log_metrics({"loss": 1.0}, step=0)
    (run,) = MlflowClient(tracking_uri).search_runs([logger.experiment_id])
    assert run.data.metrics["loss"] == 1.0
    assert (tmp_path / "shared" / "mlruns" / "mlflow.db").is_file()
    location = MlflowClient(tracking_uri).get_experiment(logger.experiment_id).artifact_location
    assert Path(location.removeprefix("file://")) == (tmp_path / "shared" / "mlruns" / EXPERIMENT).resolve()
    assert default_artifact_location("http://localhost:5000", EXPERIMENT) is None
