"""Gated nonlinearity (Weiler et al. 2018) for a set of hidden irreps.

Scalars pass through SiLU (even, 0e) or tanh (odd, 0o: an odd function keeps the parity);
every l > 0 irrep is multiplied by its own sigmoid gate, an extra 0e scalar. The layer that
feeds the gate must therefore output ``gate.irreps_in`` = scalars + gates + gated irreps.
"""

from __future__ import annotations

import torch
from e3nn import o3
from e3nn.nn import Gate


def gated_nonlinearity(irreps_hidden: str | o3.Irreps) -> Gate:
    """The gate whose output is ``irreps_hidden``."""
    irreps_hidden = o3.Irreps(irreps_hidden)
    scalars = o3.Irreps([(mul, ir) for mul, ir in irreps_hidden if ir.l == 0])
    gated = o3.Irreps([(mul, ir) for mul, ir in irreps_hidden if ir.l > 0])
    activations = [torch.nn.functional.silu if ir.p == 1 else torch.tanh for _, ir in scalars]
    gates = o3.Irreps(f"{gated.num_irreps}x0e") if gated.num_irreps else o3.Irreps("")
    return Gate(scalars, activations, gates, [torch.sigmoid] if gated.num_irreps else [], gated)
