"""Frames of extended XYZ and LAMMPS dump files read through ASE (``ase.io.read``): their box,
positions, species labels and images, and the trajectory they make.

The atom count the first frame's header declares is checked before ASE reads (a count the file
is too small to hold is refused: ASE would loop or allocate for it) and against the atoms read.

Species: a per-atom integer column ``type`` gives the labels (minus ``first_type``: 0 for
extended XYZ, 1 for LAMMPS, whose types 1, 2 become 0 = A, 1 = B); without it the chemical
species are ranked by atomic number, the lowest becoming 0.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

import ase
import ase.io
import numpy as np

from glass_lightning.data.formats.fields import orthorhombic_box
from glass_lightning.data.formats.trajectory import Trajectory, stack_frames
from glass_lightning.data.snapshot import float_array, species_labels
from glass_lightning.errors import GlassDataError

IMAGE_COLUMN = "image"
UNKNOWN_SYMBOL_HINT = " (ASE knows chemical symbols only: write species as elements or add an integer 'type' column)"
MIN_ATOM_LINE_BYTES = 2  # a character and a line break: no atom line is shorter
HEADER_LINE_BYTES = 4096  # longer lines are no count line


class CountHeader(NamedTuple):
    """Where a text format declares the atom count of its first frame: ``field``, the header line as
    errors name it, and ``read``, the count from the file opened at its start (None where the file
    declares none: ASE then says what is wrong with it)."""

    field: str
    read: Callable[[BinaryIO], int | None]


def header_count(line: bytes) -> int | None:
    """The integer a header line holds alone, else None."""
    try:
        return int(line)
    except ValueError:
        return None


def _declared_count(path: Path, header: CountHeader) -> int | None:
    """The atom count of the first frame's header, refused where the file is too small to hold it."""
    try:
        with open(path, "rb") as stream:
            declared = header.read(stream)
        size = path.stat().st_size
    except OSError as error:
        raise GlassDataError(path, "<file>", f"unreadable ({error})") from error
    if declared is None:
        return None
    if declared < 1:
        raise GlassDataError(path, header.field, f"expected a positive number of atoms, got {declared}")
    capacity = size // MIN_ATOM_LINE_BYTES
    if declared > capacity:
        problem = f"declares {declared} atoms but the file's {size} bytes hold at most {capacity} atom lines"
        raise GlassDataError(path, header.field, problem)
    return declared


def read_frames(path: Path, format: str, index: int | str, header: CountHeader) -> list[ase.Atoms]:
    """The frames at ``index`` (0: the first only, ":": all) of a file ASE reads as ``format``, the
    first holding as many atoms as its ``header`` declares."""
    declared = _declared_count(path, header)
    try:
        frames = ase.io.read(path, index=index, format=format)
    except (OSError, ValueError, KeyError, IndexError, RuntimeError, StopIteration) as error:
        hint = UNKNOWN_SYMBOL_HINT if isinstance(error, KeyError) else ""
        problem = f"unreadable as {format} ({type(error).__name__}: {error}){hint}"
        raise GlassDataError(path, "<file>", problem) from error
    frames = frames if isinstance(frames, list) else [frames]
    if not frames:
        raise GlassDataError(path, "<file>", f"no frames: an empty {format} file")
    if declared is not None and len(frames[0]) != declared:
        problem = f"declares {declared} atoms but the first frame holds {len(frames[0])}: a cut or corrupt file"
        raise GlassDataError(path, header.field, problem)
    return frames


def box_of(atoms: ase.Atoms, path: Path, frame: int) -> np.ndarray:
    """The orthorhombic box of a periodic frame."""
    if not np.all(atoms.pbc):
        problem = f"frame {frame}: expected a box periodic along x, y and z, got pbc={atoms.pbc.tolist()}"
        raise GlassDataError(path, "box", problem)
    return orthorhombic_box(atoms.cell.array, path, frame)


def positions_of(atoms: ase.Atoms) -> np.ndarray:
    """Positions relative to the box origin (LAMMPS boxes may start anywhere)."""
    return atoms.positions - atoms.get_celldisp().ravel()


def labels_of(atoms: ase.Atoms, path: Path, first_type: int) -> np.ndarray:
    """Species labels 0, 1, ... (see the module docstring); a ``type`` column is checked here, in the
    file's numbering (species ranked by atomic number are checked where the Snapshot is made)."""
    if "type" in atoms.arrays:
        return species_labels(atoms.arrays["type"], path, len(atoms), "type", first_type)
    return np.unique(atoms.numbers, return_inverse=True)[1].astype(np.int64)


def images_of(frames: list[ase.Atoms], path: Path) -> list[np.ndarray] | None:
    """Per-frame integer image flags from an ``image`` column (3 per atom), or None without one."""
    if not all(IMAGE_COLUMN in atoms.arrays for atoms in frames):
        return None
    images = [np.asarray(atoms.arrays[IMAGE_COLUMN]) for atoms in frames]
    for frame, value in enumerate(images):
        if value.shape != (len(frames[frame]), 3) or not np.issubdtype(value.dtype, np.integer):
            problem = f"frame {frame}: expected 3 integers per atom, got {value.dtype} of shape {value.shape}"
            raise GlassDataError(path, IMAGE_COLUMN, problem)
    return images


def trajectory_of(
    frames: list[ase.Atoms], path: Path, first_type: int, time_of: Callable[[ase.Atoms, int], float]
) -> Trajectory:
    """The checked trajectory of ASE frames; ``time_of(frame, index)`` reads a frame's time."""
    return stack_frames(
        path,
        positions=[float_array(positions_of(atoms), path, "positions", (None, 3)) for atoms in frames],
        types=[labels_of(atoms, path, first_type) for atoms in frames],
        boxes=[box_of(atoms, path, frame) for frame, atoms in enumerate(frames)],
        times=[time_of(atoms, frame) for frame, atoms in enumerate(frames)],
        images=images_of(frames, path),
    )
