"""Radial basis of edge lengths, multiplied by a smooth cutoff envelope.

Both bases vanish at the cutoff with zero first and second derivatives (through the envelope),
so a particle crossing the cutoff changes every model's output continuously and smoothly.
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import torch
from torch import nn

from glass_lightning.errors import GlassDataError
from glass_lightning.models.hyperparameters import require_positive

RadialBasisName = Literal["bessel", "gaussian"]
RADIAL_BASES = get_args(RadialBasisName)


def polynomial_envelope(distance: torch.Tensor, cutoff: float, power: int = 6) -> torch.Tensor:
    """1 at r = 0, 0 for r >= cutoff, with zero first and second derivatives at the cutoff.

    u(x) = 1 - (p+1)(p+2)/2 x^p + p(p+2) x^(p+1) - p(p+1)/2 x^(p+2), x = r / cutoff
    (the polynomial of Klicpera et al., DimeNet, 2020).
    """
    x = distance / cutoff
    p = power
    envelope = 1 - (p + 1) * (p + 2) / 2 * x**p + p * (p + 2) * x ** (p + 1) - p * (p + 1) / 2 * x ** (p + 2)
    return torch.where(x < 1, envelope, torch.zeros_like(envelope))


class RadialBasis(nn.Module):
    """``n_basis`` functions of the edge length, each times the polynomial envelope.

    ``bessel``: sqrt(2/c) sin(n pi r / c) / r, n = 1..n_basis (NequIP / DimeNet).
    ``gaussian``: exp(-(r - mu_k)^2 / (2 sigma^2)), centres mu_k evenly spaced on [0, c] and
    sigma their spacing.
    """

    def __init__(self, name: str, n_basis: int, cutoff: float):
        super().__init__()
        if name not in RADIAL_BASES:
            raise GlassDataError("<model>", "radial", f"expected one of {RADIAL_BASES}, got {name!r}")
        require_positive(n_basis=n_basis, cutoff=cutoff)
        self.name = name
        self.n_basis = n_basis
        self.cutoff = float(cutoff)

    def envelope(self, distance: torch.Tensor) -> torch.Tensor:
        return polynomial_envelope(distance, self.cutoff)

    def forward(self, distance: torch.Tensor) -> torch.Tensor:
        """(E,) edge lengths -> (E, n_basis) enveloped basis values."""
        r = distance[:, None]
        if self.name == "bessel":
            frequencies = torch.arange(1, self.n_basis + 1, dtype=r.dtype, device=r.device) * (math.pi / self.cutoff)
            values = math.sqrt(2.0 / self.cutoff) * torch.sin(frequencies * r) / r.clamp_min(1e-9)
        else:
            centres = torch.linspace(0.0, self.cutoff, self.n_basis, dtype=r.dtype, device=r.device)
            width = self.cutoff / max(self.n_basis - 1, 1)
            values = torch.exp(-((r - centres) ** 2) / (2 * width**2))
        return values * self.envelope(distance)[:, None]
