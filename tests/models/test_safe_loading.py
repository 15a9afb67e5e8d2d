"""Checkpoints are shared files: a class path they name must not run arbitrary code when loaded."""

import pytest
import torch

from glass_lightning.class_paths import class_from_path
from glass_lightning.errors import GlassDataError
from glass_lightning.models.frozen import network_from_checkpoint
from glass_lightning.training.module import CHECKPOINT_KEY, GlassModule


def crafted_checkpoint(path, marker, **overrides):
    """A checkpoint whose network 'class' would create ``marker`` if it were ever called."""
    hyper_parameters = {
        "model": {"class_path": "os.system", "init_args": {"command": f"touch {marker}"}},
        "num_outputs": 1,
    }
    hyper_parameters.update(overrides)
    torch.save({"state_dict": {}, "hyper_parameters": hyper_parameters, CHECKPOINT_KEY: {"network": "x"}}, path)
    return path


@pytest.mark.parametrize(
    "model",
    [
        {"class_path": "os.system", "init_args": {}},  # a function, not a class
        {
            "class_path": "subprocess.Popen",
            "init_args": {"args": "touch {marker}", "shell": True},
        },  # a class, not a network
        {"class_path": "antigravity.geohash", "init_args": {}},  # a module never imported: not even imported now
    ],
)
def test_frozen_backbone_refuses_what_is_not_a_network_and_runs_nothing(tmp_path, model):
    marker = tmp_path / "created"
    model = {**model, "init_args": {key: str(value).format(marker=marker) for key, value in model["init_args"].items()}}
    path = crafted_checkpoint(tmp_path / "evil.ckpt", marker, model=model)
    with pytest.raises(GlassDataError, match="refusing"):
        network_from_checkpoint(path, trained=False)
    assert not marker.exists()


def test_lightning_loading_refuses_a_crafted_network_or_instantiator(tmp_path):
    marker = tmp_path / "created"
    with pytest.raises(GlassDataError, match="hyper_parameters.model.class_path.*refusing 'os.system'"):
        GlassModule.load_from_checkpoint(crafted_checkpoint(tmp_path / "a.ckpt", marker))
    path = tmp_path / "b.ckpt"
    torch.save({"state_dict": {}, "hyper_parameters": {}, CHECKPOINT_KEY: {}, "_instantiator": "os.system"}, path)
    with pytest.raises(GlassDataError, match="_instantiator"):
        GlassModule.load_from_checkpoint(path)
    assert not marker.exists()


def test_trusted_and_already_imported_classes_still_load():
    assert class_from_path("glass_lightning.models.SE3Net", base=torch.nn.Module).__name__ == "SE3Net"
    assert class_from_path("torch.optim.AdamW", base=torch.optim.Optimizer) is torch.optim.AdamW
    assert (
        class_from_path("collections.OrderedDict", base=dict).__name__ == "OrderedDict"
    )  # imported, and the base fits
    with pytest.raises(GlassDataError, match="only an expected base class"):
        class_from_path("collections.OrderedDict")


def test_a_users_own_module_loads_once_named_in_the_environment(tmp_path, monkeypatch):
    (tmp_path / "userlab_networks.py").write_text("import torch\n\nclass Net(torch.nn.Linear):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(GlassDataError, match="GLASS_LIGHTNING_TRUSTED_MODULES=userlab_networks"):
        class_from_path("userlab_networks.Net", base=torch.nn.Module)
    monkeypatch.setenv("GLASS_LIGHTNING_TRUSTED_MODULES", "otherlab, userlab_networks")
    assert class_from_path("userlab_networks.Net", base=torch.nn.Module).__name__ == "Net"
