"""The user's path to the pretrained order parameter: their own LAMMPS dump or extended XYZ file of a
real configuration, quenched, then predicted by name, with no training."""

from pathlib import Path

import numpy as np
import pytest
from trajectory_files import write_lammps_dump

from glass_lightning.cli import main
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.snapshot import Snapshot

VALIDATION_FILE = Path(__file__).resolve().parents[2] / "data" / "botan-T0.44" / "isoconfig_N4096T0.44_10.npz"


def thermal_configuration_only(snapshot: Snapshot) -> Snapshot:
    """What a user's file holds: positions, species, box, temperature; no inherent structure, no targets."""
    return Snapshot(
        positions=snapshot.positions, types=snapshot.types, box=snapshot.box, temperature=snapshot.temperature
    )


def write_user_file(folder: Path, file_format: str, snapshot: Snapshot) -> Path:
    if file_format == "extxyz":
        return write_extxyz(thermal_configuration_only(snapshot), folder / "config.extxyz")
    frame = Trajectory(
        positions=snapshot.positions[None],
        types=snapshot.types,
        box=snapshot.box,
        times=np.zeros(1),
        images=None,
        source="",
    )
    return write_lammps_dump(folder / "T0.44" / "config.lammpstrj", frame)  # a dump stores no temperature


@pytest.mark.slow
@pytest.mark.parametrize("file_format", ["extxyz", "lammps-dump"])
def test_a_quenched_user_file_is_predicted_by_the_pretrained_network(tmp_path, file_format):
    truth = read_snapshot(VALIDATION_FILE)
    user_file = write_user_file(tmp_path / "mine", file_format, truth)
    quenched, predictions = tmp_path / "quenched", tmp_path / "predictions"
    assert main(["quench", str(user_file), "--format", file_format, "--output", str(quenched)]) == 0
    assert main(["predict", "--ckpt", "ka3d-T0.44", str(quenched), "--output", str(predictions)]) == 0
    (written,) = predictions.rglob("*.npz")
    prediction = np.load(written)["prediction"][:, 0]
    type_a = truth.types == 0
    assert np.corrcoef(prediction[type_a], truth.propensity[0, type_a])[0, 1] > 0.65
