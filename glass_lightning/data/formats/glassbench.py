"""GlassBench 3D (Jung et al., "Roadmap on machine learning glassy dynamics"): ``N4096T{T}_{i}.npz``.

Keys: ``types`` (N,) 0 = A / 1 = B, ``initial_positions`` (N, 3), ``initial_positions_inherent``
(N, 3), ``initial_positions_cage`` (N, 3, only some files), ``md_prop`` (10, N) propensity and
``bb_prop`` (10, N) bond-breaking propensity on the fixed time grid of the temperature below.
Neither the box nor the temperature is stored: the cubic box has L = (N / 1.2)^(1/3) (number
density 1.2) and the temperature is read from the path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from glass_lightning.data.formats.fields import (
    check_count_in_name,
    open_npz,
    required_field,
    temperature_from_path,
)
from glass_lightning.data.snapshot import Snapshot, float_array, same_temperature
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import kob_andersen

FILE_PATTERNS = ("*.npz",)
# times (LJ units) of the 10 propensity columns at each temperature
TIME_GRIDS: dict[float, tuple[float, ...]] = {
    0.44: (0.13, 1.3, 13, 130, 412, 1300, 4120, 13000, 41200, 130000),
    0.50: (0.108, 0.434, 2.17, 6.86, 21.7, 68.6, 217, 686, 2170, 6860),
    0.56: (0.104, 0.33, 0.99, 1.65, 5.2, 16.5, 52, 165, 520, 1650),
    0.64: (0.032, 0.1, 0.165, 0.52, 1.65, 5.2, 16.5, 52, 165, 520),
}


def cubic_box(num_particles: int) -> np.ndarray:
    """The GlassBench / BOTAN box: cubic at number density 1.2."""
    return np.full(3, kob_andersen.box_length(num_particles, kob_andersen.DENSITY))


def time_grid(temperature: float, path: Path) -> np.ndarray:
    """The GlassBench time grid of ``temperature``; an error for a temperature without one."""
    for known, times in TIME_GRIDS.items():
        if same_temperature(known, temperature):
            return np.array(times, dtype=np.float64)
    raise GlassDataError(
        path, "temperature", f"no GlassBench time grid for T={temperature:g}; expected one of {sorted(TIME_GRIDS)}"
    )


def read_snapshot(path: Path) -> Snapshot:
    temperature = temperature_from_path(path)
    times = time_grid(temperature, path)
    with open_npz(path) as archive:
        positions = float_array(
            required_field(archive, path, "initial_positions"), path, "initial_positions", (None, 3)
        )
        n = len(positions)
        check_count_in_name(path, n)
        cage = None
        if "initial_positions_cage" in archive.files:
            cage = float_array(archive["initial_positions_cage"], path, "initial_positions_cage", (n, 3))
        return Snapshot(
            positions=positions,
            types=required_field(archive, path, "types"),  # checked by the Snapshot
            box=cubic_box(n),
            temperature=temperature,
            inherent_positions=float_array(
                required_field(archive, path, "initial_positions_inherent"), path, "initial_positions_inherent", (n, 3)
            ),
            cage_positions=cage,
            times=times,
            propensity=float_array(required_field(archive, path, "md_prop"), path, "md_prop", (times.size, n)),
            bond_breaking=float_array(required_field(archive, path, "bb_prop"), path, "bb_prop", (times.size, n)),
            metadata={"format": "glassbench"},
            source=str(path),
        )
