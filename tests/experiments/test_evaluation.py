"""Scoring a model at every temperature: channels matched in t / tau_alpha, Pearson against scipy."""

import numpy as np
import pytest
from scipy.stats import pearsonr

from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.experiments.evaluation import matching_channels, score, score_node_input


def test_channels_match_in_units_of_tau_alpha():
    model_times = [0.1, 1.0, 10.0, 100.0]
    # twice the tau_alpha: the same reduced times sit at twice the absolute times
    assert matching_channels(model_times, 10.0, [0.2, 2.0, 20.0, 200.0], 20.0) == [0, 1, 2, 3]
    assert matching_channels(model_times, 10.0, [20.0], 20.0) == [2]
    # unknown tau_alpha on either side: absolute times
    assert matching_channels(model_times, None, [0.12, 90.0], 20.0) == [0, 3]


def test_pooled_and_per_configuration_pearson_against_scipy():
    rng = np.random.default_rng(0)
    types = [rng.integers(0, 2, 50) for _ in range(3)]
    targets = [rng.normal(size=(50, 2)) for _ in range(3)]
    predictions = [target + rng.normal(size=target.shape) for target in targets]
    pooled, per_configuration = score(predictions, targets, types, num_types=2)
    for label in (0, 1):
        for time in (0, 1):
            chosen = [kind == label for kind in types]
            joined_p = np.concatenate([p[c, time] for p, c in zip(predictions, chosen)])
            joined_t = np.concatenate([t[c, time] for t, c in zip(targets, chosen)])
            assert pooled[label, time] == pytest.approx(pearsonr(joined_p, joined_t)[0])
            each = [pearsonr(p[c, time], t[c, time])[0] for p, t, c in zip(predictions, targets, chosen)]
            assert per_configuration[label, time] == pytest.approx(np.mean(each))


def test_a_type_absent_from_the_test_set_is_nan_not_an_error():
    types = [np.zeros(20, dtype=int)]
    values = [np.arange(20.0)[:, None]]
    pooled, per_configuration = score(values, values, types, num_types=2)
    assert pooled[0, 0] == pytest.approx(1.0) and np.isnan(pooled[1, 0]) and np.isnan(per_configuration[1, 0])


def test_the_energy_baseline_correlates_the_energy_itself():
    snapshots = [synthetic_snapshot(64, temperature=0.5, num_times=3, seed=seed) for seed in range(2)]
    result = score_node_input("inherent_potential_energy", "propensity", {0.5: snapshots}, num_types=2)[0.5]
    chosen = [snapshot.types == 0 for snapshot in snapshots]
    energy = np.concatenate([s.inherent_potential_energy[c] for s, c in zip(snapshots, chosen)])
    propensity = np.concatenate([s.propensity[2][c] for s, c in zip(snapshots, chosen)])
    assert result.pooled[0, 2] == pytest.approx(pearsonr(energy, propensity)[0])
