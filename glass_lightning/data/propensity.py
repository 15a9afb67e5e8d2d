"""``glass-lightning propensity``: iso-configurational propensities from replica trajectories.

From one initial configuration and R replica runs started from it, in a trajectory format
(extended XYZ, LAMMPS dump or GSD: :data:`~glass_lightning.data.formats.TRAJECTORY_FORMATS`),
at the frame times after 0 that every replica shares: the propensity (replica mean of
|r(t) - r(0)|), the mean squared displacement (replica mean of |r(t) - r(0)|^2), the number of
replicas and, per type, the split-half reliability of the propensity (the noise ceiling,
data/noise_ceiling.py), written as one native file ready to train on. Positions are unwrapped
as data/formats/trajectory.py says; ``--remove-centre-of-mass`` measures displacements relative
to the centre of mass, as the simulator does. A frame at t = 0 must be the initial configuration.
An ``--output`` that is, contains or lies inside an input is refused (output_guard.py); the
temporary files that a killed run left for it are removed.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from glass_lightning.command_parser import command_parser
from glass_lightning.data.atomic_npz import remove_stale_partials
from glass_lightning.data.formats import FORMATS, TRAJECTORY_FORMATS, check_no_overlaps, find_files
from glass_lightning.data.formats.fields import displacement_moments
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.noise_ceiling import RELIABILITY_KEY, REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.output_guard import check_output_apart
from glass_lightning.progress import add_progress_flag, hidden_progress, progress_bar
from glass_lightning.simulate.observables import relative_to_centre_of_mass

START_TOLERANCE = 1e-3  # a frame at t = 0 further than this from the initial configuration is another start


def displacements_of_run(
    initial: Snapshot, trajectory: Trajectory, remove_centre_of_mass: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The times after 0 of one replica run and its unwrapped displacements there (n_times, N, 3)."""
    source, reference = trajectory.source, initial.source
    if trajectory.num_particles != initial.num_particles:
        count = trajectory.num_particles
        problem = f"{count} particles, {initial.num_particles} in the initial configuration {reference}"
        raise GlassDataError(source, "positions", problem)
    if not np.array_equal(trajectory.types, initial.types):
        problem = f"expected the species of the initial configuration {reference}, particle by particle"
        raise GlassDataError(source, "types", problem)
    if not np.allclose(trajectory.box, initial.box):
        problem = f"expected the box {initial.box.tolist()} of the initial configuration, got {trajectory.box.tolist()}"
        raise GlassDataError(source, "box", problem)
    moved = trajectory.displacements_from(initial.positions)
    at_start = trajectory.times == 0
    gap = float(np.linalg.norm(moved[0], axis=-1).max())
    if at_start.any() and gap > START_TOLERANCE:
        problem = f"the frame at t = 0 is not the initial configuration {reference} (a particle is {gap:.3g} away)"
        raise GlassDataError(source, "positions", problem)
    if not at_start.any() and gap <= START_TOLERANCE:  # a run resumed at step N: every time would be off by N steps
        problem = (
            f"the first frame, at t = {trajectory.times[0]:g}, is the initial configuration {reference}: "
            "the run's step count must start at 0 (LAMMPS: reset_timestep 0)"
        )
        raise GlassDataError(source, "times", problem)
    if remove_centre_of_mass:
        moved = relative_to_centre_of_mass(moved)
    return trajectory.times[~at_start], moved[~at_start]


def _some(sources: list[str], shown: int = 3) -> str:
    """The first ``shown`` of ``sources``, and how many more."""
    more = f" and {len(sources) - shown} more" if len(sources) > shown else ""
    return ", ".join(map(str, sources[:shown])) + more


def propensity_snapshot(
    initial: Snapshot, trajectories: Iterable[Trajectory], remove_centre_of_mass: bool = False
) -> Snapshot:
    """``initial`` with the propensity and mean squared displacement of the replica ``trajectories``."""
    runs = [
        (trajectory.source, *displacements_of_run(initial, trajectory, remove_centre_of_mass))
        for trajectory in trajectories
    ]
    if not runs:
        raise GlassDataError(initial.source, "trajectories", "expected at least one replica trajectory, got none")
    sources, all_times, moved = zip(*runs)
    grids: list[tuple[np.ndarray, list[str]]] = []  # each distinct time grid and the runs that have it
    for source, times in zip(sources, all_times):
        same = [
            grid for grid in grids if grid[0].shape == times.shape and np.allclose(grid[0], times, rtol=1e-9, atol=0)
        ]
        if same:
            same[0][1].append(source)
        else:
            grids.append((times, [source]))
    if len(grids) > 1:
        grids.sort(key=lambda grid: -len(grid[1]))  # the most common first: the odd runs come last
        listed = "; ".join(f"t = {grid_times.tolist()} in {_some(grid_sources)}" for grid_times, grid_sources in grids)
        raise GlassDataError(grids[-1][1][0], "times", f"the replicas have different frame times: {listed}")
    times = all_times[0]
    if times.size == 0:
        raise GlassDataError(sources[0], "times", "no frame after t = 0")
    replicas = np.stack(moved)  # (R, n_times, N, 3)
    source = Path(initial.source)
    propensity, squared, reliability = zip(
        *(displacement_moments(replicas[:, k], initial.types, source, "positions") for k in range(times.size))
    )
    return dataclasses.replace(
        initial,
        times=times,
        propensity=np.stack(propensity),
        mean_squared_displacement=np.stack(squared),
        bond_breaking=None,
        metadata=initial.metadata
        | {
            "initial": initial.source,
            "trajectories": list(sources),
            "centre_of_mass_removed": remove_centre_of_mass,
            REPLICAS_KEY: len(sources),
            RELIABILITY_KEY: list(reliability),
        },
    )


def parser() -> argparse.ArgumentParser:
    result = command_parser("propensity", "Written as a native file.")
    result.add_argument("initial", help="the initial configuration (the first frame of this file)")
    result.add_argument("trajectories", nargs="+", help="replica trajectories: files, directories (searched) or globs")
    result.add_argument(
        "--format",
        required=True,
        choices=sorted(TRAJECTORY_FORMATS),
        help="format of the initial configuration and the trajectories",
    )
    result.add_argument("--output", required=True, help="the native .npz file to write")
    result.add_argument("--temperature", type=float, help="where the files store none and the path has no T{T}")
    result.add_argument("--time-step", type=float, help="frame time = step x time step (LAMMPS dump, GSD)")
    result.add_argument(
        "--remove-centre-of-mass", action="store_true", help="measure displacements from the centre of mass"
    )
    add_progress_flag(result)
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    reader = TRAJECTORY_FORMATS[arguments.format]
    check_output_apart(arguments.output, [arguments.initial, *arguments.trajectories])
    initial = reader.read_configuration(Path(arguments.initial), arguments.temperature)
    check_no_overlaps(initial)
    files = find_files(arguments.trajectories, FORMATS[arguments.format].patterns)
    with hidden_progress(arguments.no_progress):
        trajectories = (
            reader.read_trajectory(path, arguments.time_step)
            for path in progress_bar(files, desc="replicas", unit="replica")
        )
        snapshot = propensity_snapshot(initial, trajectories, arguments.remove_centre_of_mass)
    remove_stale_partials([arguments.output])
    path = write_snapshot(arguments.output, snapshot)
    times = snapshot.times.tolist()
    print(f"{path}: N = {snapshot.num_particles}, T = {snapshot.temperature:g}, {len(files)} replicas, times {times}")
    return 0
