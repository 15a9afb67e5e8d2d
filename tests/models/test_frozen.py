"""FrozenBackbone: a checkpoint's network, frozen, under a new decoder that alone learns."""

import numpy as np
import pytest
import torch
from models.graph_building import build_graph

from glass_lightning.checkpoint_file import CHECKPOINT_KEY
from glass_lightning.errors import GlassDataError
from glass_lightning.models import ExpertRidge, FrozenBackbone, SE3Net, count_parameters
from glass_lightning.models.frozen import network_from_checkpoint

SE3_ARGS = {
    "num_outputs": 3,
    "cutoff": 1.8,
    "l_max": 1,
    "channels": 4,
    "num_layers": 2,
    "n_basis": 4,
    "radial_hidden": 8,
}


def save_checkpoint(path, network_class, init_args) -> torch.nn.Module:
    """What lightning fit writes for a GlassModule: the network's config and its weights under ``model.``."""
    torch.manual_seed(0)
    network = network_class(**init_args)
    class_path = f"glass_lightning.models.{network_class.__name__}"
    state = {f"model.{key}": value for key, value in network.state_dict().items()}
    torch.save(
        {
            "hyper_parameters": {"model": {"class_path": class_path, "init_args": init_args}},
            "state_dict": state,
            CHECKPOINT_KEY: {"network": f"{network_class.__module__}.{network_class.__name__}"},
        },
        path,
    )
    return network


@pytest.fixture
def graph(snapshot):
    return build_graph(snapshot.positions, snapshot.types, snapshot.box)


def test_the_backbone_is_the_trained_network_and_stays_frozen(tmp_path, graph):
    trained = save_checkpoint(tmp_path / "se3.ckpt", SE3Net, SE3_ARGS).double()
    model = FrozenBackbone(num_outputs=5, cutoff=2.0, checkpoint=str(tmp_path / "se3.ckpt")).double()
    torch.testing.assert_close(model.backbone.invariant_features(graph), trained.invariant_features(graph))
    model.train()
    assert model.training and not model.backbone.training
    model(graph).pow(2).mean().backward()
    assert all(parameter.grad is None for parameter in model.backbone.parameters())
    assert all(parameter.grad is not None for parameter in model.decoder.parameters())
    assert count_parameters(model) == count_parameters(model.decoder)
    assert model(graph).shape == (graph.num_nodes, 5)


def test_inputs_the_backbone_added_linearly_get_a_fresh_linear_term(tmp_path, snapshot):
    """A backbone whose last node input joined its prediction only linearly (the recipe's |r - r_IS|) does not
    carry that input in its invariant features: the new decoder gets its own linear term on it, which learns."""
    args = {**SE3_ARGS, "num_node_attr": 2, "linear_node_inputs": 1}
    save_checkpoint(tmp_path / "se3.ckpt", SE3Net, args)
    model = FrozenBackbone(num_outputs=3, cutoff=2.0, num_node_attr=2, checkpoint=str(tmp_path / "se3.ckpt")).double()
    attributes = np.random.default_rng(0).normal(size=(len(snapshot.positions), 2))
    base, shifted = (
        build_graph(snapshot.positions, snapshot.types, snapshot.box, node_attr=attributes + [0.0, shift])
        for shift in (0.0, 1.0)
    )
    assert model.linear_inputs.in_features == 1
    torch.testing.assert_close(model(shifted), model(base))  # the fresh term starts at zero
    model(base).pow(2).mean().backward()
    assert model.linear_inputs.weight.grad is not None and model.linear_inputs.weight.grad.abs().sum() > 0
    with torch.no_grad():
        model.linear_inputs.weight.fill_(0.5)
    torch.testing.assert_close(model(shifted) - model(base), torch.full((len(attributes), 3), 0.5, dtype=torch.float64))


def test_random_weights_keep_the_architecture_not_the_training(tmp_path, graph):
    save_checkpoint(tmp_path / "se3.ckpt", SE3Net, SE3_ARGS)
    trained = network_from_checkpoint(tmp_path / "se3.ckpt").double()
    torch.manual_seed(1)
    random = FrozenBackbone(
        num_outputs=3, cutoff=2.0, checkpoint=str(tmp_path / "se3.ckpt"), random_weights=True
    ).double()
    assert sum(p.numel() for p in random.backbone.parameters()) == sum(p.numel() for p in trained.parameters())
    assert not torch.allclose(random.backbone.invariant_features(graph), trained.invariant_features(graph))


def test_bad_backbones_are_named(tmp_path):
    save_checkpoint(tmp_path / "se3.ckpt", SE3Net, SE3_ARGS)
    save_checkpoint(tmp_path / "expert.ckpt", ExpertRidge, {"num_outputs": 3, "cutoff": 1.8, "shells": 3})
    torch.save({"state_dict": {}}, tmp_path / "bare.ckpt")
    (tmp_path / "text.ckpt").write_text("not a checkpoint")
    torch.save(
        {
            "hyper_parameters": {"model": {"class_path": "glass_lightning.models.SE3Net", "init_args": SE3_ARGS}},
            "state_dict": {"model.x": torch.zeros(1)},
            CHECKPOINT_KEY: {},
        },
        tmp_path / "foreign.ckpt",
    )
    cases = [
        ({"checkpoint": str(tmp_path / "text.ckpt")}, "checkpoint"),
        ({"checkpoint": str(tmp_path / "foreign.ckpt")}, "state_dict"),
        ({"checkpoint": str(tmp_path / "missing.ckpt")}, "checkpoint"),
        ({"checkpoint": str(tmp_path / "bare.ckpt")}, CHECKPOINT_KEY),  # not written by lightning fit
        ({"checkpoint": str(tmp_path / "expert.ckpt")}, "model.class_path"),
        ({"checkpoint": str(tmp_path / "se3.ckpt"), "cutoff": 1.5}, "cutoff"),
        ({"checkpoint": str(tmp_path / "se3.ckpt"), "num_node_attr": 1}, "num_node_attr"),
    ]
    for arguments, field in cases:
        with pytest.raises(GlassDataError) as error:
            FrozenBackbone(**{"num_outputs": 3, "cutoff": 2.0, **arguments})
        assert error.value.field == field
