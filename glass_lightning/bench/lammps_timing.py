"""Serial LAMMPS timed on the simulator's Kob–Andersen system (simulate/lammps_engine.py): the yardstick
of the simulator benchmark."""

from __future__ import annotations

import time

import numpy as np

from glass_lightning.simulate import kob_andersen
from glass_lightning.simulate.lammps_engine import system_with_atoms

WARM_UP_STEPS = 10  # before the timed run: set-up and the first neighbour list are not timed


def lammps_throughput(
    positions: np.ndarray,
    types: np.ndarray,
    box: np.ndarray,
    velocities: np.ndarray,
    steps: int,
    skin: float,
    pair_style: str,
) -> dict:
    """Integrate ``steps`` NVE steps from ``positions`` (inside the box) and ``velocities`` with ``pair_style``;
    return the wall seconds of the timed run, particle-steps/s and the starting potential energy per particle."""
    instance = system_with_atoms(positions, types, box, velocities, skin, kob_andersen.TIME_STEP, pair_style)
    count = len(positions)
    try:
        instance.command("run 0")
        energy = float(instance.get_thermo("pe"))  # per particle: LJ units normalize thermo output by N
        instance.command(f"run {WARM_UP_STEPS}")
        started = time.perf_counter()
        instance.command(f"run {steps} pre no post no")
        seconds = time.perf_counter() - started
    finally:
        instance.close()
    return {"seconds": seconds, "particle_steps_per_s": count * steps / seconds, "energy_per_particle": energy}
