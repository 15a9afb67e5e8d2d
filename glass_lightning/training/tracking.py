"""MLflow tracking with the project's store layout: a sqlite database and its artifacts side by side.

The default store is ``sqlite:///mlruns/mlflow.db`` (relative to the working directory) with
each experiment's artifacts in ``mlruns/<experiment name>/``, which is what ``make ui`` serves.
Recent MLflow versions refuse ``file:`` tracking URIs, hence sqlite. Every experiment is tagged
as model training (``mlflow.experimentKind``); MLflow 3.17's UI picks its view from the URL or the
browser, not from that tag, so ``make ui`` prints links to its training view (``ui_links.py``).
Every command takes ``$MLFLOW_TRACKING_URI`` when set and no store is named (``lightning fit``'s logger, sweeps,
experiments, ``glass-lightning curves``); a store that is not sqlite (a tracking server) places its artifacts
itself. Commands that only read runs refuse a store that does not exist (:func:`open_existing_store`).

MLflow creates the tables of a new sqlite store and migrates them when a process first opens it;
two processes doing that at once collide, and two creating the same experiment at once hit its
unique name. So every client comes from :func:`open_store`, which opens the store under a file lock
beside the database (``mlflow.db.lock``), and experiments are created under that lock too.

MLflow itself is imported when a store is opened: a fit without a logger (``--trainer.logger false``)
runs where MLflow is not installed, as on a GPU node that has only its own stack (the device check).
"""

from __future__ import annotations

import contextlib
import os
import time
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from filelock import FileLock, Timeout
from lightning.fabric.utilities.logger import _convert_params, _flatten_dict
from lightning.pytorch import Trainer
from lightning.pytorch.loggers import MLFlowLogger
from lightning.pytorch.loggers.logger import rank_zero_experiment
from lightning.pytorch.utilities import rank_zero_only, rank_zero_warn

from glass_lightning.errors import GlassDataError
from glass_lightning.training.run_params import kept_params, param_value

if TYPE_CHECKING:
    from mlflow import MlflowClient

SQLITE_PREFIX = "sqlite:///"
STORE = Path("mlruns") / "mlflow.db"
EXPERIMENT_KIND_TAG = "mlflow.experimentKind"
MODEL_TRAINING = "custom_model_development"  # MLflow's kind for model training (its UI's view is chosen elsewhere)
TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI"  # MLflow's own: the store of every command that names none
LOCK_SECONDS = 300  # creating a store takes seconds; a lock held longer belongs to a stuck process

# the tracking URIs this process has opened under their store's lock (MLflow keeps the store of each)
_opened_stores: set[str] = set()


def tracking_uri_in(directory: str | os.PathLike = ".") -> str:
    """The tracking URI of the project's store layout under ``directory``."""
    return f"{SQLITE_PREFIX}{Path(directory) / STORE}"


DEFAULT_TRACKING_URI = tracking_uri_in()


def sqlite_database(tracking_uri: str) -> Path:
    """The database file of a ``sqlite:///`` tracking URI (relative, or absolute with four slashes)."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        raise GlassDataError(
            "trainer.logger", "tracking_uri", f"expected a {SQLITE_PREFIX}PATH URI, got {tracking_uri!r}"
        )
    return Path(tracking_uri[len(SQLITE_PREFIX) :])


def default_artifact_location(tracking_uri: str, experiment_name: str) -> str | None:
    """``<directory of the database>/<experiment name>`` for a sqlite store, creating the database's directory;
    None for another store (a tracking server places its artifacts itself)."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        return None
    database = sqlite_database(tracking_uri)
    database.parent.mkdir(parents=True, exist_ok=True)
    return str((database.parent / experiment_name).resolve())


def store_lock_file(tracking_uri: str) -> Path | None:
    """The lock file beside a sqlite store's database (``mlflow.db.lock``); None for other stores (a server)."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        return None
    database = sqlite_database(tracking_uri)
    return database.with_name(f"{database.name}.lock")


@contextlib.contextmanager
def store_lock(tracking_uri: str) -> Iterator[None]:
    """Hold the store's file lock (creating its directory); reentrant within a thread, a no-op for servers."""
    path = store_lock_file(tracking_uri)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=LOCK_SECONDS, is_singleton=True)  # one instance per file: nested holds count
    try:
        lock.acquire()
    except Timeout as error:
        problem = f"its lock {path} stayed taken for {LOCK_SECONDS} s; is another process stuck on the store?"
        raise GlassDataError("trainer.logger", "tracking_uri", problem) from error
    try:
        yield
    finally:
        lock.release()


def open_store(tracking_uri: str) -> MlflowClient:
    """A client of the store at ``tracking_uri``; a new sqlite store is created (tables, migrations) safely.

    The first open of a store in each process takes the store's lock, so only one process at a time
    creates or checks it. MLflow keeps the opened store for the rest of the process, so later opens
    neither lock nor check again."""
    from mlflow import MlflowClient

    if tracking_uri in _opened_stores:
        return MlflowClient(tracking_uri)
    with store_lock(tracking_uri):
        client = MlflowClient(tracking_uri)
        client.search_experiments(max_results=1)  # the store is built by now, whether MLflow builds it eagerly or not
    _opened_stores.add(tracking_uri)
    return client


def chosen_tracking_uri() -> str:
    """``$MLFLOW_TRACKING_URI`` when set, else the project's store (:data:`DEFAULT_TRACKING_URI`)."""
    return os.environ.get(TRACKING_URI_VARIABLE) or DEFAULT_TRACKING_URI


def open_existing_store(tracking_uri: str) -> MlflowClient:
    """A client of a store that exists already: a ``sqlite:///`` URI without its database is refused in one
    line, and nothing is created (:func:`open_store` would create an empty store)."""
    if tracking_uri.startswith(SQLITE_PREFIX) and not sqlite_database(tracking_uri).is_file():
        problem = (
            f"no MLflow store here ({sqlite_database(tracking_uri)} does not exist); run in the project folder, "
            f"or name the store with {TRACKING_URI_VARIABLE} or --tracking-uri"
        )
        raise GlassDataError(tracking_uri, "tracking_uri", problem)
    return open_store(tracking_uri)


def _create_experiment(client: MlflowClient, tracking_uri: str, experiment_name: str, location: str | None) -> str:
    """The id of ``experiment_name``, created (tagged as model training) unless another process just did."""
    with store_lock(tracking_uri):
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        location = location or default_artifact_location(tracking_uri, experiment_name)
        tags = {EXPERIMENT_KIND_TAG: MODEL_TRAINING}
        return client.create_experiment(experiment_name, artifact_location=location, tags=tags)


def ensure_experiment(tracking_uri: str, experiment_name: str, artifact_location: str | None = None) -> str:
    """Create the store and the experiment, tagged as model training, unless it exists (then tag it); return its id.

    Safe in processes that start together: a missing experiment is created under the store's lock.
    ``artifact_location`` defaults to the store's layout."""
    client = open_store(tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        return _create_experiment(client, tracking_uri, experiment_name, artifact_location)
    if experiment.tags.get(EXPERIMENT_KIND_TAG) != MODEL_TRAINING:
        client.set_experiment_tag(experiment.experiment_id, EXPERIMENT_KIND_TAG, MODEL_TRAINING)
    return experiment.experiment_id


def start_run(tracking_uri: str, experiment_name: str, run_name: str, tags: dict[str, str] | None = None) -> str:
    """A new run of the experiment (created if need be); its id. It stays RUNNING until ``set_terminated``."""
    experiment_id = ensure_experiment(tracking_uri, experiment_name)
    return open_store(tracking_uri).create_run(experiment_id, run_name=run_name, tags=tags).info.run_id


def log_to_run(
    tracking_uri: str,
    run_id: str,
    metrics: dict[str, float] | None = None,
    params: dict | None = None,
    tags: dict | None = None,
) -> None:
    """Log ``metrics`` (at step 0), ``params`` and ``tags`` to an MLflow run in one request (MLflow splits large ones)."""
    from mlflow.entities import Metric, Param, RunTag

    now = int(time.time() * 1000)
    open_store(tracking_uri).log_batch(
        run_id,
        metrics=[Metric(key, value, now, 0) for key, value in (metrics or {}).items()],
        params=[Param(key, str(value)) for key, value in (params or {}).items()],
        tags=[RunTag(key, str(value)) for key, value in (tags or {}).items()],
    )


def mlflow_loggers(trainer: Trainer) -> list[MLFlowLogger]:
    """The trainer's MLflow loggers (none under ``fast_dev_run``, whose loggers are dummies)."""
    return [logger for logger in trainer.loggers if isinstance(logger, MLFlowLogger)]


class GlassMLFlowLogger(MLFlowLogger):
    """``MLFlowLogger`` on the store ``tracking_uri`` (default: ``$MLFLOW_TRACKING_URI``, else the project's sqlite
    store); a sqlite store's directory is created on demand, its artifacts beside it.

    Its client comes from :func:`open_store` and its experiment from :func:`ensure_experiment`, so fits
    that start together on a new store neither collide creating it nor creating the experiment.

    Params keep one name per setting (``run_params.py``: no LightningCLI internals, no second copies of the
    data's settings). The best checkpoint is logged as an artifact at the end of training (``log_model=True``).
    Given the ``run_id`` of an existing run (a resumed fit), it logs into that run; params it
    already holds keep their first value (MLflow cannot change them), with a warning if they differ.
    """

    def __init__(
        self,
        experiment_name: str = "glass_lightning",
        run_name: str | None = None,
        tracking_uri: str | None = None,
        tags: dict[str, Any] | None = None,
        log_model: Literal[True, False, "all"] = True,
        artifact_location: str | None = None,
        run_id: str | None = None,
    ):
        tracking_uri = tracking_uri or chosen_tracking_uri()
        # always: it also creates a sqlite store's directory
        default_location = default_artifact_location(tracking_uri, experiment_name)
        artifact_location = artifact_location or default_location
        # before MLFlowLogger's own MlflowClient, which would create a new store without the lock
        client = open_store(tracking_uri)
        super().__init__(
            experiment_name=experiment_name,
            run_name=run_name,
            tracking_uri=tracking_uri,
            tags=tags,
            log_model=log_model,
            artifact_location=artifact_location,
            run_id=run_id,
        )
        self._mlflow_client = client

    @property
    @rank_zero_experiment
    def experiment(self) -> MlflowClient:
        """MLflow's client, the experiment created (or found) by :func:`ensure_experiment` first."""
        if self._experiment_id is None and self._run_id is None:
            self._experiment_id = ensure_experiment(self._tracking_uri, self._experiment_name, self._artifact_location)
        return super().experiment

    @rank_zero_only
    def log_hyperparams(self, params: dict[str, Any] | Namespace) -> None:
        logged = self.experiment.get_run(self.run_id).data.params
        flat = kept_params(_flatten_dict(_convert_params(params)), logged)
        changed = sorted(key for key, value in flat.items() if key in logged and logged[key] != param_value(value))
        if changed:
            rank_zero_warn(
                f"MLflow run {self.run_id} already has params {changed} with other values; they keep their first values"
            )
        super().log_hyperparams({key: value for key, value in flat.items() if key not in logged})
