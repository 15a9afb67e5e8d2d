"""``glass-lightning export-pretrained``: the checkpoint a network ships as keeps what predicts and
nothing of the training machine, passes the same gate, and predicts as the full checkpoint does; a
network registered by name serves every command that takes a checkpoint."""

from pathlib import Path

import numpy as np
import pytest
import torch
from test_lightning_cli import checkpoint_of, tiny_config

from glass_lightning.checkpoint_file import read_checkpoint
from glass_lightning.cli import lightning_main, main
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.models.frozen import network_from_checkpoint
from glass_lightning.pretrained.registry import PRETRAINED, PretrainedNetwork
from glass_lightning.training.cli import lightning_cli

TINY_DOMAIN = "tiny-T0.5 was fitted on synthetic boxes at T = 0.5 and 0.7 only."


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, synthetic_dataset) -> Path:
    """A TinyNet fitted for one epoch on the synthetic dataset, as lightning fit writes it."""
    directory = tmp_path_factory.mktemp("fit")
    lightning_main(["fit", "--config", str(tiny_config(directory, synthetic_dataset)), "--trainer.max_epochs", "1"])
    return checkpoint_of(directory)


@pytest.fixture(scope="module")
def exported(checkpoint, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("export") / "tiny.ckpt"
    assert main(["export-pretrained", "--ckpt", str(checkpoint), "--output", str(output)]) == 0
    return output


@pytest.fixture
def tiny_pretrained(exported, monkeypatch) -> str:
    """The exported TinyNet registered as the pretrained network ``tiny-T0.5``."""
    monkeypatch.setitem(PRETRAINED, "tiny-T0.5", PretrainedNetwork("tiny-T0.5", exported, TINY_DOMAIN))
    return "tiny-T0.5"


def strings_in(value) -> list[str]:
    """Every string in a checkpoint's tree of dicts, lists and tuples, keys included."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [*strings_in(key), *strings_in(item)]]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in strings_in(item)]
    return [value] if isinstance(value, str) else []


def predict(checkpoint: str | Path, inputs: Path, output: Path) -> int:
    return main(["predict", "--ckpt", str(checkpoint), str(inputs), "--output", str(output), "--device", "cpu"])


def test_the_export_keeps_weights_hyperparameters_and_recipe_without_training_state_or_machine_paths(
    checkpoint, exported
):
    full, minimal = read_checkpoint(checkpoint), read_checkpoint(exported)  # the export passes the same gate
    assert set(minimal) == {"pytorch-lightning_version", "hyper_parameters", "state_dict", "glass_lightning"}
    assert {"optimizer_states", "loops", "callbacks", "datamodule_hyper_parameters"} <= set(full)
    assert exported.stat().st_size < checkpoint.stat().st_size
    assert minimal["hyper_parameters"] == full["hyper_parameters"]
    assert minimal["glass_lightning"] == full["glass_lightning"] and "graph_recipe" in minimal["glass_lightning"]
    assert all(torch.equal(minimal["state_dict"][name], value) for name, value in full["state_dict"].items())
    assert any(Path(text).is_absolute() for text in strings_in(full))  # the data and checkpoint paths of the fit
    assert not [text for text in strings_in(minimal) if Path(text).is_absolute()]


def test_the_exported_checkpoint_predicts_as_the_full_one(checkpoint, exported, tmp_path):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, temperature=0.5, seed=1))
    for source, output in [(checkpoint, "full"), (exported, "exported")]:
        assert predict(source, tmp_path / "in", tmp_path / output) == 0
    with np.load(tmp_path / "full" / "config_000.npz") as full, np.load(tmp_path / "exported" / "config_000.npz") as ex:
        assert sorted(full.files) == sorted(ex.files)
        for key in full.files:
            np.testing.assert_array_equal(full[key], ex[key])


def test_a_network_whose_hyperparameters_name_a_file_of_this_machine_is_refused(checkpoint, tmp_path, capsys):
    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    backbone = str(tmp_path / "backbone.ckpt")  # as a FrozenBackbone's checkpoint argument, by path
    saved["hyper_parameters"]["model"]["init_args"]["checkpoint"] = backbone
    torch.save(saved, tmp_path / "frozen.ckpt")
    arguments = ["export-pretrained", "--ckpt", str(tmp_path / "frozen.ckpt"), "--output", str(tmp_path / "out.ckpt")]
    assert main(arguments) == 1
    expected = f"field 'hyper_parameters.model.init_args.checkpoint': names '{backbone}', a file of this machine"
    assert expected in capsys.readouterr().err and not (tmp_path / "out.ckpt").exists()


def test_predict_by_name_prints_the_networks_domain_and_by_path_prints_none(
    tiny_pretrained, exported, tmp_path, capsys
):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(64, temperature=0.5, seed=1))
    assert predict(tiny_pretrained, tmp_path / "in", tmp_path / "by-name") == 0
    assert TINY_DOMAIN in capsys.readouterr().err
    assert (tmp_path / "by-name" / "config_000.npz").is_file()
    assert predict(exported, tmp_path / "in", tmp_path / "by-path") == 0
    assert TINY_DOMAIN not in capsys.readouterr().err


def test_validate_and_a_frozen_backbone_take_the_name(tiny_pretrained, exported, tmp_path, synthetic_dataset):
    cli = lightning_cli(
        ["validate", "--config", str(tiny_config(tmp_path, synthetic_dataset)), "--ckpt_path", tiny_pretrained]
    )
    assert cli.trainer.ckpt_path == str(exported) and torch.isfinite(cli.trainer.callback_metrics["val/loss"])
    by_name, by_path = network_from_checkpoint(tiny_pretrained), network_from_checkpoint(exported)
    assert all(torch.equal(value, by_path.state_dict()[name]) for name, value in by_name.state_dict().items())
