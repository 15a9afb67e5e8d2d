"""Graphs in the dataset's Data layout, built in float64 for the model tests."""

import torch
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges

DATA_CUTOFF = 2.0


def build_graph(positions, types, box, cutoff=DATA_CUTOFF, node_attr=None, snapshot_index=0):
    """A float64 graph in the dataset's Data layout (edges rebuilt from the positions)."""
    edge_index, edge_vec = periodic_edges(positions, box, cutoff)
    num_particles = len(positions)
    return Data(
        pos=torch.tensor(positions, dtype=torch.float64),
        node_type=torch.as_tensor(types, dtype=torch.int64),
        node_attr=torch.zeros(num_particles, 0, dtype=torch.float64)
        if node_attr is None
        else torch.as_tensor(node_attr, dtype=torch.float64),
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
