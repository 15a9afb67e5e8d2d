"""Replica runs with displacements the tests know in closed form, and writers of the trajectory
formats: extended XYZ through the package (ASE), GSD through the gsd package, and LAMMPS text
dumps by a tiny writer here (ASE reads LAMMPS dumps but cannot write them)."""

from __future__ import annotations

from pathlib import Path

import gsd.hoomd
import numpy as np

from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.snapshot import wrap_positions
from glass_lightning.data.synthetic import synthetic_snapshot

N = 64
TEMPERATURE = 0.5
TIMES = np.array([0.0, 1.0, 2.0, 3.0])
TIME_STEP = 0.5  # LAMMPS and GSD frames are at steps TIMES / TIME_STEP
MAX_VELOCITY = 1.2  # per axis and unit time; under half the box (1.88) per frame, over it after three frames


def initial_configuration():
    return synthetic_snapshot(num_particles=N, num_times=1, temperature=TEMPERATURE)


def velocities(replica: int) -> np.ndarray:
    """(N, 3) constant velocities of one replica, with a net drift of the centre of mass."""
    return np.random.default_rng(100 + replica).uniform(-MAX_VELOCITY, MAX_VELOCITY, size=(N, 3)) + [0.05, 0.0, -0.05]


def replica_run(replica: int, times: np.ndarray = TIMES) -> Trajectory:
    """Unwrapped straight-line motion from the initial configuration at ``times``."""
    initial = initial_configuration()
    positions = initial.positions[None] + times[:, None, None] * velocities(replica)[None]
    return Trajectory(positions, initial.types, initial.box, times, images=None, source="<memory>")


def expected_displacements(replicas: int, remove_centre_of_mass: bool) -> np.ndarray:
    """(R, n_times after 0, N) |r(t) - r(0)| of the straight-line runs."""
    drift = np.stack([velocities(replica) for replica in range(replicas)])
    if remove_centre_of_mass:
        drift = drift - drift.mean(axis=1, keepdims=True)
    return TIMES[None, 1:, None] * np.linalg.norm(drift, axis=-1)[:, None, :]


def wrapped_with_images(trajectory: Trajectory) -> tuple[np.ndarray, np.ndarray]:
    wrapped = np.stack([wrap_positions(frame, trajectory.box) for frame in trajectory.positions])
    return wrapped, np.rint((trajectory.positions - wrapped) / trajectory.box).astype(np.int32)


def write_gsd(
    path: Path, trajectory: Trajectory, images: bool = True, tilt: float = 0.0, dimensions: int = 3, types=("A", "B")
) -> Path:
    """Frames centred on the origin (as HOOMD writes them) at steps ``times / TIME_STEP``; ``particles.types``
    lists the species names in the order ``types`` (typeid indexes it)."""
    wrapped, image_flags = wrapped_with_images(trajectory)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gsd.hoomd.open(path, "w") as file:
        for k, time in enumerate(trajectory.times):
            frame = gsd.hoomd.Frame()
            frame.configuration.step = int(round(time / TIME_STEP))
            frame.configuration.box = [*trajectory.box, tilt, 0.0, 0.0]
            frame.configuration.dimensions = dimensions
            frame.particles.N = len(trajectory.types)
            frame.particles.types = list(types)
            frame.particles.typeid = np.array([types.index("AB"[label]) for label in trajectory.types], np.uint32)
            frame.particles.position = (wrapped[k] - trajectory.box / 2).astype(np.float32)
            if images:
                frame.particles.image = image_flags[k]
            file.append(frame)
    return path


def write_lammps_dump(
    path: Path, trajectory: Trajectory, origin: float = -1.0, tilts: tuple[float, float, float] | None = None
) -> Path:
    """``id type x y z`` frames (ids in reverse order), box from ``origin`` to ``origin + L``, types 1 and 2."""
    wrapped, _ = wrapped_with_images(trajectory)
    n = len(trajectory.types)
    bounds = "xy xz yz pp pp pp" if tilts else "pp pp pp"
    lines = []
    for k, time in enumerate(trajectory.times):
        lines += ["ITEM: TIMESTEP", str(int(round(time / TIME_STEP))), "ITEM: NUMBER OF ATOMS", str(n)]
        lines.append(f"ITEM: BOX BOUNDS {bounds}")
        for axis, length in enumerate(trajectory.box):
            lines.append(f"{origin} {origin + length}" + (f" {tilts[axis]}" if tilts else ""))
        lines.append("ITEM: ATOMS id type x y z")
        lines += [
            f"{i + 1} {trajectory.types[i] + 1} " + " ".join(f"{value:.10f}" for value in wrapped[k, i] + origin)
            for i in reversed(range(n))
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path
