"""A ``uvu`` tensor product of neighbour features with edge harmonics, laid out for speed.

For neighbour features x (channel u, irrep l1), edge harmonics Y_l2 and per-edge weights w:

    m_{u, l3 m3} = sum_{paths l1 x l2 -> l3} w_{u, path} sqrt((2 l3 + 1) / P_l3) sum_{m1 m2} C^{l1 l2 l3}_{m1 m2 m3} x_{u, l1 m1} Y_{l2 m2}

with C the Wigner 3j symbols and P_l3 the number of paths into l3 (so every output irrep has
unit variance for unit inputs). Paths into the same output irrep are summed on the edge, so
one message has ``channels`` copies of each output irrep rather than one block per path
(e3nn's layout), which keeps the per-edge tensors and the scatter small.

Speed: the harmonics never change between layers, so ``couple_harmonics`` contracts them with
the 3j symbols once per forward pass, G_{l1}[e, m1, k] = sum_{m2} C Y_{l2 m2}(e), k running over
the (path, m3) slots of input irrep l1. Each layer then costs one batched matrix product per
input irrep, x_{l1}[e] (u x m1) @ G_{l1}[e] (m1 x k), a weighting, and a sum into the outputs,
instead of one small einsum (and its zero-filled gradient slices) per path.
"""

from __future__ import annotations

import math

import torch
from e3nn import o3
from torch import nn


def channels_to_irreps_layout(features: torch.Tensor, irreps: o3.Irreps) -> torch.Tensor:
    """(..., channels, irreps.dim / channels) in [irrep][m] order -> (..., irreps.dim) in e3nn's [irrep][u][m] order."""
    blocks, start = [], 0
    for _, ir in irreps:
        blocks.append(features[..., start : start + ir.dim].flatten(-2))
        start += ir.dim
    return torch.cat(blocks, dim=-1)


class HarmonicTensorProduct(nn.Module):
    """Paths from ``irreps_in`` (every block with the same multiplicity, the channels) times the
    spherical harmonics up to ``l_max_sh`` into the irreps of ``targets``; no parameters.

    ``irreps_out``: channels x each reached irrep, sorted. ``num_paths``: weights per channel.
    One instance is shared by all layers of a network; its buffers are constants, rebuilt on
    construction and kept out of checkpoints.
    """

    def __init__(self, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps):
        super().__init__()
        self.irreps_in = o3.Irreps(irreps_in)
        multiplicities = {mul for mul, _ in self.irreps_in}
        if len(multiplicities) != 1:
            raise ValueError(f"every input irrep needs the same multiplicity, got {self.irreps_in}")
        self.channels = multiplicities.pop()
        wanted = {ir for _, ir in o3.Irreps(targets)}
        paths = [
            (i_in, l2, ir_out)
            for i_in, (_, ir_in) in enumerate(self.irreps_in)
            for l2 in range(l_max_sh + 1)
            for ir_out in ir_in * o3.Irrep(l2, (-1) ** l2)
            if ir_out in wanted
        ]
        reached = sorted({ir_out for _, _, ir_out in paths})
        self.irreps_out = o3.Irreps([(self.channels, ir) for ir in reached])
        self.num_paths = len(paths)
        out_start = {ir: sum(r.dim for r in reached[:k]) for k, ir in enumerate(reached)}
        paths_into = {ir: sum(1 for *_, r in paths if r == ir) for ir in reached}
        self.path_ranges = []  # the paths of each input irrep are consecutive
        for i_in, (_, ir_in) in enumerate(self.irreps_in):
            own = [(p, ir_out, l2) for p, (i, l2, ir_out) in enumerate(paths) if i == i_in]
            num_slots = sum(ir_out.dim for _, ir_out, _ in own)
            coupling = torch.zeros(ir_in.dim, (l_max_sh + 1) ** 2, num_slots)
            spread = torch.zeros(len(own), num_slots)  # weight of the block's path -> its slots
            gather = torch.zeros(num_slots, sum(ir.dim for ir in reached))  # slot -> output component
            k = 0
            for q, (_, ir_out, l2) in enumerate(own):
                scale = math.sqrt(ir_out.dim / paths_into[ir_out])
                coupling[:, l2 * l2 : (l2 + 1) ** 2, k : k + ir_out.dim] = scale * o3.wigner_3j(ir_in.l, l2, ir_out.l)
                spread[q, k : k + ir_out.dim] = 1
                gather[k : k + ir_out.dim, out_start[ir_out] : out_start[ir_out] + ir_out.dim] = torch.eye(ir_out.dim)
                k += ir_out.dim
            self.register_buffer(f"coupling_{i_in}", coupling, persistent=False)
            self.register_buffer(f"spread_{i_in}", spread, persistent=False)
            self.register_buffer(f"gather_{i_in}", gather, persistent=False)
            self.path_ranges.append((own[0][0], own[-1][0] + 1) if own else (0, 0))
        self.out_dim_per_channel = sum(ir.dim for ir in reached)

    def couple_harmonics(self, harmonics: torch.Tensor) -> list[torch.Tensor]:
        """Per input irrep, G (E, 2 l1 + 1, slots): the harmonics contracted with the 3j symbols."""
        couplings = [getattr(self, f"coupling_{i}").to(harmonics.dtype) for i in range(len(self.irreps_in))]
        return [torch.einsum("ej,mjk->emk", harmonics, coupling) for coupling in couplings]

    def forward(self, features: torch.Tensor, coupled: list[torch.Tensor], weights: torch.Tensor) -> torch.Tensor:
        """features (E, irreps_in.dim), coupled from :meth:`couple_harmonics`, weights (E, channels * num_paths)
        -> (E, channels, out_dim_per_channel) messages, [u][irrep m] order (see :func:`channels_to_irreps_layout`)."""
        weights = weights.view(-1, self.channels, self.num_paths)
        messages = 0
        for i, ((mul, ir), span, (first, last)) in enumerate(zip(self.irreps_in, self.irreps_in.slices(), self.path_ranges)):
            if first == last:
                continue
            block = features[:, span].view(-1, mul, ir.dim)
            spread, gather = getattr(self, f"spread_{i}").to(weights.dtype), getattr(self, f"gather_{i}").to(weights.dtype)
            messages = messages + (torch.bmm(block, coupled[i]) * (weights[:, :, first:last] @ spread)) @ gather
        return messages
