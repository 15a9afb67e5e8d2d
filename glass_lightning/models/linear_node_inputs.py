"""The linear term by which node inputs can join a model's prediction beside its decoder."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.models.inputs import node_scalars


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
