"""Writers of tiny files in the published layouts of GlassBench, BOTAN and Bapst et al., with
targets whose values the tests know in closed form."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from glass_lightning.data.synthetic import synthetic_snapshot

N = 64
BOX = (N / 1.2) ** (1 / 3)  # GlassBench / BOTAN: number density 1.2
GRID_044 = (0.13, 1.3, 13, 130, 412, 1300, 4120, 13000, 41200, 130000)


def configuration(seed: int = 0, num_particles: int = N):
    """(positions centred in [-L/2, L/2), types) of a non-overlapping KA-like configuration."""
    snapshot = synthetic_snapshot(num_particles=num_particles, num_times=1, seed=seed)
    return snapshot.positions - snapshot.box / 2, snapshot.types


def write_glassbench(folder: Path, temperature: str = "0.44", index: int = 0, cage: bool = True, **overrides) -> Path:
    positions, types = configuration(index)
    n = len(types)
    arrays = {
        "types": types,
        "initial_positions": positions,
        "initial_positions_inherent": positions + 0.01,
        "md_prop": np.arange(10)[:, None] + np.linspace(0, 0.5, n)[None, :],
        "bb_prop": np.full((10, n), 0.25),
    }
    if cage:
        arrays["initial_positions_cage"] = positions - 0.01
    arrays.update(overrides)
    arrays = {key: value for key, value in arrays.items() if value is not None}
    path = Path(folder) / f"N{n}T{temperature}_{index}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return path


def botan_replicas(initial: np.ndarray, time_index: int) -> np.ndarray:
    """Two replicas displaced along x by d and 2d, d = 0.1 * time_index: propensity 1.5 d."""
    step = np.array([0.1 * time_index, 0.0, 0.0])
    return np.stack([initial + step, initial + 2 * step])


def write_botan(
    folder: Path, time_indices=(1, 5, 7), temperature: str = "0.44", index: int = 0, **overrides
) -> list[Path]:
    positions, types = configuration(index)
    paths = []
    for time_index in time_indices:
        arrays = {
            "types": types.astype(np.int8),
            "initial_positions": positions,
            "positions": botan_replicas(positions, time_index),
        }
        arrays.update(overrides)
        path = Path(folder) / f"isoconfig_N{len(types)}T{temperature}_{index}_tc{time_index:02d}.npz"
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **arrays)
        paths.append(path)
    return paths


BAPST_TIME = np.logspace(-2, 4, 20)
BAPST_TIME_INDICES = list(range(5, 15))


def write_bapst(folder: Path, temperature: float = 0.44, index: int = 0, **overrides) -> Path:
    """Replica r at time index k is displaced along y by (r + 1) * 0.01 * (k + 1): propensity 0.015 (k + 1)."""
    positions, types = configuration(index)
    positions = positions + 3 * BOX  # absolute, unwrapped coordinates
    content = {
        "positions": positions,
        "types": types,
        "box": BOX,
        "time": BAPST_TIME,
        "time_indices": np.array(BAPST_TIME_INDICES),
        "is_values": np.linspace(0.9, 0.1, 10),
        "trajectory_start_velocities": [np.zeros_like(positions)] * 2,
        "trajectory_target_positions": [
            [positions + [0.0, (replica + 1) * 0.01 * (k + 1), 0.0] for replica in range(2)] for k in range(10)
        ],
        "metadata": {"temperature": temperature, "pressure": 1.0, "fluid": "Kob-Andersen"},
    }
    content.update(overrides)
    path = Path(folder) / f"aggregated_{index}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        pickle.dump(content, stream)
    return path
