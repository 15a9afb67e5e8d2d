"""``glass-lightning predict`` from a checkpoint: it never writes over its inputs, clears what a
killed run left, labels the truth by its times, and refuses broken weights, non-finite predictions
and devices this machine lacks, each in one line."""

import dataclasses
import logging
from pathlib import Path

import ase.io
import numpy as np
import pytest
import torch
from test_lightning_cli import checkpoint_of, tiny_config

from glass_lightning.cli import lightning_main, main
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.training.predict import load_predictor


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, synthetic_dataset) -> Path:
    """A TinyNet fitted for one epoch on the synthetic dataset (times logspace(-1, 2, 3) at T = 0.5 and 0.7)."""
    directory = tmp_path_factory.mktemp("fit")
    lightning_main(["fit", "--config", str(tiny_config(directory, synthetic_dataset)), "--trainer.max_epochs", "1"])
    return checkpoint_of(directory)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def refusal(capsys) -> str:
    """The one line that the refused command printed on stderr (besides progress bars)."""
    error = capsys.readouterr().err
    (line,) = [line for line in error.splitlines() if line.startswith("glass-lightning predict: ")]
    assert "Traceback" not in error
    return line


def predict(checkpoint: Path, inputs: Path, output: Path, *options: str) -> int:
    return main(
        ["predict", "--ckpt", str(checkpoint), str(inputs), "--output", str(output), "--device", "cpu", *options]
    )


def test_an_output_that_is_or_lies_inside_the_inputs_is_refused_and_the_inputs_kept(checkpoint, tmp_path, capsys):
    write_snapshot(tmp_path / "inout" / "config_000.npz", synthetic_snapshot(64, seed=1))
    before = files_under(tmp_path)
    for output, relation in [(tmp_path / "inout", "is"), (tmp_path / "inout" / "predictions", "lies inside")]:
        assert predict(checkpoint, tmp_path / "inout", output) == 1
        assert f"{output}: field 'output': the output {relation} the input {tmp_path / 'inout'}" in refusal(capsys)
    assert files_under(tmp_path) == before


def test_the_temporaries_a_killed_run_left_are_removed_on_the_next_run(checkpoint, tmp_path):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, seed=1))
    (tmp_path / "out").mkdir()
    for name in (".config_000.npz.k1ll3d00.partial", ".config_000.extxyz.k1ll3d01.partial", "notes.txt"):
        (tmp_path / "out" / name).write_bytes(b"left by someone")
    assert predict(checkpoint, tmp_path / "in", tmp_path / "out") == 0
    assert sorted(files_under(tmp_path / "out")) == ["config_000.extxyz", "config_000.npz", "notes.txt"]


def test_targets_are_the_files_values_at_the_models_times_and_absent_where_it_has_none(checkpoint, tmp_path, caplog):
    _, recipe = load_predictor(checkpoint)
    model_times = recipe.times_at(0.5)
    finer = synthetic_snapshot(64, temperature=0.5, num_times=5, seed=1)  # the model's times at rows 0, 2 and 4
    np.testing.assert_allclose(finer.times[[0, 2, 4]], model_times, rtol=1e-12)
    other = dataclasses.replace(
        finer, times=np.array([1.0, 2.0, 4.0]), propensity=finer.propensity[:3], mean_squared_displacement=None
    )
    write_snapshot(tmp_path / "in" / "finer.npz", finer)
    write_snapshot(tmp_path / "in" / "other.npz", other)
    with caplog.at_level(logging.WARNING):
        assert predict(checkpoint, tmp_path / "in", tmp_path / "out") == 0
    with np.load(tmp_path / "out" / "finer.npz") as archive:
        np.testing.assert_allclose(archive["target"], finer.propensity[[0, 2, 4]].T, rtol=1e-6)
        np.testing.assert_array_equal(archive["times"], model_times)
    viewer = ase.io.read(tmp_path / "out" / "finer.extxyz", format="extxyz")
    np.testing.assert_allclose(viewer.arrays["true_propensity"], finer.propensity[[0, 2, 4]].T, rtol=1e-6)
    with np.load(tmp_path / "out" / "other.npz") as archive:
        assert "target" not in archive and archive["prediction"].shape == (64, 3)
    assert "true_propensity" not in ase.io.read(tmp_path / "out" / "other.extxyz", format="extxyz").arrays
    warnings = [record.getMessage() for record in caplog.records if "predicted without targets" in record.getMessage()]
    expected = f"{tmp_path / 'in' / 'other.npz'}: the file's targets are at t = [1.0, 2.0, 4.0], "
    assert warnings == [f"{expected}the model predicts t = {model_times.tolist()}: predicted without targets"]


def _broken_checkpoint(checkpoint: Path, path: Path, **weights: torch.Tensor) -> Path:
    """``checkpoint`` with the network's ``weights`` (state-dict names) replaced."""
    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    for name, value in weights.items():
        saved["state_dict"][name] = value.expand_as(saved["state_dict"][name]).clone()
    torch.save(saved, path)
    return path


def test_non_finite_weights_are_refused_naming_the_first_before_anything_is_written(checkpoint, tmp_path, capsys):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, seed=1))
    broken = _broken_checkpoint(checkpoint, tmp_path / "nan.ckpt", **{"model.head.bias": torch.tensor(float("nan"))})
    assert predict(broken, tmp_path / "in", tmp_path / "out") == 1
    assert f"{broken}: field 'model.head.bias': 3 of its 3 values are NaN or infinite" in refusal(capsys)
    assert not (tmp_path / "out").exists()


def test_a_prediction_that_is_not_finite_is_refused_naming_the_file_before_writing_it(checkpoint, tmp_path, capsys):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, seed=1))
    huge = {"model.embedding.weight": torch.tensor(1.0), "model.head.weight": torch.tensor(3e38)}  # finite weights
    overflowing = _broken_checkpoint(checkpoint, tmp_path / "huge.ckpt", **huge)
    assert predict(overflowing, tmp_path / "in", tmp_path / "out") == 1
    expected = f"{tmp_path / 'in' / 'config_000.npz'}: field 'prediction': 192 of its 192 values are NaN or infinite"
    assert expected in refusal(capsys) and not (tmp_path / "out").exists()


@pytest.mark.parametrize("device", ["cuda", "banana"])
def test_a_device_this_machine_lacks_is_refused_in_one_line(checkpoint, tmp_path, capsys, device):
    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, seed=1))
    arguments = ["predict", "--ckpt", str(checkpoint), str(tmp_path / "in"), "--output", str(tmp_path / "out")]
    assert main([*arguments, "--device", device]) == 1
    error = refusal(capsys)
    assert "<arguments>: field 'device': expected a device of this machine (cpu" in error and f"got '{device}'" in error
    assert not (tmp_path / "out").exists()


def fitted(directory: Path, synthetic_dataset: Path, *changes: str) -> Path:
    directory.mkdir()
    lightning_main(
        ["fit", "--config", str(tiny_config(directory, synthetic_dataset)), "--trainer.max_epochs", "1", *changes]
    )
    return checkpoint_of(directory)


def test_several_checkpoints_predict_their_mean_and_must_share_one_recipe(
    checkpoint, synthetic_dataset, tmp_path, capsys
):
    """An ensemble: fits of one config at other seeds predict the mean of their predictions; a fit of another
    recipe (another cutoff) is refused in one line, as are the features of several networks."""
    other_seed = fitted(tmp_path / "seed1", synthetic_dataset, "--seed_everything", "1")
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, temperature=0.5, seed=1))
    outputs = {}
    for name, checkpoints in {"first": [checkpoint], "second": [other_seed], "both": [checkpoint, other_seed]}.items():
        options = [option for path in checkpoints[1:] for option in ("--ckpt", str(path))]
        assert predict(checkpoints[0], tmp_path / "in", tmp_path / name, *options) == 0
        with np.load(tmp_path / name / "config_000.npz") as archive:
            outputs[name] = archive["prediction"]
    assert not np.allclose(outputs["first"], outputs["second"])
    np.testing.assert_allclose(outputs["both"], (outputs["first"] + outputs["second"]) / 2, rtol=1e-6)
    capsys.readouterr()
    other_recipe = fitted(tmp_path / "cutoff", synthetic_dataset, "--data.init_args.cutoff", "1.2")
    assert predict(checkpoint, tmp_path / "in", tmp_path / "mixed", "--ckpt", str(other_recipe)) == 1
    assert "field 'cutoff': its graph recipe differs" in refusal(capsys)
    assert predict(checkpoint, tmp_path / "in", tmp_path / "features", "--ckpt", str(other_seed), "--features") == 1
    assert "one checkpoint with --features" in refusal(capsys)
    assert not (tmp_path / "mixed").exists() and not (tmp_path / "features").exists()
