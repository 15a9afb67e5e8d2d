"""The pretrained networks by name: what a ``--ckpt`` value resolves to, the refusal of a name that is
neither a network nor a file, and the shipped order parameter on a configuration it did not train on."""

from pathlib import Path

import numpy as np
import pytest

from glass_lightning.cli import main
from glass_lightning.errors import GlassDataError
from glass_lightning.pretrained.registry import PRETRAINED, PretrainedNetwork, resolve_checkpoint

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE_FOLDER = REPOSITORY / "glass_lightning" / "pretrained"
VALIDATION_FILE = REPOSITORY / "data" / "botan-T0.44" / "isoconfig_N4096T0.44_10.npz"  # file 10 validates: unseen


def test_a_name_resolves_to_its_network_file_and_a_path_to_itself(tmp_path, monkeypatch):
    assert PRETRAINED["ka3d-T0.44"].path == PACKAGE_FOLDER / "ka3d-T0.44.ckpt"
    shipped = tmp_path / "shipped.ckpt"
    shipped.write_bytes(b"")
    monkeypatch.setitem(PRETRAINED, "tiny", PretrainedNetwork("tiny", shipped, "tiny holds nowhere."))
    assert resolve_checkpoint("tiny") == shipped
    assert resolve_checkpoint(str(shipped)) == shipped and resolve_checkpoint(shipped) == shipped


def test_a_registered_network_missing_from_the_installation_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setitem(PRETRAINED, "tiny", PretrainedNetwork("tiny", tmp_path / "missing.ckpt", "tiny holds nowhere."))
    with pytest.raises(GlassDataError, match=r"the pretrained network tiny is not in this installation \(build it"):
        resolve_checkpoint("tiny")


def test_predict_refuses_a_value_that_is_neither_a_network_nor_a_file_in_one_line_listing_the_names(tmp_path, capsys):
    arguments = ["predict", "--ckpt", "ka3d-T0.45", str(VALIDATION_FILE), "--output", str(tmp_path / "out")]
    assert main([*arguments, "--device", "cpu"]) == 1
    error = capsys.readouterr().err
    (line,) = [line for line in error.splitlines() if line.startswith("glass-lightning predict: ")]
    assert line == (
        "glass-lightning predict: ka3d-T0.45: field 'checkpoint': no such checkpoint file, "
        "nor a pretrained network (their names: ['ka3d-T0.44'])"
    )
    assert "Traceback" not in error
    assert not (tmp_path / "out").exists()


def test_the_shipped_order_parameter_predicts_a_bundled_configuration(tmp_path):
    assert PRETRAINED["ka3d-T0.44"].path.is_file(), "the shipped network is missing: build it with make pretrained"
    assert (
        main(["predict", "--ckpt", "ka3d-T0.44", str(VALIDATION_FILE), "--output", str(tmp_path), "--device", "cpu"])
        == 0
    )
    with np.load(tmp_path / VALIDATION_FILE.name) as predicted, np.load(VALIDATION_FILE) as truth:
        type_a = truth["types"] == 0
        correlation = np.corrcoef(predicted["prediction"][type_a, 0], truth["propensity"][0, type_a])[0, 1]
    assert correlation > 0.65, f"Pearson of type A {correlation:.3f}"
