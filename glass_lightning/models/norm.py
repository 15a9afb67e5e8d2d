"""Equivariant normalization: per-node, per-irrep RMS norm.

For every block ``mul x (l, p)`` of a node's features, divide by the root mean square of the
block (mean over its channels and its 2l+1 components) and multiply by a learned per-channel
scale. Norms are rotation (and reflection) invariant, so this commutes with every D(R).

Why not e3nn's BatchNorm: its statistics come from the whole batch in training and from running
averages in evaluation, so a particle's output depends on which other snapshots share its
batch and differs between train and eval mode. The per-node RMS norm has no batch statistics:
batching graphs changes nothing and train/eval behave alike. No bias and no centering, which
would break equivariance for l > 0 (and parity for pseudo-scalars).
"""

from __future__ import annotations

import torch
from e3nn import o3
from torch import nn


class EquivariantRMSNorm(nn.Module):
    def __init__(self, irreps: str | o3.Irreps, eps: float = 1e-6):
        super().__init__()
        self.irreps = o3.Irreps(irreps)
        self.blocks = [(mul, ir.dim) for mul, ir in self.irreps]  # plain ints for torch.compile (tensor_product.py)
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(self.irreps.num_irreps))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        normalized = []
        scales = torch.split(self.scale.to(features.dtype), [mul for mul, _ in self.blocks])
        blocks = torch.split(features, [mul * dim for mul, dim in self.blocks], dim=1)
        for (mul, dim), block, scale in zip(self.blocks, blocks, scales):
            block = block.reshape(-1, mul, dim)
            rms = block.pow(2).mean(dim=(1, 2), keepdim=True).add(self.eps).sqrt()
            normalized.append((block / rms * scale[None, :, None]).reshape(-1, mul * dim))
        return torch.cat(normalized, dim=1)
