"""InvariantGNN: encode-process-decode message passing on distances (Bapst et al., Nat. Phys. 16, 448, 2020).

Encoders map the node scalars (one-hot type + attributes) and the enveloped radial basis of
each edge length to ``hidden`` features. Each of ``num_layers`` processing steps updates
    edges: e_ij <- e_ij + MLP_e([e_ij, h_j, h_i])
    nodes: h_i  <- h_i  + MLP_n([h_i, sum_j u(r_ij) e_ij])
with u the smooth cutoff envelope (messages fade out at the cutoff) and the sum divided by the mean
of sum_j u(r_ij) over the configuration's particles (its smooth mean number of neighbours), so the
updates see inputs of order one at any cutoff and density; without it, at cutoff 2.5 (78 neighbours)
the network stayed below the potential energy on real data. The decoder reads the
final node features, after ``coarse_graining`` learned passes over the neighbourhood
(models/coarse_graining.py). Only distances enter: no angular information, by construction invariant
under rotations, reflections and translations. (Bapst et al. fed relative position vectors
and concatenated the encoded graph at every step; here the residuals carry it.)
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.models.coarse_graining import CoarseGraining
from glass_lightning.models.hyperparameters import require_positive
from glass_lightning.models.inputs import model_edges, node_scalars, scatter_sum
from glass_lightning.models.radial import RadialBasis, RadialBasisName
from glass_lightning.models.readout import TypeReadout


def layer_norm_mlp(in_features: int, hidden: int) -> nn.Sequential:
    """Linear -> SiLU -> Linear -> LayerNorm, the MLP of every encoder and update."""
    return nn.Sequential(nn.Linear(in_features, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.LayerNorm(hidden))


def mean_neighbours(weight: torch.Tensor, target: torch.Tensor, data: Data) -> torch.Tensor:
    """(N,) for every particle, the mean over its configuration's particles of sum_j weight_ij."""
    batch = (
        data.batch
        if getattr(data, "batch", None) is not None
        else torch.zeros(data.num_nodes, dtype=torch.long, device=target.device)
    )
    num_graphs = int(batch.max()) + 1 if batch.numel() else 1
    per_graph = torch.zeros(num_graphs, dtype=weight.dtype, device=weight.device).index_add_(0, batch[target], weight)
    particles = torch.bincount(batch, minlength=num_graphs).to(weight.dtype)
    return (per_graph / particles.clamp(min=1)).clamp(min=1e-6)[batch]


class InvariantGNN(nn.Module):
    """Message passing on distances (see the module docstring); ``forward(data) -> (N, num_outputs)``.

    Args:
        num_outputs: the timescales predicted (linked from the data by the CLI).
        cutoff: the radius of the edges (linked from the data by the CLI).
        num_types: the particle species (linked from the data by the CLI).
        num_node_attr: extra scalars per particle (linked from the data by the CLI).
        hidden: width of the node and edge features.
        num_layers: processing steps (edge then node updates).
        n_basis: size of the radial basis of the edge lengths.
        radial: the radial basis, "gaussian" or "bessel" (models/radial.py).
        per_type_heads: one decoder head per particle type.
        decoder_hidden: hidden width of the decoder (0 = linear decoder).
        coarse_graining: learned coarse-graining passes over the neighbours within ``cutoff``.
    """

    def __init__(
        self,
        num_outputs: int,
        cutoff: float,
        num_types: int = 2,
        num_node_attr: int = 0,
        hidden: int = 64,
        num_layers: int = 4,
        n_basis: int = 16,
        radial: RadialBasisName = "gaussian",
        per_type_heads: bool = True,
        decoder_hidden: int = 64,
        coarse_graining: int = 0,
    ):
        super().__init__()
        require_positive(
            num_outputs=num_outputs, cutoff=cutoff, num_types=num_types, hidden=hidden, num_layers=num_layers
        )
        self.cutoff, self.num_types, self.num_node_attr = float(cutoff), num_types, num_node_attr
        self.radial_basis = RadialBasis(radial, n_basis, cutoff)
        self.node_encoder = layer_norm_mlp(num_types + num_node_attr, hidden)
        self.edge_encoder = layer_norm_mlp(n_basis, hidden)
        self.edge_updates = nn.ModuleList([layer_norm_mlp(3 * hidden, hidden) for _ in range(num_layers)])
        self.node_updates = nn.ModuleList([layer_norm_mlp(2 * hidden, hidden) for _ in range(num_layers)])
        self.coarse_graining = CoarseGraining(hidden, coarse_graining, cutoff)
        self.decoder = TypeReadout(hidden, decoder_hidden, num_outputs, num_types, per_type_heads)

    def forward(self, data: Data) -> torch.Tensor:
        """(N, num_outputs) predictions for every particle of the graph (or batch of graphs)."""
        edge_index, _, distance = model_edges(data, self.cutoff)
        source, target = edge_index
        envelope = self.radial_basis.envelope(distance)[:, None]
        neighbours = mean_neighbours(envelope[:, 0], target, data)[:, None]
        nodes = self.node_encoder(node_scalars(data, self.num_types, self.num_node_attr))
        edges = self.edge_encoder(self.radial_basis(distance))
        for edge_update, node_update in zip(self.edge_updates, self.node_updates):
            edges = edges + edge_update(torch.cat([edges, nodes[source], nodes[target]], dim=1))
            messages = scatter_sum(envelope * edges, target, data.num_nodes) / neighbours
            nodes = nodes + node_update(torch.cat([nodes, messages], dim=1))
        return self.decoder(self.coarse_graining(nodes, data), data.node_type)
