"""What ``glass-lightning predict`` reports: the Pearson correlation per file, type and time, and overall,
next to the noise ceiling, as a table or one JSON document; files without targets said once; the format
told by the file names; a file without the inherent structure the model reads refused or quenched."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from test_lightning_cli import checkpoint_of, tiny_config

from glass_lightning.cli import lightning_main, main
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.data.formats.native import read_snapshot, write_snapshot
from glass_lightning.data.noise_ceiling import noise_ceiling
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.data.synthetic import synthetic_snapshot


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, synthetic_dataset) -> Path:
    """A TinyNet fitted for one epoch on the synthetic dataset (times logspace(-1, 2, 3) at T = 0.5 and 0.7)."""
    directory = tmp_path_factory.mktemp("fit")
    lightning_main(["fit", "--config", str(tiny_config(directory, synthetic_dataset)), "--trainer.max_epochs", "1"])
    return checkpoint_of(directory)


def without_targets(snapshot: Snapshot) -> Snapshot:
    return dataclasses.replace(
        snapshot, times=None, propensity=None, mean_squared_displacement=None, bond_breaking=None
    )


@pytest.fixture
def inputs(tmp_path) -> Path:
    """Two files with targets at the model's times and one without any."""
    for seed in (1, 2):
        write_snapshot(tmp_path / "in" / f"scored_{seed}.npz", synthetic_snapshot(64, num_times=3, seed=seed))
    write_snapshot(tmp_path / "in" / "unscored.npz", without_targets(synthetic_snapshot(64, seed=3)))
    return tmp_path / "in"


def predict(checkpoint, *arguments: str) -> int:
    return main(["predict", "--ckpt", str(checkpoint), *arguments, "--device", "cpu"])


def pearson(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.corrcoef(first, second)[0, 1])


def test_json_gives_pearson_per_file_type_and_time_overall_and_the_noise_ceiling(checkpoint, inputs, tmp_path, capsys):
    assert predict(checkpoint, str(inputs), "--output", str(tmp_path / "out"), "--json") == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout is the one JSON document
    assert f"wrote 3 prediction file(s) under {tmp_path / 'out'}" in captured.err
    assert report["not_scored"] == [str(inputs / "unscored.npz")] and report["quantity"] == "propensity"
    files = {Path(entry["source"]).stem: entry for entry in report["files"]}
    assert sorted(files) == ["scored_1", "scored_2"]
    written = {name: np.load(tmp_path / "out" / f"{name}.npz") for name in files}
    for name, entry in files.items():
        types = written[name]["node_type"]
        for label, species in enumerate("AB"):
            chosen = types == label
            expected = [
                pearson(written[name]["prediction"][chosen, k], written[name]["target"][chosen, k]) for k in range(3)
            ]
            np.testing.assert_allclose(entry["pearson"][species], expected, rtol=1e-6)
        ceiling = noise_ceiling(read_snapshot(inputs / f"{name}.npz"))  # the model's times are the file's
        np.testing.assert_allclose(np.array(list(entry["noise_ceiling"].values())), ceiling.T)
    (overall,) = report["overall"]
    assert (overall["temperature"], overall["files"]) == (0.5, 2) and len(overall["times"]) == 3
    chosen = np.concatenate([written[name]["node_type"] for name in files]) == 0
    prediction, target = (np.concatenate([written[name][key] for name in files]) for key in ("prediction", "target"))
    np.testing.assert_allclose(overall["pearson_pooled"]["A"][0], pearson(prediction[chosen, 0], target[chosen, 0]))
    mean = np.mean([files[name]["pearson"]["B"] for name in files], axis=0)
    np.testing.assert_allclose(overall["pearson_mean_per_file"]["B"], mean)
    np.testing.assert_allclose(
        overall["noise_ceiling_mean"]["A"], np.mean([files[name]["noise_ceiling"]["A"] for name in files], axis=0)
    )


def test_the_table_has_a_row_per_file_and_time_then_overall_and_counts_the_unscored_once(
    checkpoint, inputs, tmp_path, capsys
):
    assert predict(checkpoint, str(inputs), "--output", str(tmp_path / "out")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Pearson r of the predicted and the file's propensity per type")
    assert lines[1].split() == ["file", "T", "time", "r", "A", "ceiling", "A", "r", "B", "ceiling", "B"]
    assert [line.split()[0] for line in lines[2:8]] == ["scored_1.npz"] * 3 + ["scored_2.npz"] * 3
    assert lines[8].startswith("all 2 file(s), pooled") and lines[11].startswith("all 2 file(s), mean per file")
    assert lines[14:] == [
        "1 of 3 file(s) hold no propensity at the model's times: predicted, not scored",
        f"wrote 3 prediction file(s) under {tmp_path / 'out'}",
    ]


def test_files_without_targets_are_said_so_once_and_the_format_is_told_by_their_names(checkpoint, tmp_path, capsys):
    for seed in (1, 2):
        write_extxyz(without_targets(synthetic_snapshot(64, seed=seed)), tmp_path / "in" / f"config_{seed}.extxyz")
    assert predict(checkpoint, str(tmp_path / "in"), "--output", str(tmp_path / "out")) == 0  # no --format
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "2 of 2 file(s) hold no propensity at the model's times: predicted, not scored"
    )
    assert sorted(path.name for path in (tmp_path / "out").glob("*.npz")) == ["config_1.npz", "config_2.npz"]


def test_a_file_without_the_inherent_structure_the_model_reads_is_refused_saying_how_to_quench_or_quenched(
    tmp_path, capsys
):
    thermal = synthetic_snapshot(300, temperature=0.44, num_times=1, seed=1)  # a box over twice the cutoff (3.0)
    thermal = dataclasses.replace(thermal, inherent_positions=None, inherent_potential_energy=None)
    user_file = write_extxyz(thermal, tmp_path / "in" / "config.extxyz")
    assert predict("ka3d-T0.44", str(user_file), "--output", str(tmp_path / "out")) == 1
    (line,) = [line for line in capsys.readouterr().err.splitlines() if line.startswith("glass-lightning predict: ")]
    assert line == (
        f"glass-lightning predict: {user_file}: field 'inherent_positions': the model reads inherent structures and "
        f"this configuration has none: quench it first (glass-lightning quench {user_file} --format extxyz --output DIR, "
        "then predict DIR), or predict with --quench (Python: Predictor.predict(..., quench=True))"
    )
    assert not (tmp_path / "out").exists()
    assert predict("ka3d-T0.44", str(user_file), "--output", str(tmp_path / "out"), "--quench") == 0
    with np.load(tmp_path / "out" / "config.npz") as written:
        assert written["prediction"].shape == (300, 1) and np.all(np.isfinite(written["prediction"]))
