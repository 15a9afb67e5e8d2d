"""The "before" of the recipe's benchmark: SE3Net computed as it was before the first layer's per-centre
products and the coarse-graining's averaging matrix, kept for benchmarks and equivalence tests.

The first layer's neighbour sums are made per edge and scattered: the (E, channels, (l_max+1)^2)
tensor R_ul(r_ij) Y_lm(r_ij_hat) is materialized twice, once for the per-species invariants of the
read-out (scattered on centre x neighbour species) and once for the layer's messages (times the
neighbour's embedded scalars, scattered on the centre). Each coarse-graining pass gathers the (E, F)
neighbour features with ``index_select``, weighs them and sums them with ``index_add``. Everything else
is the wrapped network's own modules, its very parameters (shared, not copied), so both compute the
same function of the same weights.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.models.coarse_graining import coarse_graining_weights
from glass_lightning.models.convolution import EdgeGeometry
from glass_lightning.models.inputs import model_edges, node_scalars, scatter_sum
from glass_lightning.models.se3 import SE3Net, block_invariants
from glass_lightning.models.tensor_product import channels_to_irreps_layout


def coarse_grain_per_edge(features: torch.Tensor, edge_index: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Weighted neighbourhood average of ``features`` (N, F), the particle included with weight 1, summed edge by edge
    (``edge_index`` (2, E) j -> i, ``weight`` (E,))."""
    total = scatter_sum(weight[:, None] * features.index_select(0, edge_index[0]), edge_index[1], len(features))
    norm = scatter_sum(weight, edge_index[1], len(features)) + 1.0
    return (features + total) / norm[:, None]


class PerEdgeReference(nn.Module):
    """``network`` (its modules and parameters shared) with its first layer and coarse-graining computed per edge."""

    def __init__(self, network: SE3Net):
        super().__init__()
        self.network = network
        l_max = network.layers[0].convolution.l_max
        degree_of_component = torch.cat([torch.full((2 * l + 1,), l) for l in range(l_max + 1)])
        # (l_max+1, (l_max+1)^2) 0/1: a matrix product spreads R_ul over the 2l+1 components
        self.register_buffer("spread_degrees", nn.functional.one_hot(degree_of_component).T.float(), persistent=False)

    def radial_harmonics(self, edges: EdgeGeometry) -> torch.Tensor:
        """(E, channels, (l_max+1)^2): R_ul(r_ij) Y_lm(r_ij_hat) for every edge."""
        first = self.network.layers[0].convolution
        radial = first.radial(edges.basis).view(-1, first.channels, first.l_max + 1)
        return (radial @ self.spread_degrees.to(radial.dtype)) * edges.harmonics[:, None, :]

    def first_convolution(self, scalars: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        """The first layer's convolution: messages R_ul x_ju Y_lm per edge, scattered on the centres."""
        first = self.network.layers[0].convolution
        messages = self.radial_harmonics(edges) * first.embedding(scalars).index_select(0, edges.source)[:, :, None]
        sums = scatter_sum(messages, edges.target, edges.num_nodes)
        return first.linear_out(channels_to_irreps_layout(sums, first.dims_mid)) + first.self_connection(scalars)

    def species_invariants(self, node_type: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        """SE3Net.first_layer_invariants, from sums A_{s,u,lm}(i) scattered on (centre, neighbour species)."""
        first = self.network.layers[0].convolution
        slot = edges.target * first.num_types + node_type[edges.source]
        sums = scatter_sum(self.radial_harmonics(edges), slot, edges.num_nodes * first.num_types)
        sums = sums.view(edges.num_nodes, first.num_types, first.channels, -1)
        blocks = [sums[..., l * l : (l + 1) ** 2].norm(dim=-1) / (2 * l + 1) ** 0.5 for l in range(first.l_max + 1)]
        return torch.stack(blocks, dim=2).flatten(1)  # (N, species, l, channels)

    def coarse_grain(self, features: torch.Tensor, data: Data) -> torch.Tensor:
        """The network's learned coarse-graining passes, each average summed edge by edge."""
        coarse_graining = self.network.coarse_graining
        if not coarse_graining.updates:
            return features
        edge_index, _, distance = model_edges(data, coarse_graining.cutoff)
        weight = coarse_graining_weights(distance, coarse_graining.cutoff).to(features.dtype)
        for update in coarse_graining.updates:
            average = coarse_grain_per_edge(features, edge_index, weight)
            features = features + update(torch.cat([features, average], dim=1))
        return features

    def forward(self, data: Data) -> torch.Tensor:
        network = self.network
        edges = network.edge_geometry(data, first_layer_only=len(network.layers) == 1)
        features = node_scalars(data, network.num_types, network.num_node_attr)
        reads_invariants = network.readout == "invariants"
        invariants = [self.species_invariants(data.node_type, edges)] if reads_invariants else []
        for index, layer in enumerate(network.layers):
            convolved = self.first_convolution(features, edges) if index == 0 else layer.convolution(features, edges)
            features = layer.after_convolution(features, convolved)
            if reads_invariants:
                invariants.append(block_invariants(features, network.dims_hidden))
        if reads_invariants:
            features = network.invariant_encoder(network.invariant_standardization(torch.cat(invariants, dim=1)))
        else:
            features = features[:, : network.channels]
        return network.decoder(self.coarse_grain(features, data), data.node_type)
