import numpy as np
import pytest
import torch
from e3nn import o3
from models.graph_building import DATA_CUTOFF, build_graph, transformed  # noqa: F401  (fixtures use them)

from glass_lightning.data.synthetic import synthetic_snapshot


@pytest.fixture
def snapshot():
    return synthetic_snapshot(num_particles=128, seed=3)


@pytest.fixture
def graph(snapshot):
    return build_graph(snapshot.positions, snapshot.types, snapshot.box)


@pytest.fixture(params=["rotation", "improper"])
def orthogonal(request):
    """A random rotation, or a random rotation times the inversion (det = -1)."""
    torch.manual_seed(11)
    rotation = o3.rand_matrix(dtype=torch.float64)
    return rotation if request.param == "rotation" else -rotation


@pytest.fixture(autouse=True)
def float64_and_seeded():
    """Float64 by default: e3nn builds Wigner matrices in the default dtype, and the
    equivariance checks compare to 1e-10."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    np.random.seed(0)
    yield
    torch.set_default_dtype(previous)


@pytest.fixture
def make_graph():
    return build_graph


@pytest.fixture
def transform():
    return transformed
