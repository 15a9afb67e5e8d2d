"""LAMMPS text dumps (``*.lammpstrj``, ``*.dump``), read through ASE (``format="lammps-dump-text"``).

Columns: ``id`` (atoms are sorted by it), ``type`` (LAMMPS types 1, 2 become labels 0 = A,
1 = B) or ``element``, and positions ``x y z`` (as LAMMPS wrote them), else ``xs ys zs``,
``xu yu zu`` (unwrapped) or ``xsu ysu zsu``. ASE does not read the image flags ``ix iy iz``: dump
unwrapped ``xu yu zu`` where particles may move more than half a box between frames. The box
(``ITEM: BOX BOUNDS``) must be orthorhombic and periodic. A dump stores no temperature: it is a
given one, else ``T{T}`` in the path. Frames are numbered by ``ITEM: TIMESTEP``; times are step
times the integration time step, so replica runs should start at step 0 (``reset_timestep 0``).
A configuration is the first frame of its file; a trajectory is every frame.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from glass_lightning.data.formats.ase_files import (
    HEADER_LINE_BYTES,
    CountHeader,
    box_of,
    header_count,
    labels_of,
    positions_of,
    read_frames,
    trajectory_of,
)
from glass_lightning.data.formats.fields import configuration_temperature
from glass_lightning.data.formats.trajectory import Trajectory, time_of_step
from glass_lightning.data.snapshot import Snapshot

FORMAT = "lammps-dump-text"
FILE_PATTERNS = ("*.lammpstrj", "*.dump")
FIRST_TYPE = 1
COUNT_ITEM = b"ITEM: NUMBER OF ATOMS"


def _count_after_item(stream: BinaryIO) -> int | None:
    """The count on the line after the first frame's ``ITEM: NUMBER OF ATOMS``."""
    while line := stream.readline(HEADER_LINE_BYTES):
        if line.startswith(COUNT_ITEM):
            return header_count(stream.readline(HEADER_LINE_BYTES))
        if line.startswith(b"ITEM: ATOMS"):
            return None
    return None


COUNT_HEADER = CountHeader(COUNT_ITEM.decode(), _count_after_item)


def read_snapshot(path: str | os.PathLike, temperature: float | None = None) -> Snapshot:
    """The first frame of ``path`` (no targets: a dump holds none)."""
    path = Path(path)
    (atoms,) = read_frames(path, FORMAT, 0, COUNT_HEADER)
    return Snapshot(
        positions=positions_of(atoms),
        types=labels_of(atoms, path, FIRST_TYPE),
        box=box_of(atoms, path, 0),
        temperature=configuration_temperature(path, None, temperature),
        metadata={"format": "lammps-dump", "timestep": int(atoms.info["timestep"])},
        source=str(path),
    )


def read_trajectory(path: str | os.PathLike, time_step: float | None = None) -> Trajectory:
    """Every frame of ``path``, at times ``TIMESTEP * time_step``."""
    path = Path(path)
    frames = read_frames(path, FORMAT, ":", COUNT_HEADER)
    return trajectory_of(
        frames, path, FIRST_TYPE, lambda atoms, frame: time_of_step(int(atoms.info["timestep"]), time_step, path)
    )
