"""Independent worker processes: one that dies leaves the others to finish."""

import os
from pathlib import Path

from glass_lightning.worker_pool import independent_processes


def first_one_dies(directory: str) -> None:
    try:
        (Path(directory) / "first").open("x").close()
    except FileExistsError:
        (Path(directory) / f"done-{os.getpid()}").touch()
        return
    os._exit(3)  # as a killed worker would: no exception, no cleanup


def test_a_dying_worker_leaves_the_others_running(tmp_path):
    codes = independent_processes(3, first_one_dies, str(tmp_path))
    assert sorted(codes) == [0, 0, 3]
    assert len(list(tmp_path.glob("done-*"))) == 2
