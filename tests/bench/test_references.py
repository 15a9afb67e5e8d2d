"""SE3Net's own convolutions against reference (a) of the benchmark, e3nn's fully connected product (same weights)."""

import pytest
import torch

from glass_lightning.bench.references import ReferenceNetwork
from glass_lightning.bench.workload import Workload, benchmark_graph, benchmark_network

WORKLOAD = Workload(num_particles=96, l_max=3, channels=3, num_layers=2)


@pytest.fixture
def graph():
    data = benchmark_graph(WORKLOAD)
    data.edge_vec = data.edge_vec.double()
    return data


def test_every_convolution_matches_e3nn(graph):
    ours = benchmark_network(WORKLOAD, "ours")
    reference = ReferenceNetwork(ours)
    edges = ours.edge_geometry(graph)
    features = torch.nn.functional.one_hot(graph.node_type, 2).double()
    for layer, reference_layer in zip(ours.layers, reference.network.layers):
        expected = reference_layer.convolution(features, edges)
        torch.testing.assert_close(layer.convolution(features, edges), expected, atol=1e-10, rtol=1e-9)
        features = layer(features, edges)


def test_networks_agree_in_outputs_and_gradients(graph):
    ours = benchmark_network(WORKLOAD, "ours")
    reference = benchmark_network(WORKLOAD, "fully_connected")
    outputs = ours(graph)
    torch.testing.assert_close(reference(graph), outputs, atol=1e-10, rtol=1e-9)
    outputs.square().sum().backward()
    reference(graph).square().sum().backward()
    reference_parameters = dict(reference.named_parameters())
    for name, parameter in ours.named_parameters():
        mirrored = "network." + name.replace(".convolution.", ".convolution.convolution.")
        torch.testing.assert_close(reference_parameters[mirrored].grad, parameter.grad, atol=1e-9, rtol=1e-8, msg=name)


def test_unknown_implementation_is_rejected():
    with pytest.raises(ValueError, match="unknown"):
        benchmark_network(WORKLOAD, "fastest")
