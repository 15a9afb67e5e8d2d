"""Coarse-graining of per-particle features over the neighbourhood (Boattini et al., Nat. Commun.
12, 2021: coarse-grained descriptors predict the dynamics far better than local ones).

The average: x_bar(i) = (x(i) + sum_j w(r_ij) x(j)) / (1 + sum_j w(r_ij)), with a Gaussian weight
of width cutoff / 2 times the smooth cutoff envelope, the particle itself included with weight 1.
:class:`CoarseGraining` learns on top of it: each pass updates x <- x + MLP([x, x_bar]), so
``passes`` passes mix the features over a few neighbour shells. Only invariant features go
through it, so it keeps every symmetry of the features it is given.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.errors import GlassDataError
from glass_lightning.models.inputs import model_edges, scatter_sum
from glass_lightning.models.radial import polynomial_envelope


def coarse_graining_weights(distance: torch.Tensor, cutoff: float) -> torch.Tensor:
    """(E,) neighbour weights: a Gaussian of width cutoff / 2 times the cutoff envelope."""
    return torch.exp(-(distance**2) / (2 * (cutoff / 2) ** 2)) * polynomial_envelope(distance, cutoff)


def coarse_grain(features: torch.Tensor, edge_index: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted neighbourhood average of per-particle ``features`` (N, F), the particle included."""
    total = scatter_sum(weight[:, None] * features.index_select(0, edge_index[0]), edge_index[1], len(features))
    norm = scatter_sum(weight, edge_index[1], len(features)) + 1.0
    return (features + total) / norm[:, None]


class CoarseGraining(nn.Module):
    """``passes`` learned coarse-graining passes on (N, width) invariant features within ``cutoff``."""

    def __init__(self, width: int, passes: int, cutoff: float):
        super().__init__()
        if passes < 0:
            raise GlassDataError(
                "<model>", "coarse_graining", f"expected a non-negative number of passes, got {passes}"
            )
        self.cutoff = float(cutoff)
        self.updates = nn.ModuleList(
            nn.Sequential(nn.Linear(2 * width, width), nn.SiLU(), nn.Linear(width, width)) for _ in range(passes)
        )

    def forward(self, features: torch.Tensor, data: Data) -> torch.Tensor:
        if not self.updates:
            return features
        edge_index, _, distance = model_edges(data, self.cutoff)
        weight = coarse_graining_weights(distance, self.cutoff)
        for update in self.updates:
            features = features + update(torch.cat([features, coarse_grain(features, edge_index, weight)], dim=1))
        return features
