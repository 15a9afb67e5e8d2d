import numpy as np
import pytest
import torch
from e3nn import o3
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.synthetic import synthetic_snapshot

DATA_CUTOFF = 2.0


def build_graph(positions, types, box, cutoff=DATA_CUTOFF, node_attr=None, snapshot_index=0):
    """A float64 graph in the dataset's Data layout (edges rebuilt from the positions)."""
    edge_index, edge_vec = periodic_edges(positions, box, cutoff)
    num_particles = len(positions)
    return Data(
        pos=torch.tensor(positions, dtype=torch.float64),
        node_type=torch.as_tensor(types, dtype=torch.int64),
        node_attr=torch.zeros(num_particles, 0, dtype=torch.float64) if node_attr is None else torch.as_tensor(node_attr, dtype=torch.float64),
        edge_index=torch.tensor(edge_index),
        edge_vec=torch.tensor(edge_vec, dtype=torch.float64),
        y=torch.zeros(num_particles, 4),
        temperature=torch.tensor([0.5]),
        snapshot_index=torch.tensor([snapshot_index]),
        num_nodes=num_particles,
    )


def transformed(data, matrix):
    """The same graph with every edge vector (and position) mapped by the 3x3 ``matrix``."""
    moved = data.clone()
    moved.edge_vec = data.edge_vec @ matrix.T
    moved.pos = data.pos @ matrix.T
    return moved


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
