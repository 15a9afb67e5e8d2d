"""The BOTAN release (Shiba et al., J. Chem. Phys. 158, 084503, 2023): ``isoconfig_N4096T{T}_{i}_tc{KK}.npz``.

One file per (configuration, time index) with keys ``types`` (N,) int8 0 = A / 1 = B,
``initial_positions`` (N, 3) and ``positions`` (R, N, 3), the unwrapped positions of R
iso-configurational replicas at one time. ``tc{KK}`` is the 1-based index into the GlassBench
time grid of the temperature (tc07 at T = 0.44 is t = 4120). The propensity is the replica mean
of |r - r0|. The files of one configuration at several time indices merge into one Snapshot;
the box (L = (N / 1.2)^(1/3)) and the temperature (from the path) are as in GlassBench. The files
store no energies; each particle's Kob-Andersen potential energy is computed from the positions
(``potential_energy``, a node input and the energy baseline).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from glass_lightning.data.formats.fields import (
    check_count_in_name,
    open_npz,
    replica_displacements,
    required_field,
    temperature_from_path,
)
from glass_lightning.data.formats.glassbench import cubic_box, time_grid
from glass_lightning.data.noise_ceiling import RELIABILITY_KEY, REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot, float_array, species_labels
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate.kob_andersen import per_particle_energy

FILE_PATTERNS = ("*_tc[0-9]*.npz",)
TIME_INDEX_IN_NAME = re.compile(r"^(?P<configuration>.+)_tc(?P<index>\d+)$")


def _configuration_and_time_index(path: Path) -> tuple[str, int]:
    match = TIME_INDEX_IN_NAME.match(path.stem)
    if match is None:
        raise GlassDataError(
            path, "<file name>", "expected a BOTAN name ending in '_tc{KK}.npz' (e.g. isoconfig_N4096T0.44_0_tc07.npz)"
        )
    return match["configuration"], int(match["index"])


def group_files(files: list[Path]) -> list[list[Path]]:
    """The files of each configuration (same folder and name up to ``_tc{KK}``), in time order."""
    groups: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        configuration, _ = _configuration_and_time_index(path)
        groups[path.parent / configuration].append(path)
    return [
        sorted(group, key=lambda path: _configuration_and_time_index(path)[1]) for _, group in sorted(groups.items())
    ]


def _read_one_time(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[float], int]:
    """types, initial positions, the replica means of |r - r0| and |r - r0|^2, the split-half
    reliability per type of the first, and the number of replicas of one file."""
    with open_npz(path) as archive:
        initial = float_array(required_field(archive, path, "initial_positions"), path, "initial_positions", (None, 3))
        check_count_in_name(path, len(initial))
        types = species_labels(required_field(archive, path, "types"), path, len(initial))
        replicas = float_array(required_field(archive, path, "positions"), path, "positions", (None, len(initial), 3))
    propensity, squared, reliability = replica_displacements(initial, replicas, types, path, "positions")
    return types, initial, propensity, squared, reliability, len(replicas)


def read_configuration(files: list[Path]) -> Snapshot:
    """Merge the files of one configuration (at one or more time indices) into one Snapshot."""
    first = files[0]
    temperature = temperature_from_path(first)
    grid = time_grid(temperature, first)
    indices, propensities, squared_displacements, reliabilities = [], [], [], []
    types = initial = None
    for path in files:
        _, index = _configuration_and_time_index(path)
        if not 1 <= index <= grid.size:
            raise GlassDataError(
                path,
                "<file name>",
                f"time index tc{index:02d} is outside the {grid.size}-point grid of T={temperature:g}",
            )
        file_types, file_initial, propensity, squared, file_reliability, replicas = _read_one_time(path)
        if types is None:
            types, initial = file_types, file_initial
        elif (
            file_types.shape != types.shape
            or not np.array_equal(file_types, types)
            or not np.allclose(file_initial, initial)
        ):
            raise GlassDataError(
                path,
                "initial_positions",
                f"expected the same configuration (types and initial positions) as {first.name}",
            )
        indices.append(index)
        propensities.append(propensity)
        squared_displacements.append(squared)
        reliabilities.append(file_reliability)
    box = cubic_box(len(initial))
    return Snapshot(
        positions=initial,
        types=types,
        box=box,
        potential_energy=per_particle_energy(np.mod(initial, box), types, box),
        temperature=temperature,
        times=grid[np.array(indices) - 1],
        propensity=np.stack(propensities),
        mean_squared_displacement=np.stack(squared_displacements),
        metadata={
            "format": "botan",
            "time_indices": indices,
            "files": [path.name for path in files],  # names only: a native file records no path of the machine
            REPLICAS_KEY: replicas,
            RELIABILITY_KEY: reliabilities,
        },
        source=str(first.parent / f"{_configuration_and_time_index(first)[0]}_tc*.npz"),
    )
