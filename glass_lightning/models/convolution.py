"""Equivariant convolutions in the ``uvu`` pattern (NequIP / MACE):

    h_i' = Linear_out( sum_j TP_uvu( Linear_in(h)_j , Y(r_ij_hat) ; R(|r_ij|) ) ) + SelfConnection(h_i)

where TP_uvu couples channel u of the neighbour's features with the edge harmonics, its weights
given per edge (and per channel and path) by a bias-free MLP of the enveloped radial basis, so
every message vanishes smoothly at the cutoff. Messages are summed on the centre
``edge_index[1]``. The tensor product (and the sum) is the network's backend, by default
:class:`HarmonicTensorProduct` (models/tensor_product.py; others in models/tensor_product_backends.py).

:class:`ScalarInputConvolution` is the first layer: on scalar inputs (one-hot types, extra
scalar attributes) the tensor product collapses to R_ul(r) x_ju Y_lm(r_hat), a cheap product,
with no Clebsch-Gordan contraction on the edges.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from e3nn import o3
from e3nn.nn import FullyConnectedNet
from torch import nn

from glass_lightning.models.inputs import scatter_sum
from glass_lightning.models.tensor_product import HarmonicPaths, block_dims, channels_to_irreps_layout


class EdgeGeometry(NamedTuple):
    """Per-edge quantities computed once per forward pass and shared by all layers."""

    source: torch.Tensor  # (E,) neighbour j
    target: torch.Tensor  # (E,) centre i
    harmonics: torch.Tensor  # (E, (l_max+1)^2) spherical harmonics of the unit edge vector
    coupled: list[torch.Tensor]  # what the tensor-product backend made of the harmonics (couple_harmonics)
    basis: torch.Tensor  # (E, n_basis) enveloped radial basis
    num_nodes: int


def radial_network(n_basis: int, radial_hidden: int, num_weights: int) -> FullyConnectedNet:
    """Bias-free MLP: zero basis (at the cutoff) gives zero weights."""
    return FullyConnectedNet([n_basis, radial_hidden, num_weights], torch.nn.functional.silu)


class EquivariantConvolution(nn.Module):
    """The convolution of layers 2.., with the network's shared ``tensor_product`` (any backend)."""

    def __init__(self, tensor_product: HarmonicPaths, irreps_out: str | o3.Irreps, n_basis: int, radial_hidden: int):
        super().__init__()
        self.irreps_in, self.irreps_out = tensor_product.irreps_in, o3.Irreps(irreps_out)
        self.tensor_product = tensor_product
        self.linear_in = o3.Linear(self.irreps_in, self.irreps_in)
        self.radial = radial_network(n_basis, radial_hidden, tensor_product.channels * tensor_product.num_paths)
        self.linear_out = o3.Linear(tensor_product.irreps_out, self.irreps_out)
        self.self_connection = o3.Linear(self.irreps_in, self.irreps_out)

    def forward(self, features: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        summed = self.tensor_product(self.linear_in(features), edges, self.radial(edges.basis))
        return self.linear_out(summed) + self.self_connection(features)


class ScalarInputConvolution(nn.Module):
    """First layer, on ``num_scalars`` scalar inputs per node.

    With x_j = W s_j (s_j the node's scalars: one-hot type, extra attributes), channel u of the
    message for degree l is R_ul(r_ij) x_ju Y_lm(r_ij_hat); summed over j it is, for one-hot
    inputs, sum over species s of W_us A_{s,u,l,m}(i) with A the neighbour sums of
    :meth:`species_sums`.
    """

    def __init__(
        self,
        num_scalars: int,
        num_types: int,
        channels: int,
        l_max: int,
        irreps_out: str | o3.Irreps,
        n_basis: int,
        radial_hidden: int,
    ):
        super().__init__()
        self.num_types, self.channels, self.l_max = num_types, channels, l_max
        self.irreps_out = o3.Irreps(irreps_out)
        self.embedding = nn.Linear(num_scalars, channels, bias=False)
        self.radial = radial_network(n_basis, radial_hidden, channels * (l_max + 1))
        degree_of_component = torch.cat([torch.full((2 * l + 1,), l) for l in range(l_max + 1)])
        # (l_max+1, (l_max+1)^2) 0/1: a matrix product spreads R_ul over the 2l+1 components (fast gradient, unlike indexing)
        self.register_buffer("spread_degrees", nn.functional.one_hot(degree_of_component).T.float(), persistent=False)
        self.irreps_mid = o3.Irreps([(channels, (l, (-1) ** l)) for l in range(l_max + 1)])
        self.dims_mid = block_dims(self.irreps_mid)
        self.linear_out = o3.Linear(self.irreps_mid, self.irreps_out)
        self.self_connection = o3.Linear(o3.Irreps(f"{num_scalars}x0e"), self.irreps_out)

    def radial_harmonics(self, edges: EdgeGeometry) -> torch.Tensor:
        """(E, channels, (l_max+1)^2): R_ul(r_ij) Y_lm(r_ij_hat) for every edge."""
        radial = self.radial(edges.basis).view(-1, self.channels, self.l_max + 1)
        return (radial @ self.spread_degrees.to(radial.dtype)) * edges.harmonics[:, None, :]

    def species_sums(self, node_type: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        """(N, num_types, channels, (l_max+1)^2): A_{s,u,l,m}(i) = sum_{j of type s} R_ul Y_lm."""
        slot = edges.target * self.num_types + node_type[edges.source]
        sums = scatter_sum(self.radial_harmonics(edges), slot, edges.num_nodes * self.num_types)
        return sums.view(edges.num_nodes, self.num_types, self.channels, -1)

    def forward(self, scalars: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        messages = self.radial_harmonics(edges) * self.embedding(scalars).index_select(0, edges.source)[:, :, None]
        sums = scatter_sum(messages, edges.target, edges.num_nodes)
        return self.linear_out(channels_to_irreps_layout(sums, self.dims_mid)) + self.self_connection(scalars)
