"""Checkpoints are shared files: nothing they name is imported or run unless the registry holds it,
on every path that reads one (predict, FrozenBackbone, load_from_checkpoint, lightning test/validate)."""

import sys
from pathlib import Path

import pytest
import torch

from glass_lightning import class_paths
from glass_lightning.checkpoint_file import CHECKPOINT_KEY
from glass_lightning.class_paths import class_from_path, register
from glass_lightning.cli import lightning_main
from glass_lightning.cli import main as glass_lightning_main
from glass_lightning.errors import GlassDataError
from glass_lightning.models.frozen import FrozenBackbone, network_from_checkpoint
from glass_lightning.training.module import GlassModule

REPOSITORY = Path(__file__).resolve().parents[2]
SE3NET = {"class_path": "glass_lightning.models.SE3Net", "init_args": {"num_outputs": 1, "cutoff": 2.0}}


def sequential_running(marker: Path) -> dict:
    """A torch_geometric ``Sequential`` (an nn.Module of an imported package) whose input_args text runs a command."""
    return {
        "class_path": "torch_geometric.nn.Sequential",
        "init_args": {"input_args": f"x -> __import__('os').system('touch {marker}')", "modules": []},
    }


def crafted_checkpoint(path: Path, **hyper_parameters) -> Path:
    """A checkpoint that passes for a GlassModule's, with the given hyperparameters (SE3Net, 1 output by default)."""
    saved = {"model": SE3NET, "num_outputs": 1, **hyper_parameters}
    torch.save({"state_dict": {}, "hyper_parameters": saved, CHECKPOINT_KEY: {"network": "x"}}, path)
    return path


@pytest.fixture
def marker(tmp_path):
    created = tmp_path / "pwned"
    yield created
    assert not created.exists(), "the crafted checkpoint ran its command"


CRAFTED = {
    "imported package's module that evaluates text": lambda marker: {"model": sequential_running(marker)},
    "a function": lambda marker: {"model": {"class_path": "os.system", "init_args": {"command": f"touch {marker}"}}},
    "a class, not a network": lambda marker: {
        "model": {"class_path": "subprocess.Popen", "init_args": {"args": f"touch {marker}", "shell": True}}
    },
    "a module never imported": lambda marker: {"model": {"class_path": "antigravity.geohash", "init_args": {}}},
    "nested in the network's arguments": lambda marker: {
        "model": {"class_path": SE3NET["class_path"], "init_args": {"readout": sequential_running(marker)}}
    },
    "an optimizer as a plain string": lambda marker: {"optimizer": "this.d"},
    "a scheduler as a plain string": lambda marker: {"scheduler": "os.system"},
    "Lightning's class path": lambda marker: {"_class_path": "subprocess.Popen"},
    "Lightning's instantiator": lambda marker: {"_instantiator": "os.system"},
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_load_from_checkpoint_refuses_every_crafted_name(tmp_path, marker, case):
    path = crafted_checkpoint(tmp_path / "evil.ckpt", **CRAFTED[case](marker))
    with pytest.raises(GlassDataError, match=r"refusing"):
        GlassModule.load_from_checkpoint(path)
    assert "this" not in sys.modules and "antigravity" not in sys.modules


def test_predict_refuses_the_crafted_network_in_one_line(tmp_path, marker, capsys, synthetic_dataset):
    path = crafted_checkpoint(tmp_path / "evil.ckpt", model=sequential_running(marker))
    assert (
        glass_lightning_main(["predict", "--ckpt", str(path), str(synthetic_dataset), "--output", str(tmp_path)]) == 1
    )
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "refusing 'torch_geometric.nn.Sequential'" in error
    assert not any(tmp_path.rglob("*.npz"))


@pytest.mark.parametrize("subcommand", ["test", "validate"])
def test_lightning_ckpt_path_refuses_the_crafted_network_before_building_it(tmp_path, marker, capsys, subcommand):
    path = crafted_checkpoint(tmp_path / "evil.ckpt", model=sequential_running(marker))
    config = REPOSITORY / "configs" / "default.yaml"
    assert lightning_main([subcommand, "--config", str(config), "--ckpt_path", str(path)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    expected = f"lightning {subcommand}: {path}: field 'hyper_parameters.model.class_path': refusing 'torch_geometric"
    assert len(error) == 1 and error[0].startswith(expected)


@pytest.mark.parametrize("case", ["imported package's module that evaluates text", "a class, not a network"])
def test_frozen_backbone_refuses_a_crafted_checkpoint(tmp_path, marker, case):
    path = crafted_checkpoint(tmp_path / "evil.ckpt", **CRAFTED[case](marker))
    with pytest.raises(GlassDataError, match="refusing"):
        FrozenBackbone(num_outputs=1, cutoff=2.0, checkpoint=str(path))
    with pytest.raises(GlassDataError, match="refusing"):
        network_from_checkpoint(path, trained=False)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "not a readable PyTorch checkpoint"),
        (b"garbage, not a zip archive", "not a readable PyTorch checkpoint"),
        (None, "not a GlassModule checkpoint"),  # a foreign checkpoint: torch.save of a plain state dict
    ],
)
def test_unreadable_or_foreign_checkpoints_are_one_line(tmp_path, capsys, content, problem):
    path = tmp_path / "bad.ckpt"
    if content is None:
        torch.save({"state_dict": {"weight": torch.zeros(2)}}, path)
    else:
        path.write_bytes(content)
    config = REPOSITORY / "configs" / "default.yaml"
    assert lightning_main(["test", "--config", str(config), "--ckpt_path", str(path)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and problem in error[0] and str(path) in error[0]


def test_a_truncated_checkpoint_is_one_line(tmp_path, capsys):
    whole = crafted_checkpoint(tmp_path / "whole.ckpt")
    path = tmp_path / "truncated.ckpt"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert glass_lightning_main(["predict", "--ckpt", str(path), str(tmp_path)]) == 1
    assert "not a readable PyTorch checkpoint" in capsys.readouterr().err


def test_hyperparameters_that_disagree_with_the_weights_are_one_error(tmp_path):
    weights = {"model.decoder.weight": torch.zeros(3, 3)}  # not SE3Net's parameters
    path = tmp_path / "mismatch.ckpt"
    hyper_parameters = {"model": SE3NET, "num_outputs": 1, "_instantiator": "lightning.pytorch.cli.instantiate_module"}
    torch.save({"state_dict": weights, "hyper_parameters": hyper_parameters, CHECKPOINT_KEY: {"network": "x"}}, path)
    with pytest.raises(GlassDataError, match="mismatch.ckpt: field 'hyper_parameters': its arguments and weights"):
        GlassModule.load_from_checkpoint(path)


def test_registered_classes_load_by_their_names_and_nothing_else_does():
    assert class_from_path("glass_lightning.models.SE3Net", base=torch.nn.Module).__name__ == "SE3Net"
    assert class_from_path("glass_lightning.models.se3.SE3Net", base=torch.nn.Module).__name__ == "SE3Net"
    assert class_from_path("torch.optim.AdamW", base=torch.optim.Optimizer) is torch.optim.AdamW
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau
    assert class_from_path("torch.optim.lr_scheduler.ReduceLROnPlateau", base=object) is scheduler
    for imported in ("collections.OrderedDict", "torch.nn.Linear", "torch_geometric.nn.Sequential"):
        with pytest.raises(GlassDataError, match="not a registered class"):
            class_from_path(imported)
    with pytest.raises(GlassDataError, match="expected a subclass of torch.nn.modules.module.Module"):
        class_from_path("torch.optim.Adam", base=torch.nn.Module)


def test_a_users_own_class_loads_once_registered_in_code_or_its_module_trusted(tmp_path, monkeypatch):
    (tmp_path / "userlab_networks.py").write_text("import torch\n\nclass Net(torch.nn.Linear):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(GlassDataError, match="GLASS_LIGHTNING_TRUSTED_MODULES"):
        class_from_path("userlab_networks.Net", base=torch.nn.Module)
    assert "userlab_networks" not in sys.modules
    monkeypatch.setenv("GLASS_LIGHTNING_TRUSTED_MODULES", "otherlab, userlab_networks")
    assert class_from_path("userlab_networks.Net", base=torch.nn.Module).__name__ == "Net"

    class LabNet(torch.nn.Linear):
        pass

    monkeypatch.setattr(class_paths, "_REGISTERED", {})  # this test's registration ends with it
    register(LabNet, "mylab.LabNet")
    assert class_from_path("mylab.LabNet", base=torch.nn.Module) is LabNet


def test_the_default_optimizer_a_checkpoint_names_is_glass_modules():
    from glass_lightning.checkpoint_file import DEFAULT_OPTIMIZER
    from glass_lightning.training.module import default_optimizer

    assert DEFAULT_OPTIMIZER == f"{default_optimizer.__module__}.{default_optimizer.__qualname__}"
