import numpy as np
import openmm
import pytest

from glass_lightning.simulate import engine, kob_andersen


def openmm_energy(positions, types, box, platform="Reference"):
    context = engine.make_context(engine.build_system(types, box), openmm.VerletIntegrator(0.005), platform, threads=1)
    context.setPositions(positions)
    return engine.potential_energy(context)


@pytest.mark.parametrize("pair", [(0, 0), (0, 1), (1, 1)])
def test_pair_potential_equals_direct_numpy_evaluation(pair):
    rng = np.random.default_rng(sum(pair))
    box = np.full(3, 12.0)
    types = np.array(pair)
    epsilon, sigma = kob_andersen.EPSILON[pair], kob_andersen.SIGMA[pair]
    cutoff = 2.5 * sigma
    shift = 4 * epsilon * ((sigma / cutoff) ** 12 - (sigma / cutoff) ** 6)
    for distance in rng.uniform(0.8 * sigma, 3.2 * sigma, size=12):
        direction = rng.normal(size=3)
        positions = np.array([[6.0, 6.0, 6.0], [6.0, 6.0, 6.0] + distance * direction / np.linalg.norm(direction)])
        expected = (
            4 * epsilon * ((sigma / distance) ** 12 - (sigma / distance) ** 6) - shift if distance < cutoff else 0.0
        )
        assert openmm_energy(positions, types, box) == pytest.approx(expected, abs=1e-9)
        assert kob_andersen.pair_energy(np.array([distance]), types[:1], types[1:])[0] == pytest.approx(
            expected, abs=1e-12
        )


def test_per_particle_energies_sum_to_the_openmm_total():
    types = kob_andersen.species(200)
    box = np.full(3, kob_andersen.box_length(200, 1.2))
    context = engine.make_context(
        engine.build_system(types, box), openmm.VerletIntegrator(0.005), "Reference", threads=1
    )
    context.setPositions(np.random.default_rng(3).random((200, 3)) * box)
    positions = engine.minimize(context, tolerance=1.0)  # off the overlaps of a random start, still far from a minimum
    per_particle = kob_andersen.per_particle_energy(positions, types, box)
    assert per_particle.sum() == pytest.approx(engine.potential_energy(context), rel=1e-9)
    assert openmm_energy(positions, types, box, platform="CPU") == pytest.approx(per_particle.sum(), rel=1e-5)


def test_species_are_80_20_with_a_first():
    types = kob_andersen.species(500)
    assert np.count_nonzero(types == 0) == 400 and np.all(types[:400] == 0)
