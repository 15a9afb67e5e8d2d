import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges
from glass_lightning.errors import GlassDataError
from glass_lightning.models import InvariantGNN, SE3Net
from glass_lightning.models.bond_order import bond_order_parameters
from glass_lightning.models.se3 import hidden_irreps


def test_hidden_irreps():
    assert str(hidden_irreps(3, 16, "natural")) == "16x0e+16x1o+16x2e+16x3o"
    assert str(hidden_irreps(1, 2, "both")) == "2x0e+2x0o+2x1o+2x1e"


def test_first_layer_invariants_shape_and_rotation_invariance(graph, orthogonal, transform):
    model = SE3Net(2, 1.6, l_max=3, channels=5, num_layers=1).double()
    invariants = model.first_layer_invariants(graph)
    assert invariants.shape == (graph.num_nodes, 2 * 4 * 5)
    torch.testing.assert_close(
        model.first_layer_invariants(transform(graph, orthogonal)), invariants, atol=1e-10, rtol=1e-8
    )


def simple_cubic_graph(cutoff):
    grid = np.stack(np.meshgrid(*[np.arange(4)] * 3, indexing="ij"), axis=-1).reshape(-1, 3).astype(float)
    edge_index, edge_vec = periodic_edges(grid, np.full(3, 4.0), cutoff)
    return Data(
        node_type=torch.zeros(64, dtype=torch.int64),
        edge_index=torch.tensor(edge_index),
        edge_vec=torch.tensor(edge_vec),
        num_nodes=64,
    )


def test_first_layer_invariants_reduce_to_steinhardt_on_one_shell():
    """All 6 neighbours of a simple cubic crystal at r0 = 1: invariant[l, u] = |R_ul(r0)| * 6 * q_l."""
    graph = simple_cubic_graph(1.2)
    model = SE3Net(1, 1.5, l_max=4, channels=3, num_layers=1).double()
    invariants = model.first_layer_invariants(graph).view(64, 2, 5, 3)[:, 0]  # species A: (N, l, u)
    first = model.layers[0].convolution
    radial = first.radial(model.radial_basis(torch.ones(1))).view(3, 5).T.abs()  # (l, u)
    q = bond_order_parameters(graph.edge_index, graph.edge_vec, 64, range(5))  # (N, l)
    torch.testing.assert_close(invariants, 6 * radial[None] * q[:, :, None])
    assert torch.all(invariants[:, [1, 3]] < 1e-8)  # q_1 = q_3 = 0: the crystal is centrosymmetric
    assert torch.all(model.first_layer_invariants(graph).view(64, 2, 5, 3)[:, 1] == 0)  # no B neighbours


def two_bond_graph(angle):
    """A centre with two neighbours at distance 1 and the given bond angle (neighbours out of each other's cutoff)."""
    vectors = torch.tensor([[1.0, 0.0, 0.0], [np.cos(angle), np.sin(angle), 0.0]])
    edge_vec = torch.cat([vectors, -vectors])
    edge_index = torch.tensor([[1, 2, 0, 0], [0, 0, 1, 2]])
    return Data(node_type=torch.tensor([0, 1, 1]), edge_index=edge_index, edge_vec=edge_vec, num_nodes=3)


def test_angles_reach_se3net_but_not_invariant_gnn():
    """The centre's l > 0 features see the bond angle in layer 1, reach the neighbours in layer 2
    and come back to the centre's scalars in layer 3."""
    right, straight = two_bond_graph(np.pi / 2), two_bond_graph(np.pi)
    se3 = SE3Net(2, 1.2, l_max=2, channels=4, num_layers=3).double()
    invariant = InvariantGNN(2, 1.2, hidden=8, num_layers=2).double()
    assert not torch.allclose(se3(right)[0], se3(straight)[0])
    torch.testing.assert_close(invariant(right), invariant(straight))


def test_runs_in_float32(graph):
    model = SE3Net(4, 1.6, l_max=1, channels=4, num_layers=2).float()
    graph32 = graph.clone()
    graph32.edge_vec = graph.edge_vec.float()
    output = model(graph32)
    assert output.dtype == torch.float32 and output.shape == (graph.num_nodes, 4)


def test_shared_head_when_per_type_heads_is_off(graph):
    model = SE3Net(3, 1.6, l_max=1, channels=4, num_layers=1, per_type_heads=False, decoder_hidden=0).double()
    assert model.decoder.heads.out_features == 3
    assert model(graph).shape == (graph.num_nodes, 3)


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"parity": "odd"}, "parity"),
        ({"normalization": "batch"}, "normalization"),
        ({"l_max": -1}, "l_max"),
        ({"num_layers": 0}, "num_layers"),
        ({"radial": "cosine"}, "radial"),
        ({"readout": "norms"}, "readout"),
        ({"coarse_graining": -1}, "coarse_graining"),
        ({"power_spectrum": 4}, "power_spectrum"),  # needs the invariants read-out
        ({"power_spectrum": -1, "readout": "invariants"}, "power_spectrum"),
    ],
)
def test_bad_hyperparameters_are_rejected(arguments, field):
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        SE3Net(2, 1.6, **arguments)


def test_invariants_read_out_and_coarse_graining_widen_the_representation(graph):
    model = (
        SE3Net(3, 1.6, l_max=2, channels=4, num_layers=2, readout="invariants", readout_width=8, coarse_graining=2)
        .double()
        .eval()
    )
    features = model.invariant_features(graph)
    assert features.shape == (graph.num_nodes, 8) == (graph.num_nodes, model.num_invariant_features)
    # the read-out sees the per-species first-layer invariants: 2 species x 3 degrees x 4 channels,
    # plus scalars and l > 0 norms of both blocks (4 channels x 3 degrees each)
    assert model.invariant_standardization.num_features == 2 * 3 * 4 + 2 * 3 * 4
    assert len(model.coarse_graining.updates) == 2


def test_the_power_spectrum_adds_the_products_of_mixed_first_layer_sums(graph):
    """k mixtures per degree give k(k+1)/2 products each, on top of the norms; l = 0 products of
    one-hot sums are products of weighted neighbour counts, which a test can compute directly."""
    model = SE3Net(3, 1.6, l_max=2, channels=4, num_layers=1, readout="invariants", power_spectrum=3).double()
    assert model.invariant_standardization.num_features == 2 * 3 * 4 + 3 * 4 + 3 * 6
    first = model.layers[0].convolution
    sums = first.scalar_sums(torch.nn.functional.one_hot(graph.node_type, 2).double(), model.edge_geometry(graph, True))
    products = model.power_spectrum(sums)
    mixed = sums[0][:, :, :2, 0].flatten(1) @ model.power_spectrum.mixing[0].double().T  # (N, 3)
    torch.testing.assert_close(products[:, 0], mixed[:, 0] ** 2)
    torch.testing.assert_close(products[:, 1], mixed[:, 0] * mixed[:, 1])


def test_linear_node_inputs_reach_the_prediction_linearly_and_only_there(snapshot, make_graph, orthogonal, transform):
    """The last node input enters through a linear term per type, zero at the start: the prediction moves by a fixed
    amount per unit of it on each particle; the network (its invariant features) never sees it; rotations change
    nothing."""
    model = SE3Net(
        2, 1.6, l_max=2, channels=4, num_layers=1, readout="invariants", readout_width=8, coarse_graining=2,
        num_node_attr=2, linear_node_inputs=1,
    ).double().eval()  # fmt: skip
    attributes = np.random.default_rng(2).normal(size=(len(snapshot.positions), 2))
    graphs = [
        make_graph(snapshot.positions, snapshot.types, snapshot.box, node_attr=attributes + shift)
        for shift in ([0.0, 0.0], [0.0, 1.0], [0.0, 2.0])
    ]
    torch.testing.assert_close(model(graphs[1]), model(graphs[0]))  # the term starts at zero
    with torch.no_grad():
        model.linear_inputs.weight.copy_(torch.tensor([[0.5], [-1.0], [2.0], [0.25]], dtype=torch.float64))
    base, once, twice = (model(graph) for graph in graphs)
    torch.testing.assert_close(twice - base, 2 * (once - base))
    types = graphs[0].node_type
    expected = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64)[types]  # (type, output) per particle
    torch.testing.assert_close(once - base, expected)
    torch.testing.assert_close(model.invariant_features(graphs[1]), model.invariant_features(graphs[0]))
    torch.testing.assert_close(model(transform(graphs[0], orthogonal)), base, atol=1e-10, rtol=1e-8)


def test_more_linear_node_inputs_than_node_inputs_are_refused():
    with pytest.raises(GlassDataError, match="linear_node_inputs"):
        SE3Net(1, 1.6, num_node_attr=1, linear_node_inputs=2)
