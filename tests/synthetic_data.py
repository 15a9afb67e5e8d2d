"""The tiny synthetic native dataset the training, sweep and experiment tests share, and how tests
compare two snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot


def write_synthetic_dataset(
    directory: Path,
    temperatures: Sequence[float] = (0.5, 0.7),
    per_temperature: int = 4,
    num_particles: int = 64,
    num_times: int = 3,
    seed: Callable[[float, int], int] = lambda temperature, index: index,
) -> list[Path]:
    """``per_temperature`` configurations at each temperature as ``T{T}/config_{k:03d}.npz``."""
    return [
        write_snapshot(
            directory / f"T{temperature}" / f"config_{index:03d}.npz",
            synthetic_snapshot(
                num_particles, temperature=temperature, num_times=num_times, seed=seed(temperature, index)
            ),
        )
        for temperature in temperatures
        for index in range(per_temperature)
    ]


SNAPSHOT_ARRAYS = (
    "positions",
    "types",
    "box",
    "inherent_positions",
    "potential_energy",
    "inherent_potential_energy",
    "times",
    "propensity",
    "mean_squared_displacement",
)


def assert_same_arrays(first, second) -> None:
    """Every array of two snapshots equal to the last bit."""
    for name in SNAPSHOT_ARRAYS:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name), err_msg=name)
