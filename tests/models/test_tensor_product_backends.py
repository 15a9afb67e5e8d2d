"""Every tensor-product backend computes SE3Net's function from the same weights, and checkpoints move between them."""

import importlib.util
import sys

import pytest
import torch
from e3nn import o3

from glass_lightning.errors import GlassDataError
from glass_lightning.models.convolution import EdgeGeometry
from glass_lightning.models.se3 import SE3Net, hidden_irreps
from glass_lightning.models.tensor_product_backends import CONSTRUCTORS, DeviceDispatch

TOLERANCE = 1e-5  # max |theirs - native| / max |native|
CUEQUIVARIANCE = pytest.mark.skipif(
    importlib.util.find_spec("cuequivariance_torch") is None,
    reason="cuequivariance-torch is an optional dependency (pip install cuequivariance-torch); "
    "native and e3nn are always tested",
)


def relative_difference(theirs: torch.Tensor, native: torch.Tensor) -> float:
    return float((theirs - native).detach().abs().max() / native.detach().abs().max())


def network(backend: str, seed: int = 0, **options) -> SE3Net:
    torch.manual_seed(seed)
    return SE3Net(3, 2.0, l_max=3, channels=3, num_layers=3, tensor_product=backend, **options)


def assert_layer_matches_native(backend: str, graph):
    irreps = hidden_irreps(3, 3, "both")
    native = CONSTRUCTORS["native"](irreps, 3, irreps)
    theirs = CONSTRUCTORS[backend](irreps, 3, irreps)
    assert theirs.irreps_out == native.irreps_out
    harmonics = o3.spherical_harmonics(list(range(4)), graph.edge_vec, normalize=True, normalization="component")
    source, target = graph.edge_index
    weights = torch.randn(len(source), native.channels * native.num_paths)
    features = irreps.randn(graph.num_nodes, -1)

    def summed(layer):
        edges = EdgeGeometry(source, target, harmonics, layer.couple_harmonics(harmonics), None, graph.num_nodes)
        return layer(features, edges, weights)

    assert relative_difference(summed(theirs), summed(native)) < TOLERANCE


def assert_network_matches_native(backend: str, graph):
    """Float32, as in training: the outputs and every parameter's gradient."""
    graph = graph.clone()
    graph.edge_vec = graph.edge_vec.float()
    native, theirs = network("native", parity="both").float(), network(backend, parity="both").float()
    assert theirs.tensor_product_backend == backend
    outputs = native(graph)
    assert relative_difference(theirs(graph), outputs) < TOLERANCE
    outputs.square().sum().backward()
    theirs(graph).square().sum().backward()
    for (name, parameter), theirs_parameter in zip(native.named_parameters(), theirs.parameters()):
        assert relative_difference(theirs_parameter.grad, parameter.grad) < TOLERANCE, name


def test_e3nn_layer_matches_native(graph):
    assert_layer_matches_native("e3nn", graph)


def test_e3nn_network_matches_native_in_outputs_and_gradients(graph):
    assert_network_matches_native("e3nn", graph)


@CUEQUIVARIANCE
def test_cuequivariance_layer_and_network_match_native(graph):
    assert_layer_matches_native("cuequivariance", graph)
    assert_network_matches_native("cuequivariance", graph)


@pytest.mark.parametrize("written, loaded", [("native", "e3nn"), ("e3nn", "native")])
def test_a_checkpoint_of_one_backend_loads_with_another(graph, written, loaded):
    trained = network(written, seed=1)
    other = network(loaded, seed=2)
    other.load_state_dict(trained.state_dict())  # strict: the same keys, no backend's own
    assert relative_difference(other(graph), trained(graph)) < TOLERANCE


def test_auto_is_native_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert network("auto").tensor_product_backend == "native"
    with pytest.warns(UserWarning, match="openequivariance.*CUDA devices only.*native"):
        assert network("openequivariance").tensor_product_backend == "native"


def test_auto_on_a_cuda_machine_takes_each_device_s_backend():
    """What ``auto`` builds when a GPU backend runs: the GPU backend for CUDA tensors, native for the others."""
    irreps = hidden_irreps(2, 2, "natural")
    native, gpu = CONSTRUCTORS["native"](irreps, 2, irreps), CONSTRUCTORS["e3nn"](irreps, 2, irreps)
    dispatch = DeviceDispatch(native, gpu, irreps, 2, irreps)
    assert dispatch.for_device(torch.device("cpu")) is native and dispatch.for_device(torch.device("cuda")) is gpu
    assert dispatch.backend == "e3nn on CUDA, native on the CPU" and dispatch.irreps_out == native.irreps_out
    assert not dispatch.state_dict()


def test_a_backend_that_does_not_import_falls_back_to_native_naming_its_package(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setitem(sys.modules, "cuequivariance_torch", None)  # import fails as if it were not installed
    with pytest.warns(UserWarning, match="pip install cuequivariance-torch.*native tensor product"):
        model = network("cuequivariance")
    assert model.tensor_product_backend == "native"


def test_unknown_backend_is_rejected():
    with pytest.raises(GlassDataError, match="field 'tensor_product'"):
        network("fastest")
