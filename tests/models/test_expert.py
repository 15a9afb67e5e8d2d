import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges
from glass_lightning.errors import GlassDataError
from glass_lightning.models import ExpertRidge
from glass_lightning.models.expert import parse_l_values
from glass_lightning.models.radial import polynomial_envelope
from glass_lightning.models.standardize import RunningStandardizer

GRID = np.stack(np.meshgrid(*[np.arange(4)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)


def simple_cubic_graph(cutoff, types):
    grid = GRID.astype(float)
    edge_index, edge_vec = periodic_edges(grid, np.full(3, 4.0), cutoff)
    return Data(
        node_type=torch.as_tensor(types),
        edge_index=torch.tensor(edge_index),
        edge_vec=torch.tensor(edge_vec),
        num_nodes=64,
    )


def test_descriptors_of_a_simple_cubic_crystal():
    """Every neighbour at r = 1: each shell's q_l is the crystal's, densities count species."""
    types = GRID.sum(axis=1) % 2  # rock salt: every neighbour of the other species
    model = ExpertRidge(1, 1.3, l_values="2,4,6", shells=4, shell_min=0.7, coarse_grain=False).double()
    descriptors = model.descriptors(simple_cubic_graph(1.3, types))
    assert descriptors.shape == (64, 4 * (2 + 3))
    densities, angular = descriptors[:, :8].view(64, 2, 4), descriptors[:, 8:].view(64, 4, 3)
    torch.testing.assert_close(angular, torch.tensor([0.0, 0.76376, 0.35355]).expand(64, 4, 3), atol=5e-5, rtol=0)
    same_species = densities[torch.arange(64), torch.as_tensor(types)]
    assert torch.all(same_species == 0)
    other = densities[torch.arange(64), 1 - torch.as_tensor(types)]
    centres = torch.tensor([0.7, 0.85, 1.0, 1.15])
    expected = 6 * torch.exp(-((1.0 - centres) ** 2) / (2 * 0.15**2)) * polynomial_envelope(torch.tensor(1.0), 1.3)
    torch.testing.assert_close(other, expected.expand(64, 4))


def test_coarse_graining_of_a_uniform_crystal_changes_nothing():
    """Identical environments: the neighbourhood average equals the particle's own value."""
    model = ExpertRidge(1, 1.3, l_values="4,6", shells=3, coarse_grain=True).double()
    descriptors = model.descriptors(simple_cubic_graph(1.3, np.zeros(64, dtype=int)))
    half = descriptors.shape[1] // 2
    torch.testing.assert_close(descriptors[:, half:], descriptors[:, :half])


def test_ridge_is_linear_per_type():
    model = ExpertRidge(2, 1.6, shells=3, hidden=0).double().eval()
    assert len(list(model.readout.trunk.parameters())) == 0
    assert model.readout.heads.out_features == 2 * 2


def test_running_standardizer_matches_whole_data_statistics():
    data = torch.randn(300, 4) * torch.tensor([1.0, 2.0, 0.5, 3.0]) + torch.tensor([0.0, -1.0, 5.0, 2.0])
    standardizer = RunningStandardizer(4).train()
    for chunk in data.split([100, 50, 150]):
        standardizer(chunk)
    torch.testing.assert_close(standardizer.mean, data.mean(0))
    torch.testing.assert_close(standardizer.sum_squares / 300, data.var(0, unbiased=False))
    standardizer.eval()
    standardized = standardizer(data)
    assert standardizer.count == 300
    torch.testing.assert_close(standardized.mean(0), torch.zeros(4), atol=1e-10, rtol=0)
    torch.testing.assert_close(standardized.std(0, unbiased=False), torch.ones(4))


@pytest.mark.parametrize("l_values, expected", [("2,4,6", [2, 4, 6]), ("6", [6]), ([1, 2], [1, 2])])
def test_parse_l_values(l_values, expected):
    assert parse_l_values(l_values) == expected


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"l_values": "2,x"}, "l_values"),
        ({"l_values": "-2"}, "l_values"),
        ({"shells": 0}, "shells"),
        ({"shell_min": 3.0}, "shell_min"),
    ],
)
def test_bad_hyperparameters_are_rejected(arguments, field):
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        ExpertRidge(2, 1.6, **arguments)
