"""A ``uvu`` tensor product of neighbour features with edge harmonics, laid out for speed.

For neighbour features x (channel u, irrep l1), edge harmonics Y_l2 and per-edge weights w:

    m_{u, l3 m3} = sum_{paths l1 x l2 -> l3} w_{u, path} sqrt((2 l3 + 1) / P_l3) sum_{m1 m2} C^{l1 l2 l3}_{m1 m2 m3} x_{u, l1 m1} Y_{l2 m2}

with C the Wigner 3j symbols and P_l3 the number of paths into l3 (so every output irrep has
unit variance for unit inputs). Paths into the same output irrep are summed on the edge, so
one message has ``channels`` copies of each output irrep rather than one block per path
(e3nn's layout), which keeps the per-edge tensors and the scatter small.

Speed: the harmonics never change between layers, so ``couple_harmonics`` contracts them with
the 3j symbols once per forward pass. The work is organized by OUTPUT irrep l3: its rows r are
the (path into l3, m1) pairs, G_l3[e, r, m3] = scale sum_{m2} C_{m1 m2 m3} Y_{l2 m2}(e). A layer
spreads x_{u, l1 m1} and w_{u, path} onto all rows with two matrix products by constant 0/1
matrices, multiplies them, y[e, u, r] = w_{u, path(r)} x_{u, l1 m1(r)}, and does one batched
matrix product per output irrep, y_l3[e] (u x rows) @ G_l3[e] (rows x m3), which sums the paths
into l3 inside the product: channels x sum over paths of (2 l1 + 1)(2 l3 + 1) multiply-adds per
edge, with no per-path einsum, no index gathers (whose gradients are slow scatters) and no
zero-filled gradient slices. A hand-written backward pass recomputes the spread factors rather
than keeping them, so a layer keeps nothing of size (E, channels, rows) between the passes, and
both passes run over blocks of edges, whose temporaries stay small and in cache. The backward
pass gives first derivatives only (training, not forces through the network).

:class:`HarmonicPaths` holds what every backend of this product shares (paths, normalization,
weight layout, the interface of a layer); other libraries compute the same product in
models/tensor_product_backends.py. Forward passes read only plain ints, never e3nn's Irrep:
``torch.compile`` guards the length of every tuple a compiled function reads, and Irrep, a
tuple, refuses ``len()`` (e3nn 0.6). Under ``torch.compile`` both passes are traced as one block
of all edges (a loop over blocks would pin the compiled code to one edge count), so their
temporaries are then of size (E, channels, rows).
"""

from __future__ import annotations

import math

import torch
from e3nn import o3
from torch import nn

from glass_lightning.models.inputs import scatter_sum


def block_dims(irreps: str | o3.Irreps) -> tuple[int, ...]:
    """2l + 1 of every block of ``irreps``: what the layout changes below need, as plain ints."""
    return tuple(ir.dim for _, ir in o3.Irreps(irreps))


def channels_to_irreps_layout(features: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """(..., channels, sum(dims)) in [irrep][m] order -> (..., channels * sum(dims)) in e3nn's [irrep][u][m] order;
    ``dims`` from :func:`block_dims`."""
    return torch.cat([block.flatten(-2) for block in torch.split(features, dims, dim=-1)], dim=-1)


def irreps_to_channels_layout(features: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """(N, channels * sum(dims)) in e3nn's [irrep][u][m] order -> (N, channels, sum(dims)) in [irrep][m] order."""
    channels = features.shape[1] // sum(dims)
    blocks = torch.split(features, [channels * dim for dim in dims], dim=1)  # views; the gradient is one cat
    return torch.cat([block.view(len(features), channels, dim) for block, dim in zip(blocks, dims)], dim=2)


class HarmonicPaths(nn.Module):
    """Paths from ``irreps_in`` (every block with the same multiplicity, the channels) times the
    spherical harmonics up to ``l_max_sh`` into the irreps of ``targets``: what every backend of
    the product shares, and the interface of one. No parameters: the weights come per edge.

    ``irreps_out``: channels x each reached irrep, sorted. ``num_paths``: weights per channel.
    ``paths``: (input block, harmonic degree, output irrep, normalization) in weight order.
    One instance is shared by all layers of a network; a backend's buffers are constants,
    rebuilt on construction and kept out of checkpoints, so that every backend loads the
    weights of every other.

    A backend implements ``forward(features, edges, weights) -> (N, irreps_out.dim)``: for node
    features (N, irreps_in.dim) and per-edge weights (E, channels * num_paths) in [u][path]
    order, the sum over the edges into each node of the messages (module docstring), in e3nn's
    layout; ``edges`` is the network's EdgeGeometry (models/convolution.py), whose ``coupled``
    holds what :meth:`couple_harmonics` made of the harmonics.
    """

    backend = ""  # the backend's name in SE3Net(tensor_product=...)

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
        paths_into = {ir: sum(1 for *_, r in paths if r == ir) for ir in reached}
        self.paths = [(i_in, l2, ir_out, math.sqrt(ir_out.dim / paths_into[ir_out])) for i_in, l2, ir_out in paths]
        self.dims_in, self.dims_out = block_dims(self.irreps_in), block_dims(self.irreps_out)

    def for_device(self, device: torch.device) -> HarmonicPaths:
        """The backend that runs on ``device``: this one, but for ``auto``'s dispatch (tensor_product_backends.py)."""
        return self

    def couple_harmonics(self, harmonics: torch.Tensor) -> list[torch.Tensor]:
        """What the backend computes from the edge harmonics once per forward pass for all layers:
        nothing, unless it overrides this."""
        return []

    def path_major(self, weights: torch.Tensor) -> torch.Tensor:
        """Per-edge weights (E, channels * num_paths) from our [u][path] order to [path][u] (e3nn's for uvu paths)."""
        return weights.view(len(weights), self.channels, self.num_paths).transpose(1, 2).reshape(len(weights), -1)


class HarmonicTensorProduct(HarmonicPaths):
    """The native backend: the product of the module docstring."""

    backend = "native"

    def __init__(self, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps):
        super().__init__(irreps_in, l_max_sh, targets)
        reached = [ir for _, ir in self.irreps_out]
        component_start = [self.irreps_in[:i].dim // self.channels for i in range(len(self.irreps_in))]
        rows = [
            (k, p, m1)
            for k, ir_out in enumerate(reached)
            for p, (i_in, _, ir, _) in enumerate(self.paths)
            if ir == ir_out
            for m1 in range(self.irreps_in[i_in].ir.dim)
        ]
        spread_features = torch.zeros(self.irreps_in.dim // self.channels, len(rows))
        spread_weights = torch.zeros(self.num_paths, len(rows))
        for r, (_, p, m1) in enumerate(rows):
            spread_features[component_start[self.paths[p][0]] + m1, r] = 1
            spread_weights[p, r] = 1
        self.register_buffer("spread_features", spread_features, persistent=False)
        self.register_buffer("spread_weights", spread_weights, persistent=False)
        self.rows_per_output = []
        for k, ir_out in enumerate(reached):
            own = [(p, m1) for kk, p, m1 in rows if kk == k]
            coupling = torch.zeros(len(own), (l_max_sh + 1) ** 2, ir_out.dim)
            for q, (p, m1) in enumerate(own):
                i_in, l2, _, scale = self.paths[p]
                coupling[q, l2 * l2 : (l2 + 1) ** 2] = scale * o3.wigner_3j(self.irreps_in[i_in].ir.l, l2, ir_out.l)[m1]
            self.register_buffer(f"coupling_{k}", coupling, persistent=False)
            self.rows_per_output.append(len(own))
        self.num_outputs = len(reached)

    def couple_harmonics(self, harmonics: torch.Tensor) -> list[torch.Tensor]:
        """Per output irrep l3, G (E, rows, 2 l3 + 1): the harmonics contracted with the 3j symbols."""
        couplings = [getattr(self, f"coupling_{k}").to(harmonics.dtype) for k in range(self.num_outputs)]
        return [torch.einsum("ej,rjk->erk", harmonics, coupling) for coupling in couplings]

    def forward(self, features: torch.Tensor, edges, weights: torch.Tensor) -> torch.Tensor:
        per_channel = irreps_to_channels_layout(features, self.dims_in)  # on the nodes, not the edges
        neighbours = per_channel.index_select(0, edges.source)  # gradient: index_add, faster than index_put
        messages = self.channel_messages(neighbours, edges.coupled, weights)
        return channels_to_irreps_layout(scatter_sum(messages, edges.target, edges.num_nodes), self.dims_out)

    def channel_messages(self, features: torch.Tensor, coupled: list[torch.Tensor], weights: torch.Tensor):
        """Features (E, channels, irreps_in.dim / channels) in [irrep][m] order (:func:`irreps_to_channels_layout`),
        coupled from :meth:`couple_harmonics`, weights (E, channels * num_paths)
        -> (E, channels, irreps_out.dim / channels) messages, [irrep][m] order (:func:`channels_to_irreps_layout`)."""
        spreads = (self.spread_features.to(features.dtype), self.spread_weights.to(weights.dtype))
        weights = weights.view(len(weights), self.channels, self.num_paths)
        return _CoupledProduct.apply(features, weights, spreads, self.rows_per_output, *coupled)


CPU_EDGE_CHUNK = (
    2048  # edges per block: on the CPU its temporaries (a few MB) stay in the allocator's heap and in cache
)
GPU_EDGE_CHUNK = (
    1 << 17
)  # on GPUs, large blocks keep the kernels busy (untested here: the project's machines are CPU-only)


def _edge_blocks(num_edges: int, device: torch.device) -> list[slice]:
    if torch.compiler.is_compiling():
        return [slice(None)]  # one block: a loop over blocks would pin the compiled code to one edge count
    size = CPU_EDGE_CHUNK if device.type == "cpu" else GPU_EDGE_CHUNK
    return [slice(start, start + size) for start in range(0, num_edges, size)]


def _messages(x, w, spreads, rows_per_output, coupled):
    rows = torch.split((x @ spreads[0]) * (w @ spreads[1]), rows_per_output, dim=2)
    return torch.cat([torch.bmm(y, g) for y, g in zip(rows, coupled)], dim=2)


def _gradients(grad, x, w, spreads, rows_per_output, coupled, need):
    spread_features, spread_weights = spreads
    grad_out = torch.split(grad, [g.shape[2] for g in coupled], dim=2)
    grad_rows = torch.cat([torch.bmm(grad_k, g.transpose(1, 2)) for grad_k, g in zip(grad_out, coupled)], dim=2)
    spread_x, spread_w = x @ spread_features, w @ spread_weights
    grad_x = (grad_rows * spread_w) @ spread_features.T if need[0] else None
    grad_w = (grad_rows * spread_x) @ spread_weights.T if need[1] else None
    rows = torch.split(spread_x * spread_w, rows_per_output, dim=2) if any(need[2:]) else [None] * len(coupled)
    return (
        grad_x,
        grad_w,
        [
            torch.bmm(y.transpose(1, 2), grad_k) if need_g else None
            for y, grad_k, need_g in zip(rows, grad_out, need[2:])
        ],
    )


class _CoupledProduct(torch.autograd.Function):
    """messages_l3[e] = y_l3[e] @ G_l3[e], concatenated over l3, with y = (x @ S_x) * (w @ S_w) split into
    the rows of each output irrep, for x (E, channels, components), w (E, channels, paths) and the 0/1
    spreading matrices S. Both passes run over blocks of edges (:func:`_edge_blocks`), so no temporary of size
    (E, channels, rows) ever exists, and the backward pass recomputes the spread factors instead of keeping
    them."""

    @staticmethod
    def forward(ctx, x, w, spreads, rows_per_output, *coupled):
        ctx.spreads, ctx.rows_per_output = spreads, rows_per_output
        ctx.save_for_backward(x, w, *coupled)
        out = x.new_empty(len(x), x.shape[1], sum(g.shape[2] for g in coupled))
        for block in _edge_blocks(len(x), x.device):
            out[block] = _messages(x[block], w[block], spreads, rows_per_output, [g[block] for g in coupled])
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad):
        x, w, *coupled = ctx.saved_tensors
        need = (ctx.needs_input_grad[0], ctx.needs_input_grad[1], *ctx.needs_input_grad[4:])
        grad_x, grad_w = (torch.empty_like(x) if need[0] else None), (torch.empty_like(w) if need[1] else None)
        grad_coupled = [torch.empty_like(g) if need_g else None for g, need_g in zip(coupled, need[2:])]
        for block in _edge_blocks(len(x), x.device):
            parts = _gradients(
                grad[block], x[block], w[block], ctx.spreads, ctx.rows_per_output, [g[block] for g in coupled], need
            )
            for full, part in zip([grad_x, grad_w, *grad_coupled], [parts[0], parts[1], *parts[2]]):
                if full is not None:
                    full[block] = part
        return grad_x, grad_w, None, None, *grad_coupled
