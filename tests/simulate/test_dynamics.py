import numpy as np
import openmm
import pytest

from glass_lightning.simulate import engine, isoconfigurational, kob_andersen
from glass_lightning.simulate.observables import (
    displacements,
    propensity_times,
    relaxation_time,
    self_intermediate_scattering,
)

N = 200
TYPES = kob_andersen.species(N)
BOX = np.full(3, kob_andersen.box_length(N, 1.2))


@pytest.fixture(scope="module")
def liquid():
    """A KA liquid at T = 1 after a short Langevin run (positions, unwrapped)."""
    integrator = openmm.LangevinMiddleIntegrator(engine.kelvin(1.0), 5.0, 0.005)
    integrator.setRandomNumberSeed(7)
    context = engine.make_context(engine.build_system(TYPES, BOX), integrator, "CPU", threads=1)
    context.setPositions(np.random.default_rng(7).random((N, 3)) * BOX)
    engine.minimize(context, tolerance=10.0)
    integrator.step(1000)
    return engine.positions(context)


def test_nve_total_energy_drift_is_small(liquid):
    integrator = openmm.VerletIntegrator(0.005)
    context = engine.make_context(engine.build_system(TYPES, BOX), integrator, "CPU", threads=1)
    context.setPositions(liquid)
    context.setVelocities(engine.maxwell_boltzmann_velocities(N, 1.0, np.random.default_rng(0)))
    totals = []
    for _ in range(20):
        integrator.step(150)
        state = context.getState(getEnergy=True)
        totals.append((state.getPotentialEnergy() + state.getKineticEnergy())._value / N)
    drift = abs(totals[-1] - totals[0]) / abs(np.mean(totals))
    assert drift < 1e-3
    assert np.std(totals) / abs(np.mean(totals)) < 1e-3


def test_maxwell_boltzmann_velocities_have_zero_momentum_and_the_temperature():
    velocities = engine.maxwell_boltzmann_velocities(20000, 0.64, np.random.default_rng(1))
    np.testing.assert_allclose(velocities.sum(axis=0), 0.0, atol=1e-9)
    assert np.mean(velocities**2) == pytest.approx(0.64, rel=0.02)


def test_inherent_structure_is_a_local_minimum(liquid):
    isoconfigurational._initialise(TYPES, BOX, "CPU", 0.005)
    result = isoconfigurational.InherentTask(0, liquid, tolerance=1e-6).run()
    assert result.max_force < 1e-3
    minimized = kob_andersen.per_particle_energy(result.positions, TYPES, BOX).sum()
    assert minimized < kob_andersen.per_particle_energy(liquid, TYPES, BOX).sum()
    forces = engine.forces(isoconfigurational._worker["reference"])
    assert np.abs(forces).max() == pytest.approx(result.max_force)


def test_replica_displacements_are_relative_to_the_centre_of_mass(liquid):
    isoconfigurational._initialise(TYPES, BOX, "CPU", 0.005)
    task = isoconfigurational.ReplicaTask(0, 0, liquid, 1.0, 11, np.array([20, 200]), np.array([0, 1]), 7.25)
    first, second = task.run(), task.run()
    np.testing.assert_array_equal(first.distance, second.distance)  # seeded: identical reruns
    assert first.distance[1].mean() > first.distance[0].mean()
    assert 0 < first.self_intermediate_scattering[1] < first.self_intermediate_scattering[0] < 1


def test_displacements_remove_a_rigid_drift():
    start = np.random.default_rng(2).random((50, 3))
    moved = displacements(start, start + np.array([0.3, -1.0, 2.0]))
    np.testing.assert_allclose(moved, 0.0, atol=1e-12)
    assert self_intermediate_scattering(moved, 7.25) == pytest.approx(1.0)


def test_relaxation_time_finds_the_one_over_e_crossing():
    times = np.geomspace(0.01, 100, 200)
    assert relaxation_time(times, np.exp(-times / 3.0)) == pytest.approx(3.0, rel=1e-3)
    assert relaxation_time(times[:50], np.exp(-times[:50] / 3.0)) is None


def test_propensity_times_span_the_range_and_include_tau_alpha():
    times = propensity_times(0.1, 7.3, 2.5, 8, 0.005)
    assert times.size == 8 and times[0] == pytest.approx(0.1) and times[-1] == pytest.approx(2.5 * 7.3, abs=0.005)
    assert np.any(np.isclose(times, 7.3, atol=0.0025)) and np.all(np.diff(times) > 0)
