import numpy as np
import pytest
import torch

from glass_lightning.data.graph import periodic_edges
from glass_lightning.models.bond_order import bond_order_parameters


def lattice(basis, cells):
    grid = np.stack(np.meshgrid(*[np.arange(cells)] * 3, indexing="ij"), axis=-1).reshape(-1, 1, 3)
    return (grid + np.asarray(basis)[None]).reshape(-1, 3).astype(np.float64), np.full(3, float(cells))


def q_of_lattice(basis, cutoff, l_values=(4, 6)):
    positions, box = lattice(basis, 4)
    # rotate the crystal: q_l must not depend on its orientation
    edge_index, edge_vec = periodic_edges(positions, box, cutoff)
    rotation = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0]
    vectors = torch.tensor(edge_vec @ rotation.T)
    return bond_order_parameters(torch.tensor(edge_index), vectors, len(positions), l_values)


@pytest.mark.parametrize(
    "basis, cutoff, q4, q6",
    [
        ([[0, 0, 0]], 1.2, 0.76376, 0.35355),  # simple cubic, 6 neighbours
        ([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]], 0.8, 0.19094, 0.57452),  # fcc, 12 neighbours
        ([[0, 0, 0], [0.5, 0.5, 0.5]], 0.9, 0.50918, 0.62854),  # bcc, 8 neighbours
    ],
)
def test_perfect_crystals_match_reference_values(basis, cutoff, q4, q6):
    q = q_of_lattice(basis, cutoff)
    np.testing.assert_allclose(q[:, 0].numpy(), q4, atol=5e-5)
    np.testing.assert_allclose(q[:, 1].numpy(), q6, atol=5e-5)


def test_single_bond_gives_one_and_isolated_particle_zero():
    edge_index = torch.tensor([[1], [0]])
    edge_vec = torch.tensor([[0.3, -0.2, 0.9]], dtype=torch.float64)
    q = bond_order_parameters(edge_index, edge_vec, 2, [1, 2, 3, 6])
    torch.testing.assert_close(q[0], torch.ones(4, dtype=torch.float64))
    torch.testing.assert_close(q[1], torch.zeros(4, dtype=torch.float64))


def test_weight_columns_give_one_q_set_per_column():
    edge_index, edge_vec = periodic_edges(*lattice([[0, 0, 0]], 4), 1.5)
    edge_index, edge_vec = torch.tensor(edge_index), torch.tensor(edge_vec)
    first_shell = (edge_vec.norm(dim=1) < 1.2).to(torch.float64)
    weights = torch.stack([first_shell, torch.ones_like(first_shell)], dim=1)
    q = bond_order_parameters(edge_index, edge_vec, 64, [4, 6], edge_weight=weights)
    assert q.shape == (64, 2, 2)
    torch.testing.assert_close(
        q[:, 0], bond_order_parameters(edge_index, edge_vec, 64, [4, 6], edge_weight=first_shell)
    )
    torch.testing.assert_close(q[:, 1], bond_order_parameters(edge_index, edge_vec, 64, [4, 6]))
