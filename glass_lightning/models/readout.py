"""Decoder shared by all models: invariant per-particle features -> all timescales jointly."""

from __future__ import annotations

import torch
from torch import nn


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
