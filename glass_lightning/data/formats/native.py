"""The native format: one versioned, self-describing ``.npz`` file per configuration.

Layout (format version 1):
    format          str   "glass_lightning.snapshot"
    format_version  int   1
    positions       (N, 3) float64, wrapped into [0, L)
    types           (N,) int64
    box             (3,) float64
    temperature     () float64
    optional arrays: inherent_positions, cage_positions, potential_energy,
                     inherent_potential_energy, times, propensity,
                     mean_squared_displacement, bond_breaking
    metadata        str, a JSON object (tau_alpha, seeds, simulation parameters, ...)

Files are written atomically (temporary name, then rename) so a killed writer never leaves
a half-written configuration behind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from glass_lightning.data.atomic_npz import write_npz_atomically
from glass_lightning.data.formats.fields import open_npz, required_field
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.errors import GlassDataError

FORMAT_NAME = "glass_lightning.snapshot"
FORMAT_VERSION = 1
FILE_PATTERNS = ("*.npz",)
OPTIONAL_ARRAYS = (
    "inherent_positions",
    "cage_positions",
    "potential_energy",
    "inherent_potential_energy",
    "times",
    "propensity",
    "mean_squared_displacement",
    "bond_breaking",
)


def write_snapshot(path: str | os.PathLike, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` to ``path`` atomically and return the path."""
    arrays = {
        "format": np.array(FORMAT_NAME),
        "format_version": np.array(FORMAT_VERSION),
        "positions": snapshot.positions,
        "types": snapshot.types,
        "box": snapshot.box,
        "temperature": np.array(snapshot.temperature),
        "metadata": np.array(json.dumps(snapshot.metadata, sort_keys=True)),
    }
    arrays.update({name: getattr(snapshot, name) for name in OPTIONAL_ARRAYS if getattr(snapshot, name) is not None})
    return write_npz_atomically(path, arrays)


def read_snapshot(path: str | os.PathLike) -> Snapshot:
    """Read one native file; every problem raises :class:`GlassDataError` naming file and field."""
    path = Path(path)
    with open_npz(path) as archive:
        if str(required_field(archive, path, "format")) != FORMAT_NAME:
            raise GlassDataError(path, "format", f"expected {FORMAT_NAME!r}, got {str(archive['format'])!r}")
        version = int(required_field(archive, path, "format_version"))
        if version > FORMAT_VERSION:
            raise GlassDataError(
                path, "format_version", f"expected <= {FORMAT_VERSION}, got {version}; upgrade glass_lightning"
            )
        try:
            metadata = json.loads(str(required_field(archive, path, "metadata")))
        except json.JSONDecodeError as error:
            raise GlassDataError(path, "metadata", f"expected a JSON object ({error})") from error
        optional = {name: archive[name] for name in OPTIONAL_ARRAYS if name in archive.files}
        return Snapshot(
            positions=required_field(archive, path, "positions"),
            types=required_field(archive, path, "types"),
            box=required_field(archive, path, "box"),
            temperature=float(required_field(archive, path, "temperature")),
            metadata=metadata,
            source=str(path),
            **optional,
        )
