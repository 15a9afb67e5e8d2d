"""Energy node inputs: the file's own, else computed with the Kob–Andersen potential from the positions."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from glass_lightning.data.dataset import raw_node_attr
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.errors import GlassDataError

BUNDLED = Path(__file__).resolve().parents[2] / "data/botan-T0.44/isoconfig_N4096T0.44_10.npz"
ENERGIES = ["potential_energy", "inherent_potential_energy"]


def test_a_file_without_energies_gets_those_of_the_potential_from_its_positions():
    stored = read_snapshot(BUNDLED)  # energies computed once when the bundle was quenched
    bare = dataclasses.replace(stored, potential_energy=None, inherent_potential_energy=None)
    np.testing.assert_allclose(raw_node_attr(bare, ENERGIES), raw_node_attr(stored, ENERGIES), rtol=1e-9, atol=1e-9)
    assert -9 < raw_node_attr(bare, ENERGIES)[:, 1].mean() < -7  # U/N of a Kob-Andersen inherent structure


def test_the_inherent_energy_of_a_configuration_without_an_inherent_structure_asks_for_one():
    thermal_only = dataclasses.replace(read_snapshot(BUNDLED), inherent_positions=None, inherent_potential_energy=None)
    assert raw_node_attr(thermal_only, ["potential_energy"]).shape == (4096, 1)
    with pytest.raises(GlassDataError, match="inherent_potential_energy.*this file has none"):
        raw_node_attr(thermal_only, ["inherent_potential_energy"])
