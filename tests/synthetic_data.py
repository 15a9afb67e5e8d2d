"""The tiny synthetic native dataset the training, sweep and experiment tests share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

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
