"""Spreads over seeds, and the rule that decides whether one model is above another."""

import pytest

from glass_lightning.experiments.scores import Spread, at_tau, exceeds, tau_index


def test_a_difference_counts_only_beyond_the_seed_spread():
    wide, narrow = Spread.of([0.40, 0.46]), Spread.of([0.38, 0.39])
    assert (wide.mean, wide.width, wide.runs) == (pytest.approx(0.43), pytest.approx(0.06), 2)
    assert exceeds(wide, narrow) is None  # 0.045 apart, spread 0.06
    assert exceeds(Spread.of([0.50, 0.51]), narrow) is True
    assert exceeds(narrow, Spread.of([0.50, 0.51])) is False
    assert exceeds(Spread.of([0.5]), Spread.of([0.1])) is None  # one run each: no spread to judge by
    assert Spread.of([0.5]).text() == "0.500" and wide.text() == "0.430 (0.400–0.460)"


def test_at_tau_reads_the_time_closest_to_tau_alpha_on_a_log_scale():
    record = {
        "scores": {"0.64": {"times": [0.1, 1.0, 10.0, 100.0], "tau_alpha": 20.0, "pooled": [[0.1, 0.2, 0.3, 0.4]]}}
    }
    assert tau_index(record, 0.64) == 2  # log 20 is nearer log 10 than log 100
    assert at_tau(record, 0.64) == 0.3
