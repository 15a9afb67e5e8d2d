"""The replica-noise ceiling: both estimates against the known reliability of simulated replicas,
which estimate a snapshot gets, and where a researcher sees it."""

import numpy as np
import pytest
from published_layouts import configuration

from glass_lightning.data.formats import read_snapshots
from glass_lightning.data.inspect import main as inspect_main
from glass_lightning.data.noise_ceiling import (
    RELIABILITY_KEY,
    expected_correlation,
    moments_reliability,
    noise_ceiling,
    split_half_reliability,
)
from glass_lightning.data.synthetic import REPLICA_SPREAD, REPLICAS, synthetic_snapshot

TRUE_SPREAD, REPLICA_NOISE, NUM_REPLICAS = 0.3, 0.6, 16
# reliability of a 16-replica mean: var(true) / (var(true) + noise^2 / R)
EXPECTED = TRUE_SPREAD**2 / (TRUE_SPREAD**2 + REPLICA_NOISE**2 / NUM_REPLICAS)


def simulated_distances(num_particles=4000, seed=0):
    """(R, N) replica displacements |dr| around a per-particle true propensity, and 80:20 types."""
    rng = np.random.default_rng(seed)
    true = 1.0 + TRUE_SPREAD * rng.standard_normal(num_particles)
    distances = np.abs(true + REPLICA_NOISE * rng.standard_normal((NUM_REPLICAS, num_particles)))
    types = (rng.random(num_particles) < 0.2).astype(np.int64)
    return distances, types


def test_split_half_and_moments_recover_the_known_reliability():
    distances, types = simulated_distances()
    split_half = split_half_reliability(distances, types)
    moments = moments_reliability(distances.mean(0), (distances**2).mean(0), NUM_REPLICAS, types)
    assert EXPECTED == pytest.approx(0.8)
    np.testing.assert_allclose(split_half, EXPECTED, atol=0.05)
    np.testing.assert_allclose(moments, EXPECTED, atol=0.05)


def test_noiseless_replicas_give_a_ceiling_of_one_and_a_single_replica_none():
    distances = np.tile(np.linspace(0.5, 2.0, 100), (4, 1))
    types = np.zeros(100, dtype=np.int64)
    assert split_half_reliability(distances, types) == [pytest.approx(1.0)]
    assert np.isnan(split_half_reliability(distances[:1], types)).all()


def test_ceiling_from_stored_moments_and_replica_count():
    snapshot = synthetic_snapshot(512, num_times=2)
    per_replica_spread = REPLICA_SPREAD**2 * snapshot.propensity**2
    for label in (0, 1):
        mask = snapshot.types == label
        expected = 1 - (per_replica_spread[:, mask] / REPLICAS).mean(1) / snapshot.propensity[:, mask].var(1)
        np.testing.assert_allclose(noise_ceiling(snapshot)[:, label], np.sqrt(expected), rtol=1e-6)
    snapshot.metadata[RELIABILITY_KEY] = [[0.81, 0.64], [0.49, 0.36]]
    np.testing.assert_allclose(noise_ceiling(snapshot), [[0.9, 0.8], [0.7, 0.6]])  # the stored split-half wins
    del snapshot.metadata[RELIABILITY_KEY], snapshot.metadata["replicas"]
    assert noise_ceiling(snapshot) is None


def test_botan_reader_measures_the_split_half_ceiling_and_inspect_prints_it(tmp_path, capsys):
    positions, types = configuration(0)
    rng = np.random.default_rng(1)
    true = 0.5 + 0.2 * rng.random(len(types))
    directions = rng.standard_normal((8, len(types), 3))
    lengths = np.abs(true + 0.1 * rng.standard_normal((8, len(types))))
    replicas = positions + directions / np.linalg.norm(directions, axis=-1, keepdims=True) * lengths[..., None]
    path = tmp_path / "isoconfig_N{}T0.44_0_tc07.npz".format(len(types))
    np.savez(path, types=types.astype(np.int8), initial_positions=positions, positions=replicas)
    (snapshot,) = read_snapshots(tmp_path, "botan")
    expected = split_half_reliability(lengths, types)
    np.testing.assert_allclose(snapshot.metadata[RELIABILITY_KEY], [expected])
    np.testing.assert_allclose(noise_ceiling(snapshot), np.sqrt([expected]))
    assert inspect_main([str(tmp_path), "--format", "botan", "--cutoff", "1.5"]) == 0
    assert (
        f"noise ceiling of A (highest Pearson the replicas permit; mean, min-max over files): {np.sqrt(expected[0]):.2f}"
        in capsys.readouterr().out
    )


def test_the_expected_correlation_of_two_replica_means_is_what_independent_replica_sets_show():
    """R = 8 replicas (reliability from split-half) against R' = 30 others of the same propensity."""
    rng = np.random.default_rng(3)
    true = 1.0 + TRUE_SPREAD * rng.standard_normal(20000)
    ours = true + REPLICA_NOISE * rng.standard_normal((8, true.size))
    theirs = (true + REPLICA_NOISE * rng.standard_normal((30, true.size))).mean(axis=0)
    reliability = split_half_reliability(ours, np.zeros(true.size, dtype=np.int64))[0]
    observed = np.corrcoef(ours.mean(axis=0), theirs)[0, 1]
    exact = np.sqrt(np.prod([TRUE_SPREAD**2 / (TRUE_SPREAD**2 + REPLICA_NOISE**2 / r) for r in (8, 30)]))
    assert expected_correlation(reliability, 8, 30) == pytest.approx(exact, abs=0.01)
    assert observed == pytest.approx(exact, abs=0.01)
    assert expected_correlation(reliability, 8, 8) == pytest.approx(reliability)
