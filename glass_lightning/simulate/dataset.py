"""Generate a dataset: per temperature, equilibrate and sample configurations, then compute
inherent structures and iso-configurational propensities, one native file per configuration.

Layout: ``{output}/T{T:.3f}/config_{k:04d}.npz``; with ``trajectories``, also the frames of each
replica (t = 0 and the propensity times; positions wrapped, with image flags) as
``{output}/T{T:.3f}/trajectories/config_{k:04d}/replica_{r:03d}.extxyz``, which
``glass-lightning propensity`` reads. Sampled thermal configurations are first
checkpointed as ``.config_{k:04d}.thermal`` (same native format, hidden, not ``*.npz``) so a
killed run resumes without re-equilibrating; each is removed once its configuration file is
written. Existing configuration files are never recomputed, and every replica's seed derives
from (seed, T, configuration, replica), so a resumed run writes identical files.

On a cluster, a job array shares the work: ``sample_only`` once (equilibrate and checkpoint every
configuration), then shard k of n computes the replicas of configurations k, k + n, ... into the
same folder. A shard that finds no checkpoints equilibrates for itself (from the same seed; on
another machine or thread count the trajectory, hence its configurations, may differ).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import openmm

import glass_lightning
from glass_lightning.data.formats.extxyz import write_extxyz_trajectory
from glass_lightning.data.formats.native import read_snapshot, write_snapshot
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.progress import progress_bar
from glass_lightning.simulate import kob_andersen, seeds
from glass_lightning.simulate.config import SimulationConfig
from glass_lightning.simulate.equilibration import Equilibration
from glass_lightning.simulate.isoconfigurational import (
    InherentResult,
    InherentTask,
    ReplicaResult,
    ReplicaTask,
    run_tasks,
)
from glass_lightning.simulate.observables import log_grid, propensity_times, relaxation_time, step_counts

DENSE_GRID_POINTS = 40
MODEL = "Kob-Andersen 3D 80:20 (eps AA/AB/BB 1/1.5/0.5, sigma 1/0.8/0.88), truncated and shifted at 2.5 sigma_ab"
TAU_ALPHA_DEFINITION = "time where F_s(q, t) of A particles (centre of mass removed, mean over NVE runs) crosses 1/e"


def temperature_directory(output: str | Path, temperature: float) -> Path:
    return Path(output) / f"T{temperature:.3f}"


def configuration_path(directory: Path, index: int) -> Path:
    return directory / f"config_{index:04d}.npz"


def checkpoint_path(directory: Path, index: int) -> Path:
    return directory / f".config_{index:04d}.thermal"


def trajectory_path(directory: Path, index: int, replica: int) -> Path:
    return directory / "trajectories" / f"config_{index:04d}" / f"replica_{replica:03d}.extxyz"


def _run_parameters(config: SimulationConfig, temperature: float) -> dict:
    return {
        "generator": "glass_lightning.simulate",
        "version": glass_lightning.__version__,
        "openmm_version": openmm.__version__,
        "platform": config.platform,
        "model": MODEL,
        "temperature": temperature,
        "density": config.density,
        "num_particles": config.num_particles,
        "fraction_a": config.fraction_a,
        "time_step": config.time_step,
        "wavenumber": config.wavenumber,
        "replicas": config.replicas,
        "seed": config.seed,
    }


def _sample(
    config: SimulationConfig, temperature: float, types: np.ndarray, pending: list[int], progress: bool
) -> None:
    """Equilibrate, sample, choose the propensity times, and checkpoint the pending configurations."""
    directory = temperature_directory(config.output, temperature)
    seed = seeds.derived_seed(config.seed, temperature, seeds.EQUILIBRATION)
    configurations, record = Equilibration(config, temperature, types, seed, progress).run()
    tau_alpha = record["tau_alpha_sampling"]
    if config.times is None:
        times = propensity_times(
            config.first_time, tau_alpha, config.last_time_tau_alpha, config.num_times, config.time_step
        )
    else:
        times = step_counts(config.times, config.time_step) * config.time_step
    metadata = _run_parameters(config, temperature) | {
        "tau_alpha": tau_alpha,
        "tau_alpha_definition": TAU_ALPHA_DEFINITION,
        "equilibration": record | {"seed": seed},
    }
    for index in pending:
        positions = configurations[index]
        snapshot = Snapshot(
            positions=positions,
            types=types,
            box=config.box,
            temperature=temperature,
            times=times,
            potential_energy=kob_andersen.per_particle_energy(positions, types, config.box),
            metadata=metadata | {"configuration_index": index},
        )
        write_snapshot(checkpoint_path(directory, index), snapshot)


def _finish(
    thermal: Snapshot, inherent: InherentResult, replicas: list, seeds_used: list[int], grid: np.ndarray
) -> Snapshot:
    distance = np.stack([result.distance for result in replicas])
    correlation = np.mean([result.self_intermediate_scattering for result in replicas], axis=0)
    msd = np.mean([result.mean_squared_displacement for result in replicas], axis=0)
    box = thermal.box
    inherent_energy = kob_andersen.per_particle_energy(inherent.positions, thermal.types, box)
    metadata = dict(thermal.metadata) | {
        "replica_seeds": seeds_used,
        "potential_energy_per_particle": float(thermal.potential_energy.mean()),
        "inherent_potential_energy_per_particle": float(inherent_energy.mean()),
        "inherent_max_force": inherent.max_force,
        "isoconfigurational": {
            "times": grid.tolist(),
            "self_intermediate_scattering": correlation.tolist(),
            "mean_squared_displacement": msd.tolist(),
            "tau_alpha": relaxation_time(grid, correlation),
        },
    }
    return Snapshot(
        positions=thermal.positions,
        types=thermal.types,
        box=box,
        temperature=thermal.temperature,
        inherent_positions=inherent.positions,
        potential_energy=thermal.potential_energy,
        inherent_potential_energy=inherent_energy,
        times=thermal.times,
        propensity=distance.mean(axis=0),
        mean_squared_displacement=(distance**2).mean(axis=0),
        metadata=metadata,
    )


def _write_trajectory(directory: Path, thermal: Snapshot, result: ReplicaResult) -> None:
    """The replica's frames at t = 0 (the configuration) and at the propensity times, as extended XYZ."""
    trajectory = Trajectory(
        positions=np.concatenate([thermal.positions[None], result.positions]),
        types=thermal.types,
        box=thermal.box,
        times=np.concatenate([[0.0], thermal.times]),
        images=None,
        source="<memory>",
    )
    path = trajectory_path(directory, result.configuration, result.replica)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_extxyz_trajectory(trajectory, path, thermal.temperature)


def _propensities(
    config: SimulationConfig, temperature: float, types: np.ndarray, pending: list[int], progress: bool
) -> None:
    """Inherent structures and replicas of the checkpointed configurations; write each when done."""
    directory = temperature_directory(config.output, temperature)
    thermal = {index: read_snapshot(checkpoint_path(directory, index)) for index in pending}
    times = thermal[pending[0]].times
    grid = np.union1d(log_grid(config.time_step, times[-1], DENSE_GRID_POINTS, config.time_step), times)
    steps = step_counts(grid, config.time_step)
    recorded = np.searchsorted(steps, step_counts(times, config.time_step))
    replica_seeds = {
        index: [
            seeds.derived_seed(config.seed, temperature, seeds.REPLICA_VELOCITIES, index, r)
            for r in range(config.replicas)
        ]
        for index in pending
    }
    tasks: list = [InherentTask(index, thermal[index].positions, config.minimizer_tolerance) for index in pending]
    tasks += [
        ReplicaTask(
            index,
            r,
            thermal[index].positions,
            temperature,
            replica_seeds[index][r],
            steps,
            recorded,
            config.wavenumber,
            config.trajectories,
        )
        for index in pending
        for r in range(config.replicas)
    ]
    done: dict[int, dict] = defaultdict(dict)
    configuration_bar = progress_bar(
        total=len(pending), show=progress, desc=f"configurations T={temperature:g}", unit="config"
    )
    replica_bar = progress_bar(
        total=len(pending) * config.replicas, show=progress, desc="replicas", unit="run", leave=False
    )
    results = run_tasks(tasks, types, config.box, config.platform, config.time_step, config.num_workers)
    for result in results:
        done[result.configuration]["inherent" if isinstance(result, InherentResult) else result.replica] = result
        if not isinstance(result, InherentResult):
            replica_bar.update()
            if config.trajectories:
                _write_trajectory(directory, thermal[result.configuration], result)
        parts = done[result.configuration]
        if len(parts) == config.replicas + 1:
            index = result.configuration
            replicas = [parts[r] for r in range(config.replicas)]
            snapshot = _finish(thermal[index], parts["inherent"], replicas, replica_seeds[index], grid)
            write_snapshot(configuration_path(directory, index), snapshot)
            del done[index]
            configuration_bar.update()
    replica_bar.close()
    configuration_bar.close()


def _warn_without_trajectories(directory: Path, temperature: float, written: list[int]) -> None:
    """Trajectories are written while a configuration is simulated: say so for those written before."""
    without = [index for index in written if not trajectory_path(directory, index, 0).exists()]
    if without:
        print(
            f"simulate: T = {temperature:g}: {len(without)} configuration(s) already written without trajectories; "
            "they are written while a configuration is simulated: simulate into a new --output to get them "
            "(the same seed gives the same configurations on the same machine and thread count)",
            file=sys.stderr,
        )


def shard_indices(configurations: int, shard: tuple[int, int]) -> list[int]:
    """The configuration indices of shard ``k`` of ``n`` (every n-th, from k): disjoint, and together all."""
    k, n = shard
    return list(range(k, configurations, n))


def generate(
    config: SimulationConfig, progress: bool = True, shard: tuple[int, int] = (0, 1), sample_only: bool = False
) -> list[Path]:
    """Write every missing configuration file of the dataset (of ``shard`` = (k, n) only: the
    configurations k, k + n, ...); return their paths. With ``sample_only``, stop once every
    configuration is equilibrated and checkpointed (a job array's shards then skip sampling)."""
    types = kob_andersen.species(config.num_particles, config.fraction_a)
    paths = []
    for temperature in config.temperatures:
        directory = temperature_directory(config.output, temperature)
        indices = shard_indices(config.configurations, shard)
        wanted = {index: configuration_path(directory, index) for index in indices}
        pending = [index for index, path in wanted.items() if not path.exists()]
        if config.trajectories and not sample_only:
            _warn_without_trajectories(directory, temperature, [index for index in wanted if index not in pending])
        if pending and not all(checkpoint_path(directory, index).exists() for index in pending):
            _sample(config, temperature, types, pending, progress)
        if pending and not sample_only:
            _propensities(config, temperature, types, pending, progress)
            for index in pending:
                checkpoint_path(directory, index).unlink(missing_ok=True)
        paths += [] if sample_only else list(wanted.values())
    return paths
