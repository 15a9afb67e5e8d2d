"""``Prediction.mean``: the ensemble of several networks' predictions of one configuration."""

import numpy as np
import pytest

from glass_lightning import GlassDataError, Prediction


def prediction(values, times=(4120.0,), source="c.npz") -> Prediction:
    values = np.asarray(values, dtype=float)[:, None]
    types = np.array([0, 0, 0, 0, 1, 1])
    target = np.array([1.0, 2.0, 3.0, 4.0, 1.0, 3.0])[:, None]
    return Prediction(values, np.array(times), types, 0.44, source, "propensity", target)


def test_the_ensemble_is_the_mean_prediction_scored_against_the_same_truth():
    first, second = prediction([1, 3, 2, 4, 0, 1]), prediction([2, 1, 4, 5, 1, 0])
    ensemble = Prediction.mean([first, second])
    np.testing.assert_allclose(ensemble.prediction[:, 0], [1.5, 2.0, 3.0, 4.5, 0.5, 0.5])
    np.testing.assert_array_equal(ensemble.target, first.target)
    # each member swaps two A particles; their errors differ, and their mean ranks all four right
    assert first.pearson("A")[0] == pytest.approx(0.8) and second.pearson("A")[0] == pytest.approx(0.8485, abs=1e-4)
    assert ensemble.pearson("A")[0] == pytest.approx(np.corrcoef([1.5, 2.0, 3.0, 4.5], [1, 2, 3, 4])[0, 1])
    assert ensemble.pearson("A")[0] > 0.97


def test_members_of_other_configurations_or_times_are_refused():
    with pytest.raises(GlassDataError, match="one configuration at the same times"):
        Prediction.mean([prediction([1, 2, 3, 4, 5, 6]), prediction([1, 2, 3, 4, 5, 6], source="other.npz")])
    with pytest.raises(GlassDataError, match="differ"):
        Prediction.mean([prediction([1, 2, 3, 4, 5, 6]), prediction([1, 2, 3, 4, 5, 6], times=(100.0,))])
