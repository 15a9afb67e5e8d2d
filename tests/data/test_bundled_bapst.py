"""The bundled physics reference (Bapst et al. 2020) read as a native file, small, licensed, path-free."""

import json
from pathlib import Path

import numpy as np

from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.data.noise_ceiling import REPLICAS_KEY

BUNDLE = Path(__file__).resolve().parents[2] / "data" / "bapst-T0.44"


def test_the_reference_holds_the_configuration_and_the_published_propensity_at_four_times():
    snapshot = read_snapshot(BUNDLE / "bapst-T0.44.npz")
    assert snapshot.num_particles == 4096 and snapshot.temperature == 0.44
    assert np.bincount(snapshot.types).tolist() == [3277, 819]
    np.testing.assert_allclose(snapshot.box, 15.04333, rtol=1e-6)
    np.testing.assert_allclose(snapshot.times, [0.132, 0.435, 288.426, 1364.301])
    assert snapshot.metadata[REPLICAS_KEY] == 30
    published_a = [snapshot.propensity[k, snapshot.types == 0].mean() for k in range(4)]
    np.testing.assert_allclose(published_a, [0.1043, 0.1454, 0.1862, 0.2482], atol=1e-4)  # the source's README


def test_the_reference_is_small_records_no_machine_path_and_keeps_its_licence():
    path = BUNDLE / "bapst-T0.44.npz"
    assert path.stat().st_size < 1_000_000
    with np.load(path, allow_pickle=False) as archive:
        text = json.dumps(json.loads(str(archive["metadata"])))
    assert "/work" not in text and "/home" not in text and "/tmp" not in text
    assert "Apache License" in (BUNDLE / "LICENSE").read_text()
    assert "google-deepmind/deepmind-research" in (BUNDLE / "NOTICE.md").read_text()
