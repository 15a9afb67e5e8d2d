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
from glass_lightning.models.inputs import model_edges
from glass_lightning.models.radial import polynomial_envelope


def coarse_graining_weights(distance: torch.Tensor, cutoff: float) -> torch.Tensor:
    """(E,) neighbour weights: a Gaussian of width cutoff / 2 times the cutoff envelope."""
    return torch.exp(-(distance**2) / (2 * (cutoff / 2) ** 2)) * polynomial_envelope(distance, cutoff)


@torch.compiler.disable  # data-dependent sizes / sparse tensors: eager, between compiled graphs
def averaging_matrix(edge_index: torch.Tensor, distance: torch.Tensor, cutoff: float, num_nodes: int) -> torch.Tensor:
    """(N, N) sparse: row i weighs particle i by 1 and each neighbour j (``edge_index`` (2, E), j -> i, at
    ``distance``) by :func:`coarse_graining_weights`, normalized to sum 1. Built once per graph, it makes a
    pass one sparse product, with no (edges, features) tensor."""
    dtype, device = distance.dtype, distance.device
    self_loops = torch.arange(num_nodes, device=device).repeat(2, 1)
    rows_columns = torch.cat([edge_index.flip(0), self_loops], dim=1)  # row: the centre i, column: the neighbour j
    values = torch.cat(
        [coarse_graining_weights(distance, cutoff).to(dtype), torch.ones(num_nodes, dtype=dtype, device=device)]
    )
    norm = torch.zeros(num_nodes, dtype=dtype, device=device).index_add_(0, rows_columns[0], values)
    matrix = torch.sparse_coo_tensor(
        rows_columns, values / norm[rows_columns[0]], (num_nodes, num_nodes), check_invariants=False
    )
    return matrix.coalesce()


@torch.compiler.disable  # data-dependent sizes / sparse tensors: eager, between compiled graphs
def coarse_grain(features: torch.Tensor, average: torch.Tensor) -> torch.Tensor:
    """Weighted neighbourhood average of per-particle ``features`` (N, F), the particle included
    (``average`` from :func:`averaging_matrix`)."""
    return torch.sparse.mm(average, features)


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
        average = averaging_matrix(edge_index, distance.to(features.dtype), self.cutoff, len(features))
        for update in self.updates:
            features = features + update(torch.cat([features, coarse_grain(features, average)], dim=1))
        return features
