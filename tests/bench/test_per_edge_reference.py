"""The recipe's network against the per-edge reference of the benchmark (the computation before), same weights."""

import dataclasses

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


def test_the_warmup_graph_is_small_but_its_box_fits_the_cutoff():
    wide = dataclasses.replace(RECIPE, cutoff=3.0)
    assert wide.warmup(256).num_particles == 260  # 1.2 * (2 * 3.0)^3 = 259.2
    assert benchmark_graph(wide.warmup(256)).num_nodes == 260  # builds: its box exceeds twice the cutoff
    assert dataclasses.replace(RECIPE, cutoff=2.0).warmup(256).num_particles == 256
