"""Extended XYZ (``*.extxyz``, ``*.xyz``), read and written through ASE (``format="extxyz"``).

What the reader takes from a frame (our writers write all of it):
    Lattice              the box: orthorhombic and periodic (``pbc="T T T"``), else refused
    species / type       labels from an integer ``type`` column, else species ranked by atomic
                         number (data/formats/ase_files.py); our writers write ``type`` and the
                         element of atomic number label + 1 (H for A, He for B)
    temperature          (comment line) else a given temperature, else ``T{T}`` in the path
    times                (comment line) the times of the targets
    replicas             (comment line) the number of iso-configurational replicas, if known
    propensity, mean_squared_displacement, bond_breaking
                         per-atom columns, one per time (optional)
    potential_energy, inherent_potential_energy, inherent_positions, cage_positions
                         per-atom columns (optional)
    time, image          trajectory frames: the frame's time (comment line; else ``step`` times
                         the time step) and integer periodic image flags (3 columns, optional)

A configuration is the first frame of its file; a trajectory is every frame.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import ase
import ase.io
import numpy as np

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.data.formats.ase_files import (
    HEADER_LINE_BYTES,
    IMAGE_COLUMN,
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
from glass_lightning.data.noise_ceiling import REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot, float_array, wrap_positions
from glass_lightning.errors import GlassDataError

FORMAT = "extxyz"
FILE_PATTERNS = ("*.extxyz", "*.xyz")
TIME_COLUMNS = ("propensity", "mean_squared_displacement", "bond_breaking")  # (n_times, N): N rows of n_times
PARTICLE_COLUMNS = ("potential_energy", "inherent_potential_energy", "inherent_positions", "cage_positions")


def _count_on_first_line(stream: BinaryIO) -> int | None:
    """The atom count on the first line."""
    return header_count(stream.readline(HEADER_LINE_BYTES))


COUNT_HEADER = CountHeader("number of atoms", _count_on_first_line)


def _write(path: str | os.PathLike, frames: list[ase.Atoms]) -> Path:
    """Write ``frames`` atomically, like every file the project writes."""
    text = io.StringIO()
    ase.io.write(text, frames, format=FORMAT)
    return write_text_atomically(path, text.getvalue())


def _atoms(positions: np.ndarray, types: np.ndarray, box: np.ndarray, info: dict) -> ase.Atoms:
    atoms = ase.Atoms(numbers=types + 1, positions=positions, cell=box, pbc=True, info=info)
    atoms.new_array("type", types)
    return atoms


def write_extxyz(
    snapshot: Snapshot,
    path: str | os.PathLike,
    per_particle_columns: Sequence[str] | None = None,
    extra_columns: Mapping[str, np.ndarray] | None = None,
) -> Path:
    """Write ``snapshot`` as one extended XYZ frame (:func:`atoms_of_snapshot`); return the path."""
    return _write(path, [atoms_of_snapshot(snapshot, per_particle_columns, extra_columns)])


def atoms_of_snapshot(
    snapshot: Snapshot,
    per_particle_columns: Sequence[str] | None = None,
    extra_columns: Mapping[str, np.ndarray] | None = None,
) -> ase.Atoms:
    """``snapshot`` as the ASE frame the writer writes: its temperature, times and the named
    per-particle fields (default: every one it has) as columns, plus ``extra_columns`` ((N,) or
    (N, k) arrays, e.g. predictions)."""
    known = TIME_COLUMNS + PARTICLE_COLUMNS
    present = [name for name in known if getattr(snapshot, name) is not None]
    columns = present if per_particle_columns is None else list(per_particle_columns)
    for name in columns:
        if name not in known:
            raise GlassDataError("<arguments>", "per_particle_columns", f"expected some of {list(known)}, got {name!r}")
        if getattr(snapshot, name) is None:
            raise GlassDataError(snapshot.source, name, "requested as a column but the snapshot has none")
    info = {"temperature": snapshot.temperature}
    if snapshot.times is not None:
        info["times"] = snapshot.times
    if REPLICAS_KEY in snapshot.metadata:
        info[REPLICAS_KEY] = int(snapshot.metadata[REPLICAS_KEY])
    atoms = _atoms(snapshot.positions, snapshot.types, snapshot.box, info)
    for name in columns:
        atoms.new_array(name, getattr(snapshot, name).T if name in TIME_COLUMNS else getattr(snapshot, name))
    for name, values in (extra_columns or {}).items():
        atoms.new_array(name, np.asarray(values))
    return atoms


def write_extxyz_trajectory(trajectory: Trajectory, path: str | os.PathLike, temperature: float) -> Path:
    """Write every frame, positions wrapped into the box with their image flags and the frame's time."""
    frames = []
    images = np.zeros(trajectory.positions.shape, dtype=np.int64) if trajectory.images is None else trajectory.images
    for k, time in enumerate(trajectory.times):
        unwrapped = trajectory.positions[k] + images[k] * trajectory.box
        wrapped = wrap_positions(unwrapped, trajectory.box)
        atoms = _atoms(wrapped, trajectory.types, trajectory.box, {"time": float(time), "temperature": temperature})
        atoms.new_array(IMAGE_COLUMN, np.rint((unwrapped - wrapped) / trajectory.box).astype(np.int64))
        frames.append(atoms)
    return _write(path, frames)


def _info_number(atoms: ase.Atoms, path: Path, name: str) -> float | None:
    return float(float_array(atoms.info[name], path, name, ())) if name in atoms.info else None


def read_snapshot(path: str | os.PathLike, temperature: float | None = None) -> Snapshot:
    """The first frame of ``path``, with the targets and fields it carries."""
    path = Path(path)
    (atoms,) = read_frames(path, FORMAT, 0, COUNT_HEADER)
    return snapshot_of_atoms(atoms, path, temperature)


def snapshot_of_atoms(
    atoms: ase.Atoms, path: str | os.PathLike, temperature: float | None = None, format: str = FORMAT
) -> Snapshot:
    """The Snapshot of an ASE frame read from ``path`` (or made in memory: ``path`` names it in errors),
    as the module docstring describes; ``format`` goes into its metadata."""
    path = Path(path)
    n = len(atoms)
    times = float_array(np.atleast_1d(atoms.info["times"]), path, "times", (None,)) if "times" in atoms.info else None
    columns = {name: np.asarray(atoms.arrays[name]).reshape(n, -1).T for name in TIME_COLUMNS if name in atoms.arrays}
    columns |= {name: atoms.arrays[name] for name in PARTICLE_COLUMNS if name in atoms.arrays}
    metadata = {"format": format}
    if REPLICAS_KEY in atoms.info:
        metadata[REPLICAS_KEY] = int(_info_number(atoms, path, REPLICAS_KEY))
    return Snapshot(
        positions=positions_of(atoms),
        types=labels_of(atoms, path, first_type=0),
        box=box_of(atoms, path, 0),
        temperature=configuration_temperature(path, _info_number(atoms, path, "temperature"), temperature),
        times=times,
        metadata=metadata,
        source=str(path),
        **columns,
    )


def read_trajectory(path: str | os.PathLike, time_step: float | None = None) -> Trajectory:
    """Every frame of ``path``; a frame's time is ``time`` in its comment line, else ``step`` times ``time_step``."""
    path = Path(path)

    def time_of(atoms: ase.Atoms, frame: int) -> float:
        if "time" in atoms.info:
            return _info_number(atoms, path, "time")
        if "step" in atoms.info:
            return time_of_step(int(atoms.info["step"]), time_step, path)
        raise GlassDataError(path, "time", f"frame {frame}: expected 'time' (or 'step') in the comment line")

    return trajectory_of(read_frames(path, FORMAT, ":", COUNT_HEADER), path, first_type=0, time_of=time_of)
