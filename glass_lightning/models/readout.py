"""Decoder shared by all models: invariant per-particle features -> all timescales jointly; and the linear term
by which node inputs can join the prediction beside it."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.models.inputs import node_scalars


class TypeReadout(nn.Module):
    """An MLP (``hidden`` > 0) or a linear map (``hidden`` = 0) to ``num_outputs`` values.

    With ``per_type_heads`` the last linear layer has one set of weights per particle type
    (computed for all types at once, then each particle keeps its own type's row); the hidden
    layer, if any, is shared.
    """

    def __init__(self, in_features: int, hidden: int, num_outputs: int, num_types: int, per_type_heads: bool):
        super().__init__()
        self.num_outputs = num_outputs
        self.num_heads = num_types if per_type_heads else 1
        self.trunk = nn.Sequential(nn.Linear(in_features, hidden), nn.SiLU()) if hidden > 0 else nn.Identity()
        self.heads = nn.Linear(hidden if hidden > 0 else in_features, self.num_heads * num_outputs)

    def forward(self, features: torch.Tensor, node_type: torch.Tensor) -> torch.Tensor:
        outputs = self.heads(self.trunk(features)).view(-1, self.num_heads, self.num_outputs)
        if self.num_heads == 1:
            return outputs[:, 0]
        return outputs[torch.arange(len(node_type), device=node_type.device), node_type]


class LinearNodeInputs(nn.Linear):
    """The last ``count`` of the ``num_node_attr`` node inputs, mapped linearly to every output with one set of
    weights per particle type, zero at the start: ``forward(data) -> (N, num_outputs)``, added to a decoder's
    prediction (SE3Net's ``linear_node_inputs``; FrozenBackbone's new decoder gets a fresh one)."""

    def __init__(self, count: int, num_types: int, num_node_attr: int, num_outputs: int):
        super().__init__(count, num_types * num_outputs, bias=False)
        nn.init.zeros_(self.weight)
        self.num_types, self.num_node_attr = num_types, num_node_attr

    def forward(self, data: Data) -> torch.Tensor:
        inputs = node_scalars(data, self.num_types, self.num_node_attr)[:, -self.in_features :]
        per_type = super().forward(inputs).view(len(inputs), self.num_types, -1)
        return per_type[torch.arange(len(inputs), device=inputs.device), data.node_type]
