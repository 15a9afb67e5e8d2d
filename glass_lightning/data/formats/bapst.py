"""Bapst et al., Nature Physics 16, 448 (2020): one pickled dict per configuration.

Keys: ``positions`` (N, 3) absolute positions, ``types`` (N,) 0 = A / 1 = B, ``box`` (3,) or a
scalar, ``time`` (the log-spaced time points), ``time_indices`` (the indices into ``time`` of
the target times), ``is_values`` (the intermediate scattering function at those times),
``trajectory_target_positions`` (one entry per time index: the replica position arrays, each
(N, 3), unwrapped) and ``metadata`` {temperature, ...}. The propensity is the replica mean of
|r - r0|.

Unpickling executes code stored in the file, so these files are read only with an explicit
opt-in (``allow_pickle=True`` / ``--allow-pickle``), for files from a source you trust.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from glass_lightning.data.formats.fields import replica_displacements, required_field
from glass_lightning.data.noise_ceiling import RELIABILITY_KEY, REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot, float_array, species_labels
from glass_lightning.errors import GlassDataError

FILE_PATTERNS = ("*.pickle", "*.pkl")
PICKLE_REFUSAL = (
    "Bapst et al. files are Python pickles, and unpickling can run arbitrary code stored in the file; "
    "read them only if you trust their source, with allow_pickle=True (command line: --allow-pickle)"
)


def _unpickle(path: Path) -> dict:
    try:
        with open(path, "rb") as stream:
            content = pickle.load(stream)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
    ) as error:
        raise GlassDataError(path, "<file>", f"unreadable as a pickle ({type(error).__name__}: {error})") from error
    if not isinstance(content, dict):
        raise GlassDataError(path, "<file>", f"expected a pickled dict, got {type(content).__name__}")
    return content


def _target_times(content: dict, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The target times in increasing order, and the order (into ``time_indices``) that sorts them:
    published files do not always list their time indices in increasing order."""
    time = float_array(required_field(content, path, "time"), path, "time", (None,))
    indices = np.asarray(required_field(content, path, "time_indices"))
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
        raise GlassDataError(
            path, "time_indices", f"expected a 1-d list of integers, got {indices.dtype} of shape {indices.shape}"
        )
    if np.any(indices < 0) or np.any(indices >= time.size):
        raise GlassDataError(
            path, "time_indices", f"expected indices into 'time' (length {time.size}), got {indices.tolist()}"
        )
    order = np.argsort(indices, kind="stable")
    return time[indices[order]], order


def _box(content: dict, path: Path) -> np.ndarray:
    """The cubic box may be stored as one length or as three."""
    box = float_array(np.atleast_1d(required_field(content, path, "box")), path, "box", (None,))
    if box.size not in (1, 3):
        raise GlassDataError(path, "box", f"expected one length or three, got {box.size} values")
    return np.broadcast_to(box, (3,)).copy()


def read_snapshot(path: Path, allow_pickle: bool = False) -> Snapshot:
    if not allow_pickle:
        raise GlassDataError(path, "<file>", PICKLE_REFUSAL)
    content = _unpickle(path)
    positions = float_array(required_field(content, path, "positions"), path, "positions", (None, 3))
    n = len(positions)
    metadata = required_field(content, path, "metadata")
    if not isinstance(metadata, dict) or "temperature" not in metadata:
        raise GlassDataError(path, "metadata", "expected a dict with a 'temperature' entry")
    times, order = _target_times(content, path)
    trajectories = required_field(content, path, "trajectory_target_positions")
    if len(trajectories) != times.size:
        raise GlassDataError(
            path,
            "trajectory_target_positions",
            f"expected one entry per time index ({times.size}), got {len(trajectories)}",
        )
    trajectories = [trajectories[index] for index in order]
    types = species_labels(required_field(content, path, "types"), path, n)
    replica_arrays = [
        float_array(replicas, path, "trajectory_target_positions", (None, n, 3)) for replicas in trajectories
    ]
    propensity, squared, reliability = zip(
        *(
            replica_displacements(positions, replicas, types, path, "trajectory_target_positions")
            for replicas in replica_arrays
        )
    )
    extra = {key: value for key, value in metadata.items() if isinstance(value, (str, int, float, bool))}
    return Snapshot(
        positions=positions,
        types=types,
        box=_box(content, path),
        temperature=float_array(metadata["temperature"], path, "metadata.temperature", ()),
        times=times,
        propensity=np.stack(propensity),
        mean_squared_displacement=np.stack(squared),
        metadata={
            "format": "bapst",
            **extra,
            "is_values": float_array(content.get("is_values", []), path, "is_values", (None,)).tolist(),
            REPLICAS_KEY: min(len(replicas) for replicas in replica_arrays),
            RELIABILITY_KEY: list(reliability),
        },
        source=str(path),
    )
