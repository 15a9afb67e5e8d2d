"""The simulator's engine against serial LAMMPS on one configuration: particle-steps/s and their ratio.

The configuration is Bapst et al.'s N = 4096 Kob–Andersen one at T = 0.44 (data/bapst-T0.44), with one
draw of Maxwell–Boltzmann velocities at T (zero total momentum) shared by every run. Our engine (the
OpenMM CPU system of simulate/engine.py, with 1 and 2 threads) and LAMMPS (serial, simulate/lammps_engine.py:
``lj/cut`` with OpenMM's neighbour skin and with its own default; ``lj/cut/opt`` with the skin of the LAMMPS
replicas) integrate it in NVE with time step 0.005. Each
run times ``steps`` steps after a warm-up (set-up and the first neighbour list untimed); engines take
turns, ``repeats`` rounds, and each keeps its fastest run, so that a load on the machine hits them alike.
The two engines' potential energies of the starting configuration must agree to ENERGY_TOLERANCE (the
same potential), or the comparison stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import numpy as np
import openmm

from glass_lightning.bench import lammps_timing
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.markdown import table
from glass_lightning.simulate import engine, kob_andersen, lammps_engine
from glass_lightning.simulate.physics_reference import REFERENCE

ENERGY_TOLERANCE = 1e-4  # relative, of U/N: OpenMM's CPU platform computes forces in single precision
THREADS = (1, 2)
VELOCITY_SEED = 0
OURS = {f"OpenMM CPU (ours), {threads} thread{'s' * (threads > 1)}": threads for threads in THREADS}
YARDSTICK = f"LAMMPS serial, skin {lammps_engine.OPENMM_SKIN:g} (OpenMM's)"  # the ratios' denominator
LAMMPS = {  # label -> (skin, pair style)
    YARDSTICK: (lammps_engine.OPENMM_SKIN, lammps_engine.PAIR_STYLE),
    f"LAMMPS serial, skin {lammps_engine.DEFAULT_SKIN:g} (its default)": (
        lammps_engine.DEFAULT_SKIN,
        lammps_engine.PAIR_STYLE,
    ),
    f"LAMMPS serial, {lammps_engine.REPLICA_PAIR_STYLE}, skin {lammps_engine.REPLICA_SKIN:g} (our LAMMPS replicas)": (
        lammps_engine.REPLICA_SKIN,
        lammps_engine.REPLICA_PAIR_STYLE,
    ),
}


def starting_state() -> dict:
    """Positions, species, box and temperature of the reference configuration, with velocities drawn at T."""
    snapshot = read_snapshot(REFERENCE)
    velocities = engine.maxwell_boltzmann_velocities(
        snapshot.num_particles, snapshot.temperature, np.random.default_rng(VELOCITY_SEED)
    )
    return {
        "positions": snapshot.positions,
        "types": snapshot.types,
        "box": snapshot.box,
        "velocities": velocities,
        "temperature": snapshot.temperature,
    }


def openmm_throughput(state: dict, steps: int, threads: int) -> dict:
    """Our engine on the CPU platform with ``threads`` threads: the same record as ``lammps_throughput``."""
    integrator = openmm.VerletIntegrator(kob_andersen.TIME_STEP)
    system = engine.build_system(state["types"], state["box"])
    context = engine.make_context(system, integrator, "CPU", threads)
    context.setPositions(state["positions"])
    context.setVelocities(state["velocities"])
    energy = engine.potential_energy(context) / len(state["positions"])
    integrator.step(lammps_timing.WARM_UP_STEPS)
    started = time.perf_counter()
    integrator.step(steps)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "particle_steps_per_s": len(state["positions"]) * steps / seconds,
        "energy_per_particle": energy,
    }


def lammps_run(state: dict, steps: int, skin: float, pair_style: str) -> dict:
    """Serial LAMMPS with neighbour ``skin`` and ``pair_style``: the same record as :func:`openmm_throughput`."""
    positions, types, box, velocities = (state[key] for key in ("positions", "types", "box", "velocities"))
    return lammps_timing.lammps_throughput(positions, types, box, velocities, steps, skin, pair_style)


def cases(lammps_reason: str | None) -> dict[str, Callable[[dict, int], dict]]:
    """Label -> run(state, steps) of every case measured here: LAMMPS's only where it runs."""
    runs = {label: partial(openmm_throughput, threads=threads) for label, threads in OURS.items()}
    if lammps_reason is None:
        runs |= {
            label: partial(lammps_run, skin=skin, pair_style=pair_style) for label, (skin, pair_style) in LAMMPS.items()
        }
    return runs


def fastest_runs(state: dict, steps: int, repeats: int, lammps_reason: str | None) -> dict[str, dict]:
    """Each case's fastest of ``repeats`` runs, the cases taking turns; checks that the energies agree."""
    runs, measured = cases(lammps_reason), {}
    for _ in range(repeats):
        for label, run in runs.items():
            result = run(state, steps)
            if label not in measured or result["seconds"] < measured[label]["seconds"]:
                measured[label] = result
    energies = np.array([result["energy_per_particle"] for result in measured.values()])
    if np.ptp(energies) > ENERGY_TOLERANCE * abs(energies[0]):
        raise RuntimeError(f"the engines disagree on the starting potential energy per particle: {energies}")
    return measured


def engine_section(steps: int, repeats: int) -> list[str]:
    """The markdown lines of the comparison; LAMMPS's rows say why where it cannot run."""
    reason, state = lammps_engine.unavailable(), starting_state()
    measured = fastest_runs(state, steps, repeats, reason)
    yardstick = measured.get(YARDSTICK)
    rows = []
    for label, result in measured.items():
        rate = result["particle_steps_per_s"]
        ratio = "—" if yardstick is None else f"{rate / yardstick['particle_steps_per_s']:.2f}"
        rows.append([label, f"{rate:.3g}", ratio])
    if reason is not None:
        rows.append(["LAMMPS serial", reason, "—"])
    lines = [
        f"N = {len(state['positions'])} Kob–Andersen at T = {state['temperature']:g} (the configuration of "
        f"{REFERENCE}), NVE, time step {kob_andersen.TIME_STEP}, potential truncated and shifted at "
        f"{kob_andersen.CUTOFF_IN_SIGMA:g} σ_αβ, the same starting velocities; {steps} timed steps per run, fastest of "
        f"{repeats} (method: glass_lightning/bench/engine_comparison.py). OpenMM's CPU platform computes in single "
        "precision with one cutoff (2.5 σ_AA) for every pair in its neighbour list; LAMMPS in double precision with "
        "per-pair cutoffs.",
        "",
        table(["engine", "particle-steps/s", "÷ LAMMPS serial (same skin)"], rows),
    ]
    if yardstick is not None:
        ours = measured[next(iter(OURS))]["particle_steps_per_s"]
        lines += ["", f"LAMMPS serial / ours on one thread: {yardstick['particle_steps_per_s'] / ours:.2f}x"]
    return lines
