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

from glass_lightning.models.tensor_product import HarmonicPaths, block_dims


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


def neighbour_slots(target: torch.Tensor, num_nodes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Edges laid out per centre: ``edge`` (N, K) holds the ids of the edges of centre i in row i, K the
    largest number of neighbours; ``filled`` (N, K) is False in the padding (whose ``edge`` is 0)."""
    order = torch.argsort(target, stable=True)
    counts = torch.bincount(target, minlength=num_nodes)
    width = int(counts.max()) if target.numel() else 0
    centre = target[order]
    slot = torch.arange(len(order), device=target.device) - (torch.cumsum(counts, 0) - counts)[centre]
    edge = torch.zeros(num_nodes, width, dtype=torch.int64, device=target.device)
    filled = torch.zeros(num_nodes, width, dtype=torch.bool, device=target.device)
    edge[centre, slot] = order
    filled[centre, slot] = True
    return edge, filled


class ScalarInputConvolution(nn.Module):
    """First layer, on ``num_scalars`` scalar inputs per node.

    With x_j = W s_j (s_j the node's scalars: one-hot type, extra attributes), channel u of the
    message for degree l is R_ul(r_ij) x_ju Y_lm(r_ij_hat). Summed over j it is sum_k W_uk B_{u,k,lm}(i)
    with the scalar sums B_{u,k,lm}(i) = sum_j s_jk R_ul(r_ij) Y_lm(r_ij_hat) (:meth:`scalar_sums`);
    for one-hot types B holds the neighbour sums per species A_{s,u,l,m} (:meth:`species_sums`).
    B is computed with the edges laid out per centre, one batched matrix product per degree
    (R_l of the centre's neighbours against s Y_l of the same), so no (edges, channels, (l_max+1)^2)
    tensor is ever made.
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
        self.irreps_mid = o3.Irreps([(channels, (l, (-1) ** l)) for l in range(l_max + 1)])
        self.dims_mid = block_dims(self.irreps_mid)
        self.linear_out = o3.Linear(self.irreps_mid, self.irreps_out)
        self.self_connection = o3.Linear(o3.Irreps(f"{num_scalars}x0e"), self.irreps_out)

    def scalar_sums(self, scalars: torch.Tensor, edges: EdgeGeometry) -> list[torch.Tensor]:
        """Per degree l, (N, channels, num_scalars, 2l+1): B_{u,k,lm}(i) = sum_j s_jk R_ul(r_ij) Y_lm(r_ij_hat)."""
        edge, filled = neighbour_slots(edges.target, edges.num_nodes)
        num_nodes, width = edge.shape
        # (N, l_max+1, channels, K): the radial functions of each centre's neighbours, degree-major
        radial = self.radial(edges.basis).view(-1, self.channels, self.l_max + 1)[edge].permute(0, 3, 2, 1).contiguous()
        neighbour_scalars = scalars[edges.source][edge] * filled[..., None]  # (N, K, num_scalars), 0 in the padding
        harmonics = edges.harmonics[edge]  # (N, K, (l_max+1)^2)
        sums = []
        for l in range(self.l_max + 1):
            angular = neighbour_scalars[..., None] * harmonics[:, :, None, l * l : (l + 1) ** 2]
            product = torch.bmm(radial[:, l], angular.reshape(num_nodes, width, -1))
            sums.append(product.view(num_nodes, self.channels, scalars.shape[1], 2 * l + 1))
        return sums

    def species_sums(self, node_type: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        """(N, num_types, channels, (l_max+1)^2): A_{s,u,l,m}(i) = sum_{j of type s} R_ul Y_lm."""
        one_hot = nn.functional.one_hot(node_type, self.num_types).to(edges.harmonics.dtype)
        return self.species_part(self.scalar_sums(one_hot, edges))

    def species_part(self, sums: list[torch.Tensor]) -> torch.Tensor:
        """The species sums A (N, num_types, channels, (l_max+1)^2) among the scalar sums (one-hot types first)."""
        return torch.cat([block[:, :, : self.num_types] for block in sums], dim=3).transpose(1, 2)

    def from_sums(self, scalars: torch.Tensor, sums: list[torch.Tensor]) -> torch.Tensor:
        """The layer's output from its inputs and their :meth:`scalar_sums`."""
        weight = self.embedding.weight.to(sums[0].dtype)  # (channels, num_scalars)
        blocks = [torch.einsum("uk,nukm->num", weight, block).flatten(1) for block in sums]
        return self.linear_out(torch.cat(blocks, dim=1)) + self.self_connection(scalars)

    def forward(self, scalars: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        return self.from_sums(scalars, self.scalar_sums(scalars, edges))
