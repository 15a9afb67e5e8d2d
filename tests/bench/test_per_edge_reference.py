"""The recipe's network against the per-edge reference of the benchmark (the computation before), same weights."""

import pytest
import torch

from glass_lightning.bench.workload import RECIPE, benchmark_graph, benchmark_network

WORKLOAD = RECIPE.smaller(512)


@pytest.fixture
def graph():
    data = benchmark_graph(WORKLOAD)
    data.edge_vec = data.edge_vec.double()
    return data


def test_the_reference_has_no_parameters_of_its_own():
    reference = benchmark_network(WORKLOAD, "per_edge")
    assert {id(p) for p in reference.parameters()} == {id(p) for p in reference.network.parameters()}


def test_outputs_and_gradients_equal_the_networks(graph):
    ours, reference = benchmark_network(WORKLOAD, "ours"), benchmark_network(WORKLOAD, "per_edge")
    outputs, expected = ours(graph), reference(graph)
    torch.testing.assert_close(outputs, expected, atol=1e-12, rtol=1e-10)
    outputs.square().sum().backward()
    expected.square().sum().backward()
    reference_parameters = dict(reference.named_parameters())
    for name, parameter in ours.named_parameters():
        expected_gradient = reference_parameters["network." + name].grad
        torch.testing.assert_close(parameter.grad, expected_gradient, atol=1e-10, rtol=1e-8, msg=name)
