"""Simulator throughput: iso-configurational replicas (NVE, OpenMM) with 1 and 2 worker processes.

A small Kob–Andersen system (jittered lattice, briefly minimized) is integrated in
``replicas`` replicas of ``steps`` steps each through the simulate package's task runner.
Particle-steps/s = particles x steps x replicas / wall time; the wall time includes starting
the worker processes, as a real run pays it too.
"""

from __future__ import annotations

import time

import numpy as np
import openmm

from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.simulate import engine, kob_andersen
from glass_lightning.simulate.isoconfigurational import ReplicaTask, run_tasks

TEMPERATURE = 0.5


def starting_configuration(
    num_particles: int, density: float, platform: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (minimized), species and box of a small KA system."""
    snapshot = synthetic_snapshot(num_particles=num_particles, density=density, seed=1)
    types = kob_andersen.species(num_particles)
    integrator = openmm.VerletIntegrator(kob_andersen.TIME_STEP)
    context = engine.make_context(engine.build_system(types, snapshot.box), integrator, platform, threads=1)
    context.setPositions(snapshot.positions)
    return engine.minimize(context, tolerance=10.0, max_iterations=500), types, snapshot.box


def replica_throughput(
    num_particles: int, replicas: int, steps: int, workers: int, platform: str, density: float = kob_andersen.DENSITY
) -> dict:
    positions, types, box = starting_configuration(num_particles, density, platform)
    grid = np.linspace(steps / 4, steps, 4).astype(np.int64)
    tasks = [
        ReplicaTask(
            0,
            replica,
            positions,
            TEMPERATURE,
            seed=replica,
            steps=grid,
            recorded=np.array([len(grid) - 1]),
            wavenumber=kob_andersen.WAVENUMBER,
        )
        for replica in range(replicas)
    ]
    start = time.perf_counter()
    results = list(run_tasks(tasks, types, box, platform, kob_andersen.TIME_STEP, workers))
    seconds = time.perf_counter() - start
    if not all(np.isfinite(result.distance).all() for result in results):
        raise RuntimeError("a benchmark replica produced non-finite displacements")
    return {"workers": workers, "seconds": seconds, "particle_steps_per_s": num_particles * steps * replicas / seconds}


def best_platform() -> str:
    available = engine.available_platforms()
    return next(name for name in ("CUDA", "OpenCL", "CPU", "Reference") if name in available)
