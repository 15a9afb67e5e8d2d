"""A tiny network (the shared model contract, nothing more) for the training tests, so that the
training code is tested fast and on its own."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.utils import scatter

from glass_lightning.class_paths import register
from glass_lightning.data.graph import edges_within


class TinyNet(nn.Module):
    """Per-type embedding plus the neighbour count within the cutoff, then a linear head."""

    def __init__(self, num_outputs: int, cutoff: float, num_types: int = 2, num_node_attr: int = 0, hidden: int = 8):
        super().__init__()
        self.cutoff = cutoff
        self.embedding = nn.Embedding(num_types, hidden)
        self.head = nn.Linear(hidden + 1 + num_node_attr, num_outputs)

    def forward(self, data) -> torch.Tensor:
        edge_index, _ = edges_within(data.edge_index, data.edge_vec, self.cutoff)
        ones = torch.ones(edge_index.shape[1], 1, device=data.pos.device)
        neighbours = scatter(ones, edge_index[1], dim=0, dim_size=data.num_nodes, reduce="sum") / 10.0
        return self.head(torch.cat([self.embedding(data.node_type), neighbours, data.node_attr], dim=1))


class OtherTinyNet(TinyNet):
    """Same parameters as TinyNet under another class name (for the wrong-class checkpoint test)."""


# checkpoints of the training tests name these classes: registered as a user registers their own networks
register(TinyNet)
register(OtherTinyNet)
