"""HOOMD GSD files (``*.gsd``), read with the ``gsd`` package (``gsd.hoomd.open``).

A frame gives ``particles.position`` (HOOMD centres the box on the origin: shifted to the corner), the species
(by name where ``particles.types`` are the letters A, B, ... in any order: ``['B', 'A']`` still makes A = 0;
other names by ``particles.typeid``, the first type 0), ``configuration.box``
(``[Lx, Ly, Lz, xy, xz, yz]``: tilted boxes and 2D systems are refused) and
``configuration.step``; times are step times the integration time step, so replica runs should
start at step 0. ``particles.image`` is used where every frame after the first stores it: by the
GSD convention a frame without it repeats the first frame's, which is what HOOMD writes when
images are not a dynamic quantity, so such files are unwrapped by the minimum image. A GSD file
stores no temperature: it is a given one, else ``T{T}`` in the path. A configuration is the
first frame of its file; a trajectory is every frame. Before a frame is read, the count each of its
groups declares (``particles/N``, ``bonds/N``, ...) must match the entries the file stores: gsd.hoomd
would allocate the declared count for every quantity the file leaves to its default.
"""

from __future__ import annotations

import os
from pathlib import Path

import gsd.fl
import gsd.hoomd
import numpy as np

from glass_lightning.data.formats.fields import configuration_temperature, orthorhombic_box
from glass_lightning.data.formats.trajectory import Trajectory, stack_frames, time_of_step
from glass_lightning.data.snapshot import Snapshot, float_array, type_name
from glass_lightning.errors import GlassDataError

FILE_PATTERNS = ("*.gsd",)
IMAGE_CHUNK = "particles/image"
# the HOOMD schema's groups, and the quantity every entry of a group stores
GROUP_DATA = {
    "particles": "position",
    "bonds": "group",
    "angles": "group",
    "dihedrals": "group",
    "impropers": "group",
    "constraints": "group",
    "pairs": "group",
}


def _open(path: Path) -> gsd.hoomd.HOOMDTrajectory:
    try:
        frames = gsd.hoomd.open(path, "r")
    except (OSError, RuntimeError, ValueError) as error:
        raise GlassDataError(path, "<file>", f"unreadable as a GSD file ({type(error).__name__}: {error})") from error
    if len(frames) == 0:
        frames.close()
        raise GlassDataError(path, "<file>", "no frames: an empty GSD file")
    return frames


def _stored_entries(file: gsd.fl.GSDFile, index: int, name: str) -> int:
    """Rows of chunk ``name`` in frame ``index``, else in frame 0 (which gsd.hoomd reuses), else 0."""
    for frame in (index, 0):
        if file.chunk_exists(frame=frame, name=name):
            return len(file.read_chunk(frame=frame, name=name))
    return 0


def _check_counts(file: gsd.fl.GSDFile, path: Path, index: int) -> None:
    """Refuse a frame whose groups declare another number of entries than the file stores for them."""
    for group, data in GROUP_DATA.items():
        if file.chunk_exists(frame=index, name=f"{group}/N"):
            declared = int(file.read_chunk(frame=index, name=f"{group}/N")[0])
            stored = _stored_entries(file, index, f"{group}/{data}")
            if declared != stored:
                problem = f"frame {index} declares {declared} {group} but stores {group}/{data} for {stored}"
                raise GlassDataError(path, f"{group}/N", problem)


def _box(frame: gsd.hoomd.Frame, path: Path, index: int) -> np.ndarray:
    if frame.configuration.dimensions != 3:
        problem = f"frame {index}: expected a 3D system, got {frame.configuration.dimensions} dimensions"
        raise GlassDataError(path, "box", problem)
    lengths = float_array(frame.configuration.box[:3], path, "box", (3,))
    xy, xz, yz = frame.configuration.box[3:]
    cell = np.diag(lengths) + np.array([[0, xy * lengths[1], xz * lengths[2]], [0, 0, yz * lengths[2]], [0, 0, 0]])
    return orthorhombic_box(cell, path, index)


def _positions(frame: gsd.hoomd.Frame, path: Path) -> np.ndarray:
    """Positions from the box corner, like every other reader's (HOOMD's box is centred on the origin)."""
    centred = float_array(frame.particles.position, path, "positions", (frame.particles.N, 3))
    return centred + np.asarray(frame.configuration.box[:3]) / 2


def _species(frame: gsd.hoomd.Frame, path: Path) -> tuple[np.ndarray, list[str]]:
    """Species labels and the type names in label order: A = 0, B = 1, ... by name when the type names are
    those letters (in any order in the file), else ``typeid`` with the file's names."""
    names, typeid = list(frame.particles.types), frame.particles.typeid.astype(np.int64)
    if typeid.size and (typeid.min() < 0 or typeid.max() >= len(names)):
        raise GlassDataError(path, "particles.typeid", f"values up to {typeid.max()} for {len(names)} types {names}")
    letters = [type_name(label) for label in range(len(names))]
    if sorted(names) != letters:
        return typeid, names
    return np.array([letters.index(name) for name in names], dtype=np.int64)[typeid], letters


def read_snapshot(path: str | os.PathLike, temperature: float | None = None) -> Snapshot:
    """The first frame of ``path`` (no targets)."""
    path = Path(path)
    with _open(path) as frames:
        _check_counts(frames.file, path, 0)
        frame = frames[0]
    types, names = _species(frame, path)
    return Snapshot(
        positions=_positions(frame, path),
        types=types,
        box=_box(frame, path, 0),
        temperature=configuration_temperature(path, None, temperature),
        metadata={"format": "gsd", "step": int(frame.configuration.step), "type_names": names},
        source=str(path),
    )


def read_trajectory(path: str | os.PathLike, time_step: float | None = None) -> Trajectory:
    """Every frame of ``path``, at times ``step * time_step``."""
    path = Path(path)
    with _open(path) as frames:
        for index in range(len(frames)):
            _check_counts(frames.file, path, index)
        stored_images = all(frames.file.chunk_exists(frame=k, name=IMAGE_CHUNK) for k in range(1, len(frames)))
        contents = list(frames)
    return stack_frames(
        path,
        positions=[_positions(frame, path) for frame in contents],
        types=[_species(frame, path)[0] for frame in contents],
        boxes=[_box(frame, path, k) for k, frame in enumerate(contents)],
        times=[time_of_step(int(frame.configuration.step), time_step, path) for frame in contents],
        images=[frame.particles.image for frame in contents] if stored_images else None,
    )
