"""One of several processes that write to one MLflow store at once (``test_tracking_store``).

    python store_writer.py TRACKING_URI EXPERIMENT INDEX READY_FILE START_FILE [open-first]

It imports what it needs (and, given ``open-first``, opens the existing store), creates READY_FILE
and waits for START_FILE, so that all writers start together. Then it creates (or joins) the
experiment, starts a run named ``writer-INDEX``, logs the param ``index`` and the metric ``score``
(= INDEX) and ends the run as FINISHED. Even writers go through ``GlassMLFlowLogger`` (what
``lightning fit`` does), odd ones through the tracking functions (what sweeps and experiments do).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from glass_lightning.training.tracking import GlassMLFlowLogger, log_to_run, open_store, start_run

WAIT_SECONDS = 300


def wait_for(path: Path) -> None:
    """Return once ``path`` exists; fail after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.005)


def write_with_logger(tracking_uri: str, experiment: str, index: int) -> None:
    """A run as ``lightning fit`` makes it: through the project's Lightning logger."""
    logger = GlassMLFlowLogger(experiment, f"writer-{index}", tracking_uri, log_model=False)
    logger.log_hyperparams({"index": index})
    logger.log_metrics({"score": float(index)}, step=0)
    logger.finalize("success")


def write_with_functions(tracking_uri: str, experiment: str, index: int) -> None:
    """A run as the sweeps and experiments make it: through the tracking module's functions."""
    run_id = start_run(tracking_uri, experiment, f"writer-{index}")
    log_to_run(tracking_uri, run_id, {"score": float(index)}, {"index": index})
    open_store(tracking_uri).set_terminated(run_id, "FINISHED")


def main(tracking_uri: str, experiment: str, index: str, ready: str, start: str, open_first: str = "") -> None:
    """Get ready, wait for the start, then write this writer's run (see the module's docstring)."""
    if open_first:
        open_store(tracking_uri)  # then all that is left to race is the experiment's creation
    Path(ready).touch()
    wait_for(Path(start))
    write = write_with_functions if int(index) % 2 else write_with_logger
    write(tracking_uri, experiment, int(index))


if __name__ == "__main__":
    main(*sys.argv[1:])
    # Skip the interpreter's teardown of torch and MLflow: seconds a process on a busy machine. All is
    # written by now (synchronously), and the test reads it back from the store.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
