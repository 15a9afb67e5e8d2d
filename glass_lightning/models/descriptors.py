"""Rotation-invariant expert descriptors of local structure (Boattini et al., Nat. Commun. 12, 2021
and Boattini, Marín-Aguilar et al., J. Chem. Phys. 2021).

Per particle i, on K Gaussian radial shells centred at c_k with width delta, all
multiplied by the smooth cutoff envelope:
    radial densities   G_s(i, k) = sum_{j of type s} exp(-(r_ij - c_k)^2 / (2 delta^2))
    angular (shells)   q_l(i, k) = Steinhardt q_l with the shell-k weights (models/bond_order.py)
and, coarse-grained over the neighbourhood (models/coarse_graining.py), their averages x_bar(i).
"""

from __future__ import annotations

from typing import Sequence

import torch

from glass_lightning.models.bond_order import bond_order_parameters
from glass_lightning.models.coarse_graining import averaging_matrix, coarse_grain
from glass_lightning.models.inputs import scatter_sum
from glass_lightning.models.radial import polynomial_envelope


def shell_weights(distance: torch.Tensor, centres: torch.Tensor, width: float, cutoff: float) -> torch.Tensor:
    """(E, K) Gaussian shell weights times the cutoff envelope."""
    gaussian = torch.exp(-((distance[:, None] - centres.to(distance.dtype)) ** 2) / (2 * width**2))
    return gaussian * polynomial_envelope(distance, cutoff)[:, None]


def radial_densities(
    edge_index: torch.Tensor, node_type: torch.Tensor, weights: torch.Tensor, num_nodes: int, num_types: int
) -> torch.Tensor:
    """(N, num_types * K): shell weights summed per neighbour species."""
    slot = edge_index[1] * num_types + node_type[edge_index[0]]
    return scatter_sum(weights, slot, num_nodes * num_types).view(num_nodes, -1)


def expert_descriptors(
    edge_index: torch.Tensor,
    edge_vec: torch.Tensor,
    node_type: torch.Tensor,
    num_types: int,
    shell_centres: torch.Tensor,
    shell_width: float,
    cutoff: float,
    l_values: Sequence[int],
    coarse_grained: bool,
) -> torch.Tensor:
    """(N, F) descriptors, F = K (num_types + len(l_values)), doubled when ``coarse_grained``."""
    num_nodes = len(node_type)
    distance = edge_vec.norm(dim=-1)
    weights = shell_weights(distance, shell_centres, shell_width, cutoff)
    densities = radial_densities(edge_index, node_type, weights, num_nodes, num_types)
    angular = bond_order_parameters(edge_index, edge_vec, num_nodes, l_values, edge_weight=weights).flatten(1)
    descriptors = torch.cat([densities, angular], dim=1)
    if coarse_grained:
        descriptors = torch.cat(
            [descriptors, coarse_grain(descriptors, averaging_matrix(edge_index, distance, cutoff, num_nodes))], dim=1
        )
    return descriptors
