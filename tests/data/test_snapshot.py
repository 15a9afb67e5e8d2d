from pathlib import Path

import numpy as np
import pytest
from synthetic_data import assert_same_arrays

from glass_lightning.data.formats.fields import temperature_from_path
from glass_lightning.data.formats.native import read_snapshot, write_snapshot
from glass_lightning.data.snapshot import Snapshot, temperature_key
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.experiments import scores


def _snapshot(positions, box=(4.0, 4.0, 4.0)):
    return Snapshot(positions=positions, types=np.zeros(len(positions), dtype=int), box=box, temperature=0.5)


@pytest.mark.parametrize(
    "shift, convention",
    [(0.0, "wrapped [0, L)"), (-2.0, "centred [-L/2, L/2)"), (12.0, "unwrapped")],
)
def test_positions_are_normalized_from_every_convention(shift, convention):
    wrapped = np.array([[0.1, 1.0, 3.9], [2.0, 0.5, 1.5], [3.5, 3.9, 0.0]])
    centred_or_shifted = wrapped + shift if shift != -2.0 else np.where(wrapped >= 2.0, wrapped - 4.0, wrapped)
    snapshot = _snapshot(centred_or_shifted)
    assert snapshot.position_convention == convention
    np.testing.assert_allclose(snapshot.positions, wrapped, atol=1e-12)
    assert np.all((snapshot.positions >= 0) & (snapshot.positions < 4.0))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"positions": np.full((3, 3), np.nan)}, "positions"),
        ({"positions": np.zeros((3, 2))}, "positions"),
        ({"types": np.array([0, 1])}, "types"),
        ({"types": np.array([0.5, 1.0, 0.0])}, "types"),
        ({"types": np.array([0, -1, 0])}, "types"),
        ({"box": (4.0, -1.0, 4.0)}, "box"),
        ({"temperature": -0.1}, "temperature"),
        ({"times": [1.0, 0.5], "propensity": np.ones((2, 3))}, "times"),
        ({"times": [1.0, 2.0], "propensity": np.ones((3, 3))}, "propensity"),
        ({"propensity": np.ones((2, 3))}, "times"),
    ],
)
def test_bad_fields_raise_our_error_naming_the_field(changes, field):
    arguments = dict(
        positions=np.random.default_rng(0).random((3, 3)), types=np.zeros(3, dtype=int), box=(4.0,) * 3, temperature=0.5
    )
    arguments.update(changes)
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        Snapshot(**arguments)


def test_native_round_trip_keeps_every_field(tmp_path):
    snapshot = synthetic_snapshot(num_particles=64, num_times=3, seed=4)
    path = write_snapshot(tmp_path / "config_0000.npz", snapshot)
    loaded = read_snapshot(path)
    assert_same_arrays(loaded, snapshot)
    assert loaded.temperature == snapshot.temperature
    assert loaded.metadata == snapshot.metadata
    assert loaded.cage_positions is None and loaded.bond_breaking is None
    assert not list(tmp_path.glob("*.partial"))


def test_native_reader_names_a_missing_key(tmp_path):
    path = tmp_path / "broken.npz"
    np.savez(
        path,
        format="glass_lightning.snapshot",
        format_version=1,
        types=np.zeros(2),
        box=np.ones(3),
        temperature=0.5,
        metadata="{}",
    )
    with pytest.raises(GlassDataError, match="broken.npz: field 'positions'"):
        read_snapshot(path)


def test_native_reader_rejects_an_unreadable_file(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"not a zip archive")
    with pytest.raises(GlassDataError, match="garbage.npz"):
        read_snapshot(path)


def _at(temperature):
    return Snapshot(positions=np.zeros((1, 3)), types=np.zeros(1, dtype=int), box=(4.0,) * 3, temperature=temperature)


def test_temperatures_are_keyed_once_where_a_snapshot_is_made():
    """The published temperatures (BOTAN / GlassBench names, ka3d-mini folders) keep their keys, float and
    string; a value off by float noise, or through float32, becomes the temperature it stands for."""
    for text in ("0.44", "0.5", "0.50", "0.56", "0.64", "0.640", "0.7", "0.700", "0.8", "0.47"):
        for name in (f"isoconfig_N4096T{text}_0_tc07.npz", f"T{text}/config_0000.npz"):
            snapshot = _at(temperature_from_path(Path(name)))
            assert snapshot.temperature == float(text) == temperature_key(float(text))
            assert scores.temperature_key(snapshot.temperature) == f"{float(text):g}"
    for noisy in (0.4400000001, 0.43999999, float(np.float32(0.44))):
        snapshot = _at(noisy)
        assert snapshot.temperature == 0.44 and scores.temperature_key(snapshot.temperature) == "0.44"


def test_a_temperature_that_rounds_to_zero_is_refused():
    with pytest.raises(GlassDataError, match=r"field 'temperature': expected a positive number .*got 1e-08"):
        _at(1e-8)
