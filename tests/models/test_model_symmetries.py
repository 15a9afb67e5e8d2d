"""The three models share one interface and give the same predictions under rotations (proper
and improper), translations, particle permutations and batching."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.models import ExpertRidge, InvariantGNN, SE3Net, count_parameters

MODEL_CUTOFF = 1.6
MODELS = {
    "se3": lambda **kw: SE3Net(
        3, MODEL_CUTOFF, l_max=2, channels=4, num_layers=2, radial_hidden=8, decoder_hidden=8, **kw
    ),
    "se3-invariants-coarse-grained": lambda **kw: SE3Net(
        3,
        MODEL_CUTOFF,
        l_max=2,
        channels=4,
        num_layers=2,
        radial_hidden=8,
        readout="invariants",
        readout_width=8,
        coarse_graining=2,
        **kw,
    ),
    "se3-power-spectrum": lambda **kw: SE3Net(
        3,
        MODEL_CUTOFF,
        l_max=2,
        channels=4,
        num_layers=1,
        readout="invariants",
        readout_width=8,
        power_spectrum=3,
        **kw,
    ),
    "se3-both-parities": lambda **kw: SE3Net(
        3, MODEL_CUTOFF, l_max=1, channels=4, num_layers=2, radial="gaussian", parity="both", **kw
    ),
    "invariant": lambda **kw: InvariantGNN(3, MODEL_CUTOFF, hidden=8, num_layers=2, decoder_hidden=8, **kw),
    "invariant-coarse-grained": lambda **kw: InvariantGNN(
        3, MODEL_CUTOFF, hidden=8, num_layers=1, coarse_graining=2, **kw
    ),
    "expert-ridge": lambda **kw: ExpertRidge(3, MODEL_CUTOFF, l_values="2,4,6", shells=4, **kw),
    "expert-mlp": lambda **kw: ExpertRidge(
        3, MODEL_CUTOFF, l_values=[4, 6], shells=3, hidden=8, coarse_grain=False, **kw
    ),
}


@pytest.fixture(scope="module", params=list(MODELS))
def model(request):
    """Built once per module (e3nn compiles its tensor products on construction); tests only
    evaluate it."""
    return MODELS[request.param]().double().eval()


def test_output_shape_and_parameters(model, graph):
    output = model(graph)
    assert output.shape == (graph.num_nodes, 3)
    assert torch.isfinite(output).all()
    assert count_parameters(model) > 0


def test_invariant_under_rotations_and_reflections(model, graph, orthogonal, transform):
    # 1e-8: the invariants read-out (norms, batch-standardized, three MLPs deep) magnifies float64 round-off
    torch.testing.assert_close(model(transform(graph, orthogonal)), model(graph), atol=1e-8, rtol=1e-8)


def test_invariant_under_periodic_translation(model, snapshot, make_graph):
    shifted = np.mod(snapshot.positions + np.array([0.37, -1.9, 2.6]), snapshot.box)
    expected = model(make_graph(snapshot.positions, snapshot.types, snapshot.box))
    torch.testing.assert_close(
        model(make_graph(shifted, snapshot.types, snapshot.box)), expected, atol=1e-10, rtol=1e-8
    )


def test_equivariant_under_particle_permutation(model, snapshot, make_graph):
    order = np.random.default_rng(5).permutation(len(snapshot.positions))
    expected = model(make_graph(snapshot.positions, snapshot.types, snapshot.box))[torch.as_tensor(order)]
    permuted = model(make_graph(snapshot.positions[order], snapshot.types[order], snapshot.box))
    torch.testing.assert_close(permuted, expected, atol=1e-10, rtol=1e-8)


def test_batch_of_two_graphs_equals_separate_runs(model, graph, make_graph):
    other = synthetic_snapshot(num_particles=100, seed=8)
    second = make_graph(other.positions, other.types, other.box, snapshot_index=1)
    model(graph)  # a model that standardizes its inputs takes its statistics from a first batch
    batched = model(Batch.from_data_list([graph, second]))
    torch.testing.assert_close(batched, torch.cat([model(graph), model(second)]), atol=1e-10, rtol=1e-8)


def test_edges_beyond_model_cutoff_are_ignored(model, snapshot, make_graph):
    wide = make_graph(snapshot.positions, snapshot.types, snapshot.box, cutoff=2.0)
    tight = make_graph(snapshot.positions, snapshot.types, snapshot.box, cutoff=MODEL_CUTOFF)
    assert tight.edge_index.shape[1] < wide.edge_index.shape[1]
    torch.testing.assert_close(model(wide), model(tight), atol=1e-10, rtol=1e-8)


@pytest.mark.parametrize("name", list(MODELS))
def test_gradients_reach_every_parameter(name, graph):
    model = MODELS[name]().double().train()
    model(graph).pow(2).mean().backward()
    missing = [
        key
        for key, parameter in model.named_parameters()
        if parameter.grad is None or not torch.isfinite(parameter.grad).all()
    ]
    assert not missing
    assert any(parameter.grad.abs().sum() > 0 for parameter in model.parameters())


@pytest.mark.parametrize("name", list(MODELS))
def test_node_attributes_are_read(name, snapshot, make_graph):
    attributes = np.random.default_rng(1).normal(size=(len(snapshot.positions), 2))
    graph = make_graph(snapshot.positions, snapshot.types, snapshot.box, node_attr=attributes)
    other = make_graph(snapshot.positions, snapshot.types, snapshot.box, node_attr=attributes[::-1].copy())
    model = MODELS[name](num_node_attr=2).double().eval()
    model(graph)
    assert model(graph).shape == (graph.num_nodes, 3)
    assert not torch.allclose(model(graph), model(other))
    with pytest.raises(GlassDataError, match="field 'node_attr'"):
        MODELS[name](num_node_attr=1).double()(graph)


def test_bad_node_types_are_rejected_with_the_field_name(model, graph):
    wrong_type = graph.clone()
    wrong_type.node_type = wrong_type.node_type + 1
    with pytest.raises(GlassDataError, match="field 'node_type'"):
        model(wrong_type)


def test_output_is_continuous_as_a_neighbour_crosses_the_cutoff(model, graph):
    """One pair stretched from just inside to just outside the model cutoff: the output barely moves."""
    pair = (graph.edge_vec.norm(dim=1) < MODEL_CUTOFF).nonzero()[0, 0]
    j, i = graph.edge_index[:, pair]
    both_directions = ((graph.edge_index[0] == j) & (graph.edge_index[1] == i)) | (
        (graph.edge_index[0] == i) & (graph.edge_index[1] == j)
    )
    outputs = []
    for length in (MODEL_CUTOFF * (1 - 1e-6), MODEL_CUTOFF * (1 + 1e-6)):
        stretched = graph.clone()
        vectors = graph.edge_vec[both_directions]
        stretched.edge_vec[both_directions] = vectors / vectors.norm(dim=1, keepdim=True) * length
        outputs.append(model(stretched))
    torch.testing.assert_close(outputs[0], outputs[1], atol=1e-8, rtol=0)


@pytest.mark.parametrize("name", list(MODELS))
def test_state_dict_round_trip(name, graph):
    model = MODELS[name]().double().train()
    model(graph)
    restored = MODELS[name]().double()
    restored.load_state_dict(model.state_dict())
    torch.testing.assert_close(restored.eval()(graph), model.eval()(graph))
