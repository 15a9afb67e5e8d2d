"""SE3Net's own convolutions against the plain e3nn paths of the benchmark (same weights)."""

import pytest
import torch

from glass_lightning.bench.references import ReferenceNetwork
from glass_lightning.bench.workload import Workload, benchmark_graph, benchmark_network
from glass_lightning.models.se3 import SE3Net

WORKLOAD = Workload(num_particles=96, l_max=3, channels=3, num_layers=2)


@pytest.fixture
def graph():
    data = benchmark_graph(WORKLOAD)
    data.edge_vec = data.edge_vec.double()
    return data


@pytest.mark.parametrize("kind", ["uvu", "fully_connected"])
def test_every_convolution_matches_e3nn(graph, kind):
    ours = benchmark_network(WORKLOAD, "ours")
    reference = ReferenceNetwork(ours, kind)
    edges = ours.edge_geometry(graph)
    features = torch.nn.functional.one_hot(graph.node_type, 2).double()
    for layer, reference_layer in zip(ours.layers, reference.network.layers):
        expected = reference_layer.convolution(features, edges)
        torch.testing.assert_close(layer.convolution(features, edges), expected, atol=1e-10, rtol=1e-9)
        features = layer(features, edges)


@pytest.mark.parametrize("kind", ["uvu", "fully_connected"])
def test_networks_agree_in_outputs_and_gradients(graph, kind):
    ours = benchmark_network(WORKLOAD, "ours")
    reference = benchmark_network(WORKLOAD, kind)
    outputs = ours(graph)
    torch.testing.assert_close(reference(graph), outputs, atol=1e-10, rtol=1e-9)
    outputs.square().sum().backward()
    reference(graph).square().sum().backward()
    reference_parameters = dict(reference.named_parameters())
    for name, parameter in ours.named_parameters():
        mirrored = "network." + name.replace(".convolution.", ".convolution.convolution.")
        torch.testing.assert_close(reference_parameters[mirrored].grad, parameter.grad, atol=1e-9, rtol=1e-8, msg=name)


def test_both_parities_match_e3nn(graph):
    torch.manual_seed(1)
    ours = SE3Net(2, 2.0, l_max=2, channels=2, num_layers=2, parity="both")
    torch.testing.assert_close(ReferenceNetwork(ours, "uvu")(graph), ours(graph), atol=1e-10, rtol=1e-9)


def test_unknown_reference_is_rejected():
    with pytest.raises(ValueError, match="unknown"):
        benchmark_network(WORKLOAD, "fastest")
