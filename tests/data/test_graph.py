import numpy as np
import pytest
import torch

from glass_lightning.data.graph import edges_within, periodic_edges
from glass_lightning.errors import GlassDataError


def brute_force_edges(positions, box, cutoff):
    delta = positions[None, :, :] - positions[:, None, :]  # delta[i, j] = r_j - r_i
    delta -= box * np.round(delta / box)
    distance = np.linalg.norm(delta, axis=-1)
    np.fill_diagonal(distance, np.inf)
    centre, neighbour = np.nonzero(distance < cutoff)
    return {(j, i): delta[i, j] for i, j in zip(centre, neighbour)}


@pytest.mark.parametrize("box", [(6.0, 6.0, 6.0), (5.0, 6.5, 7.2)])
def test_edges_equal_brute_force_minimum_image(box):
    box = np.array(box)
    positions = np.random.default_rng(1).random((150, 3)) * box
    edge_index, edge_vec = periodic_edges(positions, box, 2.2)
    expected = brute_force_edges(positions, box, 2.2)
    found = {(int(j), int(i)): vector for (j, i), vector in zip(edge_index.T, edge_vec)}
    assert found.keys() == expected.keys()
    for key, vector in found.items():
        np.testing.assert_allclose(vector, expected[key], atol=1e-10)
    assert not np.any(edge_index[0] == edge_index[1])


def test_filtering_a_large_cutoff_graph_equals_building_at_the_small_one():
    box = np.full(3, 7.0)
    positions = np.random.default_rng(2).random((200, 3)) * box
    large_index, large_vec = periodic_edges(positions, box, 3.0)
    small_index, small_vec = edges_within(torch.from_numpy(large_index), torch.from_numpy(large_vec), 1.7)
    reference_index, _ = periodic_edges(positions, box, 1.7)
    assert set(map(tuple, small_index.T.tolist())) == set(map(tuple, reference_index.T.tolist()))


def test_box_shorter_than_twice_the_cutoff_is_refused():
    with pytest.raises(GlassDataError, match="twice the cutoff"):
        periodic_edges(np.zeros((2, 3)) + [[0, 0, 0], [1, 1, 1]], np.full(3, 3.9), 2.0)
