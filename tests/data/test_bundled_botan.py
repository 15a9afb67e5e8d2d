"""The ten bundled real configurations read as the project's native files, with what the recipe needs."""

import json
from pathlib import Path

import numpy as np
import yaml

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats import read_snapshots

BUNDLE = Path(__file__).resolve().parents[2] / "data" / "botan-T0.44"


def test_the_bundle_holds_ten_quenched_configurations_with_their_propensity_and_noise_metadata():
    snapshots = read_snapshots([str(BUNDLE)], "native")
    assert sorted(Path(snapshot.source).name for snapshot in snapshots) == sorted(
        f"isoconfig_N4096T0.44_{index}.npz" for index in range(1, 11)
    )
    for snapshot in snapshots:
        assert snapshot.num_particles == 4096 and snapshot.temperature == 0.44
        assert np.bincount(snapshot.types).tolist() == [3277, 819]
        np.testing.assert_allclose(snapshot.box, 15.05658, rtol=1e-6)
        assert snapshot.inherent_positions is not None and snapshot.inherent_potential_energy is not None
        np.testing.assert_array_equal(snapshot.times, [4120.0])
        assert snapshot.propensity.shape == (1, 4096) and np.all(snapshot.propensity > 0)
        assert snapshot.metadata["replicas"] == 32


def test_the_bundle_records_no_path_of_the_machine_that_wrote_it_and_keeps_its_licence():
    for path in BUNDLE.glob("*.npz"):
        with np.load(path) as archive:
            metadata = json.loads(str(archive["metadata"]))
        assert all("/" not in name for name in metadata["files"]), path
    assert "Apache License" in (BUNDLE / "LICENSE").read_text()
    assert "h3-Open-BDEC/pyg_botan" in (BUNDLE / "NOTICE.md").read_text()


def test_the_default_recipe_trains_on_files_1_to_8_and_validates_on_9_and_10(monkeypatch):
    """configs/default.yaml (make train) splits the bundle by name, from a fresh clone's root."""
    repository = BUNDLE.parents[1]
    monkeypatch.chdir(repository)
    data = yaml.safe_load((repository / "configs" / "default.yaml").read_text())["data"]
    module = GlassDataModule(**data["init_args"])
    names = {stage: sorted(Path(source).stem for source in module.sources(stage)) for stage in ("train", "val", "test")}
    assert names == {
        "train": sorted(f"isoconfig_N4096T0.44_{index}" for index in range(1, 9)),
        "val": ["isoconfig_N4096T0.44_10", "isoconfig_N4096T0.44_9"],
        "test": [],
    }
