"""One message-passing layer of SE3Net: convolution -> gate -> residual -> normalization."""

from __future__ import annotations

from typing import Literal, get_args

import torch
from e3nn import o3
from torch import nn

from glass_lightning.errors import GlassDataError
from glass_lightning.models.convolution import EdgeGeometry
from glass_lightning.models.gate import gated_nonlinearity
from glass_lightning.models.norm import EquivariantRMSNorm

Normalization = Literal["rms", "none"]
NORMALIZATIONS = get_args(Normalization)


class InteractionBlock(nn.Module):
    """h' = Norm(h + Gate(Conv(h))), the residual only where input and output irreps agree
    (not in the first layer, whose input is the node scalars).

    ``convolution_factory(irreps_out)`` builds the convolution that feeds the gate.
    """

    def __init__(self, convolution_factory, irreps_hidden: str | o3.Irreps, residual: bool, normalization: str):
        super().__init__()
        if normalization not in NORMALIZATIONS:
            raise GlassDataError("<model>", "normalization", f"expected one of {NORMALIZATIONS}, got {normalization!r}")
        self.gate = gated_nonlinearity(irreps_hidden)
        self.convolution = convolution_factory(self.gate.irreps_in)
        self.residual = residual
        self.norm = EquivariantRMSNorm(irreps_hidden) if normalization == "rms" else nn.Identity()

    def forward(self, features: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        return self.after_convolution(features, self.convolution(features, edges))

    def after_convolution(self, features: torch.Tensor, convolved: torch.Tensor) -> torch.Tensor:
        """The block's output from its input ``features`` and what its convolution made of them."""
        update = self.gate(convolved)
        return self.norm(features + update if self.residual else update)
