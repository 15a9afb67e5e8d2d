"""The references of the interpretability experiment: neighbour counts and species-resolved q_l."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges
from glass_lightning.experiments.interpretability import absolute_correlations, shell_references


def simple_cubic(cells: int = 5) -> Data:
    grid = np.stack(np.meshgrid(*[np.arange(cells)] * 3, indexing="ij"), axis=-1).reshape(-1, 3).astype(float)
    types = (grid.sum(axis=1) % 2).astype(np.int64)  # rock-salt colouring: the nearest neighbours of A are B
    edge_index, edge_vec = periodic_edges(grid, np.full(3, float(cells)), 1.9)
    return Data(
        edge_index=torch.tensor(edge_index),
        edge_vec=torch.tensor(edge_vec),
        node_type=torch.tensor(types),
        num_nodes=len(grid),
    )


def test_counts_and_bond_orders_of_a_simple_cubic_crystal():
    graph = simple_cubic(6)
    references = shell_references(graph, num_types=2, l_max=4, cutoff=1.2)
    centres = graph.node_type.numpy() == 0
    # six nearest neighbours, all of the other species: n_A = 0, n_B = 6; q_l of the cubic shell
    np.testing.assert_allclose(references[centres, 0, 0], 0.0)
    np.testing.assert_allclose(references[centres, 1, 0], 6.0)
    np.testing.assert_allclose(references[centres, 1, 1:3], 0.0, atol=1e-6)  # q_1 = q_2 = 0 by cubic symmetry
    np.testing.assert_allclose(references[centres, 1, 4], np.sqrt(7 / 12), rtol=1e-5)  # q_4 of simple cubic: 0.7638


def test_absolute_correlations_against_numpy():
    rng = np.random.default_rng(1)
    reference = rng.normal(size=200)
    features = np.stack([reference + rng.normal(size=200), -reference, np.ones(200)], axis=1)
    result = absolute_correlations(features, reference)
    assert result[0] == pytest.approx(abs(np.corrcoef(features[:, 0], reference)[0, 1]))
    assert result[1] == pytest.approx(1.0) and result[2] == 0.0
