"""What the file readers share: opening archives (their array headers checked against what they
store), required keys, the temperature in a path or the file, orthorhombic boxes and
replica-averaged displacements (typed arrays: ``snapshot.float_array``; species labels:
``snapshot.species_labels``)."""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from glass_lightning.data.noise_ceiling import split_half_reliability
from glass_lightning.data.snapshot import float_array, same_temperature
from glass_lightning.errors import GlassDataError

TEMPERATURE_IN_PATH = re.compile(r"T(\d+(?:\.\d+)?)")
COUNT_IN_NAME = re.compile(r"(?:^|[_\W])N(\d+)")


def open_npz(path: Path) -> np.lib.npyio.NpzFile:
    """Open an ``.npz`` archive without unpickling, each array's header checked against the data the
    archive stores (:func:`_check_stored_sizes`); an unreadable file is our error."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as error:
        if "pickled" not in str(error):
            raise GlassDataError(path, "<file>", f"unreadable as an npz archive ({error})") from error
        # numpy's last guess for a file that is neither a zip archive nor a .npy array
        raise GlassDataError(
            path, "<file>", "not an npz archive (neither a zip of arrays nor a .npy array): corrupt, or another format"
        ) from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise GlassDataError(path, "<file>", f"unreadable as an npz archive ({error})") from error
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise GlassDataError(
            path,
            "<file>",
            f"holds a single array of shape {loaded.shape} (a .npy file under an .npz name), not an archive of named arrays",
        )
    try:
        _check_stored_sizes(loaded, path)
    except GlassDataError:
        loaded.close()
        raise
    return loaded


def _check_stored_sizes(archive: np.lib.npyio.NpzFile, path: Path) -> None:
    """Refuse an array whose ``.npy`` header declares more data than its member of the archive stores,
    before numpy allocates it; members that are no ``.npy`` array, or hold pickled objects, are left to numpy."""
    try:
        for member in archive.zip.infolist():
            name = member.filename.removesuffix(".npy")
            with archive.zip.open(member) as stream:
                header = _array_header(stream, path, name)
                stored = member.file_size - stream.tell()
            if header is None or header[1].hasobject:
                continue
            shape, dtype = header
            declared = math.prod(shape) * dtype.itemsize
            if declared > stored:
                problem = f"the array header declares shape {shape} ({declared} bytes of {dtype})"
                raise GlassDataError(path, name, f"{problem} but the file stores only {stored}: a corrupt or cut file")
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise GlassDataError(path, "<file>", f"unreadable as an npz archive ({error})") from error


def _array_header(stream: Any, path: Path, name: str) -> tuple[tuple[int, ...], np.dtype] | None:
    """The shape and dtype an archive member's ``.npy`` header declares; None for a member that is no ``.npy`` array."""
    try:
        version = np.lib.format.read_magic(stream)
    except ValueError:
        return None
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    try:
        shape, _, dtype = read(stream)
    except ValueError as error:
        raise GlassDataError(path, name, f"unreadable array header ({error})") from error
    return shape, dtype


def required_field(container: Any, path: Path, name: str) -> Any:
    """``container[name]`` for an npz archive or a dict, or an error listing the keys present."""
    keys = container.files if isinstance(container, np.lib.npyio.NpzFile) else list(container)
    if name not in keys:
        raise GlassDataError(path, name, f"missing key; the file has {sorted(map(str, keys))}")
    try:
        return container[name]
    except ValueError as error:  # an object array in an npz needs pickle: refuse it
        raise GlassDataError(path, name, f"unreadable without unpickling ({error})") from error


def check_count_in_name(path: Path, num_particles: int) -> None:
    """A file name that states the particle number (``..._N4096...``) must agree with the file."""
    match = COUNT_IN_NAME.search(path.stem)
    if match and int(match[1]) != num_particles:
        raise GlassDataError(
            path, "<file name>", f"the name says N{match[1]} but the file holds {num_particles} particles"
        )


def temperature_from_path(path: Path) -> float:
    """The temperature written in a file name as ``T{T}`` (e.g. ``N4096T0.44_3.npz``), else in a parent folder."""
    for part in [path.stem, *(parent.name for parent in path.parents)]:
        matches = TEMPERATURE_IN_PATH.findall(part)
        if matches:
            return float(matches[-1])
    raise GlassDataError(
        path, "temperature", "expected 'T{temperature}' in the file name or a parent folder (e.g. N4096T0.44_0.npz)"
    )


def replica_displacements(
    initial: np.ndarray, replicas: np.ndarray, types: np.ndarray, path: Path, name: str
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Iso-configurational means over replicas of |r - r0| and |r - r0|^2 (see :func:`displacement_moments`).

    ``replicas`` is (R, N, 3) of unwrapped positions at one time, ``initial`` is (N, 3).
    """
    return displacement_moments(replicas - initial[None], types, path, name)


def displacement_moments(
    moved: np.ndarray, types: np.ndarray, path: Path, name: str
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Iso-configurational means over replicas of |dr| and |dr|^2, each (N,), and the split-half
    reliability of the first per type (data/noise_ceiling.py); ``moved`` is (R, N, 3) at one time."""
    if moved.shape[0] == 0:
        raise GlassDataError(path, name, "expected at least one replica, got none")
    squared = np.sum(moved**2, axis=-1)
    distances = np.sqrt(squared)
    return distances.mean(axis=0), squared.mean(axis=0), split_half_reliability(distances, types)


def orthorhombic_box(cell: np.ndarray, path: Path, frame: int) -> np.ndarray:
    """The three edge lengths of a (3, 3) cell matrix; a tilted (triclinic) cell is refused."""
    cell = float_array(cell, path, "box", (3, 3))
    tilts = cell[~np.eye(3, dtype=bool)]
    if np.any(tilts != 0):
        problem = f"frame {frame}: triclinic box (tilts {tilts[tilts != 0].tolist()}); only orthorhombic boxes are read"
        raise GlassDataError(path, "box", problem)
    lengths = np.diag(cell).copy()
    if np.any(lengths <= 0):
        raise GlassDataError(path, "box", f"frame {frame}: expected three positive lengths, got {lengths.tolist()}")
    return lengths


def configuration_temperature(path: Path, stored: float | None, given: float | None) -> float:
    """The temperature stored in the file, else ``given`` (a reader option such as ``--temperature``),
    else ``T{T}`` in the path; a stored temperature that disagrees with ``given`` is an error."""
    if stored is not None:
        if given is not None and not same_temperature(stored, given):
            raise GlassDataError(path, "temperature", f"the file stores T={stored:g} but T={given:g} was given")
        return stored
    if given is not None:
        return given
    try:
        return temperature_from_path(path)
    except GlassDataError:
        problem = (
            "not stored in the file: put 'T{temperature}' in the file name or a parent folder (e.g. "
            "T0.44/config_0.gsd), or give it where the command takes one (propensity --temperature)"
        )
        raise GlassDataError(path, "temperature", problem) from None
