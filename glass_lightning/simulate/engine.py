"""The boundary with OpenMM: system, platforms, contexts, velocities and minimization.

OpenMM's units coincide with reduced Lennard-Jones units when epsilon = 1 kJ/mol, sigma = 1 nm
and m = 1 amu: lengths are nm, times ps, energies kJ/mol, velocities nm/ps. Only the
thermostat temperature needs converting, since OpenMM takes kelvin: T_K = T* / R.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import openmm
from openmm import unit

from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import kob_andersen

MOLAR_GAS_CONSTANT = unit.MOLAR_GAS_CONSTANT_R.value_in_unit(unit.kilojoule_per_mole / unit.kelvin)


def kelvin(reduced_temperature: float) -> float:
    """The OpenMM temperature (K) at which k_B T equals ``reduced_temperature`` kJ/mol."""
    return reduced_temperature / MOLAR_GAS_CONSTANT


def build_system(types: np.ndarray, box: np.ndarray) -> openmm.System:
    """A periodic Kob–Andersen system with a per-pair truncated and shifted potential."""
    system = openmm.System()
    system.setDefaultPeriodicBoxVectors(*(openmm.Vec3(*row) for row in np.diag(box)))
    force = openmm.CustomNonbondedForce(kob_andersen.energy_expression())
    force.addPerParticleParameter("species")
    force.setNonbondedMethod(openmm.CustomNonbondedForce.CutoffPeriodic)
    force.setCutoffDistance(kob_andersen.LARGEST_CUTOFF)
    force.setUseLongRangeCorrection(False)
    for label in types:
        system.addParticle(kob_andersen.MASS)
        force.addParticle([float(label)])
    system.addForce(force)
    return system


def available_platforms() -> list[str]:
    return [openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())]


def platform_by_name(name: str, source: object = "<memory>") -> openmm.Platform:
    available = available_platforms()
    if name not in available:
        raise GlassDataError(
            source, "platform", f"OpenMM platform {name!r} is not available here; available: {available}"
        )
    return openmm.Platform.getPlatformByName(name)


def platform_properties(name: str, threads: int) -> dict[str, str]:
    if name == "CPU":
        return {"Threads": str(threads)}
    if name in ("CUDA", "OpenCL"):
        return {"Precision": "mixed"}
    return {}


def make_context(
    system: openmm.System, integrator: openmm.Integrator, platform_name: str, threads: int
) -> openmm.Context:
    platform = openmm.Platform.getPlatformByName(platform_name)
    return openmm.Context(system, integrator, platform, platform_properties(platform_name, threads))


def maxwell_boltzmann_velocities(num_particles: int, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Velocities drawn at ``temperature`` with the total momentum removed (equal masses)."""
    velocities = rng.normal(0.0, np.sqrt(temperature / kob_andersen.MASS), size=(num_particles, 3))
    return velocities - velocities.mean(axis=0)


def positions(context: openmm.Context) -> np.ndarray:
    """Current positions, unwrapped (OpenMM never wraps them unless asked)."""
    return context.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(unit.nanometer)


def potential_energy(context: openmm.Context) -> float:
    return context.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)


def forces(context: openmm.Context) -> np.ndarray:
    return (
        context.getState(getForces=True).getForces(asNumpy=True).value_in_unit(unit.kilojoule_per_mole / unit.nanometer)
    )


def newtonian_positions(
    context: openmm.Context, integrator: openmm.Integrator, start: np.ndarray, velocities: np.ndarray, steps: np.ndarray
) -> Iterator[np.ndarray]:
    """Integrate from ``start`` with ``velocities``; after each of the increasing step counts
    ``steps``, yield the unwrapped positions (N, 3)."""
    context.setPositions(start)
    context.setVelocities(velocities)
    done = 0
    for step in steps:
        integrator.step(int(step) - done)
        done = int(step)
        yield positions(context)


def minimize(context: openmm.Context, tolerance: float, max_iterations: int = 0) -> np.ndarray:
    """Minimize the energy in place (L-BFGS to an RMS force below ``tolerance``); return positions."""
    openmm.LocalEnergyMinimizer.minimize(context, tolerance, max_iterations)
    return positions(context)
