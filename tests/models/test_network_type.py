"""``Network``: the gate of class_paths.py as a type hint, so that LightningCLI's ``--model.model`` offers the
registered networks by short name, lists their options with the values they take, and refuses other classes."""

import subprocess
import sys

import pytest
import torch
from jsonargparse import ArgumentParser

from glass_lightning import class_paths
from glass_lightning.class_paths import Network, register
from glass_lightning.models import SE3Net
from glass_lightning.training.module import GlassModule

NETWORKS = ("SE3Net", "InvariantGNN", "ExpertRidge", "FrozenBackbone")


class LabNet(torch.nn.Linear):
    """A user's network: a Network once registered."""


def network_parser() -> ArgumentParser:
    parser = ArgumentParser(exit_on_error=False)
    parser.add_argument("--model", type=Network)
    return parser


def test_a_network_is_a_module_the_gate_builds(monkeypatch):
    assert issubclass(SE3Net, Network) and not issubclass(torch.nn.Linear, Network)
    assert not issubclass(GlassModule, Network)  # registered, but the module that trains a network
    assert not issubclass(LabNet, Network)
    monkeypatch.setattr(class_paths, "_REGISTERED", {})
    register(LabNet)
    assert issubclass(LabNet, Network) and LabNet in Network.__subclasses__()


def test_the_cli_offers_the_networks_by_short_name_and_refuses_other_classes():
    help_text = network_parser().format_help()
    assert all(f"glass_lightning.models.{name}" in help_text for name in NETWORKS)
    assert "torch.nn.Linear" not in help_text and "torchmetrics" not in help_text
    config = network_parser().parse_args(["--model", "SE3Net", "--model.num_outputs", "1", "--model.cutoff", "2"])
    assert config.model.class_path == "glass_lightning.models.SE3Net"
    with pytest.raises(Exception, match="Network"):
        network_parser().parse_args(["--model", "torch.nn.Linear", "--model.in_features", "1"])


def test_string_options_take_only_their_values():
    arguments = ["--model", "SE3Net", "--model.num_outputs", "1", "--model.cutoff", "2"]
    assert network_parser().parse_args([*arguments, "--model.parity", "both"]).model.init_args.parity == "both"
    with pytest.raises(Exception, match="radial"):
        network_parser().parse_args([*arguments, "--model.radial", "cosine"])


@pytest.mark.slow
def test_lightning_fit_shows_a_network_by_its_short_name():
    finished = subprocess.run(
        [sys.executable, "-m", "glass_lightning.cli", "fit", "--model.model.help", "SE3Net"],
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "--model.model.parity {natural,both}" in finished.stdout and "``" not in finished.stdout
