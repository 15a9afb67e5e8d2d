"""Steinhardt bond-order parameters (Steinhardt, Nelson & Ronchetti, PRB 28, 784, 1983).

    q_lm(i) = sum_j w_ij Y_lm(r_ij_hat) / sum_j w_ij
    q_l(i)  = sqrt( 4 pi / (2l+1) sum_m |q_lm(i)|^2 )

With unit weights over the neighbours within a cutoff this is the classic q_l; weights from a
radial shell give the shell-resolved descriptors of Boattini et al. (2021). Real orthonormal
spherical harmonics are a unitary change of basis of the complex ones, so the sum over m is
the same. A particle with no (or zero-weight) neighbours gets q_l = 0.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from e3nn import o3

from glass_lightning.models.inputs import scatter_sum


def bond_order_parameters(
    edge_index: torch.Tensor,
    edge_vec: torch.Tensor,
    num_nodes: int,
    l_values: Sequence[int],
    edge_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """(N, len(l_values)) q_l of every centre ``edge_index[1]`` from its edges ``edge_vec`` (E, 3).

    ``edge_weight`` (E,) or (E, K) weighs the neighbours (default: all 1); with K weight columns
    the result is (N, K, len(l_values)), one q_l set per column.
    """
    weight = torch.ones_like(edge_vec[:, :1]) if edge_weight is None else edge_weight.reshape(len(edge_vec), -1)
    centre = edge_index[1]
    total = scatter_sum(weight, centre, num_nodes).clamp_min(1e-12)  # (N, K)
    columns = []
    for l in l_values:
        harmonics = o3.spherical_harmonics(int(l), edge_vec, normalize=True, normalization="integral")  # (E, 2l+1)
        q_lm = scatter_sum(weight[:, :, None] * harmonics[:, None, :], centre, num_nodes) / total[:, :, None]
        columns.append(torch.sqrt(4 * math.pi / (2 * l + 1) * q_lm.pow(2).sum(-1)))
    q = torch.stack(columns, dim=-1)
    return q[:, 0] if edge_weight is None or edge_weight.dim() == 1 else q
