"""Power-spectrum invariants of the first layer: the angles between neighbour shells that norms drop.

The first layer's species sums A_{s,u,lm}(i) = sum_{j of type s} R_ul(r_ij) Y_lm(r_ij_hat) are read
out by SE3Net's invariants read-out through their norms |A_{s,u,l}|, one per (species, channel, l).
Products across channels and species, sum_m A_{s,u,lm} A_{s',u',lm}, also carry the angle between
the shell of species s at the radii of channel u and that of s' at u' (the power spectrum of SOAP
and ACE's two-body product). With 2 species and 16 channels that is 528 products per l; here the
(species, channel) pairs are first mixed, per l, into ``mixed_channels`` learned combinations
M_{k,lm} = sum_{s,u} W^l_{k,su} A_{s,u,lm} (a linear map of the channel index: equivariant), and
the invariants are P^l_{kk'} = sum_m M_{k,lm} M_{k',lm} / (2l+1) for k <= k'.
"""

from __future__ import annotations

import torch
from torch import nn


class PowerSpectrum(nn.Module):
    """(N, (l_max+1) * k(k+1)/2) invariants from the first layer's species sums, k = ``mixed_channels``."""

    def __init__(self, num_types: int, channels: int, l_max: int, mixed_channels: int):
        super().__init__()
        self.num_types, self.mixed_channels = num_types, mixed_channels
        width = channels * num_types
        self.mixing = nn.ParameterList(
            [nn.Parameter(torch.randn(mixed_channels, width) / width**0.5) for _ in range(l_max + 1)]
        )
        self.register_buffer("upper", torch.triu_indices(mixed_channels, mixed_channels), persistent=False)

    @property
    def num_features(self) -> int:
        return len(self.mixing) * self.mixed_channels * (self.mixed_channels + 1) // 2

    def forward(self, sums: list[torch.Tensor]) -> torch.Tensor:
        """``sums``: per l, (N, channels, num_scalars, 2l+1) as ``ScalarInputConvolution.scalar_sums`` gives them."""
        features = []
        for l, (block, mixing) in enumerate(zip(sums, self.mixing)):
            species = block[:, :, : self.num_types].flatten(1, 2)  # (N, channels * species, 2l+1)
            mixed = torch.einsum("kc,ncm->nkm", mixing.to(species.dtype), species)
            gram = mixed @ mixed.transpose(1, 2) / (2 * l + 1)
            features.append(gram[:, self.upper[0], self.upper[1]])
        return torch.cat(features, dim=1)
