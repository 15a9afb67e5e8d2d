"""FLOPs and bytes of the recipe's network per training step and per inference, counted from its shapes.

The network: SE3Net with one layer (the first, on the node scalars) and the invariants read-out, as
configs/default.yaml has it, on a graph of N particles and E directed edges. With C channels, l_max
= L, S = (L+1)^2 harmonic components, k node scalars (one-hot types), B radial basis functions, the
radial MLP's hidden width H, I invariants, a read-out of width W and P coarse-graining passes:

FLOPs are the products' (2 per multiply-add): the radial MLP on every edge (B x H, then H x C(L+1)),
the first layer's neighbour sums (E C k S, counted on the edges themselves: the padding of the
per-centre layout is left out), their contraction with the embedding (N C k S), the equivariant
linear maps, the MLPs of the read-out, the coarse-graining and the decoder, and the coarse-graining's
sparse products ((E + N) W per pass). The backward pass of a product computes the gradient of each
operand that needs one at the cost of the product itself; the inputs read off the graph (radial
basis, harmonics, node scalars) and the averaging matrix need none. Elementwise work (harmonics,
basis, activations, gate, norms, batch statistics) counts no FLOPs: it is memory-bound, counted in
the bytes; the optimizer's step (tens of thousands of parameters) is left out of both. These products are what
``torch.utils.flop_counter.FlopCounterMode`` counts (tests/bench/test_step_count.py), but for the
sparse ones: it leaves them out of the forward pass and counts them as dense N x N products in the backward.

Bytes are those of an eager float32 implementation that writes each intermediate tensor once, with no
copies, padding or gathered duplicates: the forward pass writes and reads every tensor listed in
:func:`tensors` once; the backward pass reads it again (saved for the gradient) and, where it depends
on the weights, writes and reads its gradient. Integer indices (16 bytes per edge) and the
parameters and optimizer state are left out. Where a fused kernel keeps per-edge values in
registers it moves less: this is the floor of the computation as written in tensors, not of every
algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass

from e3nn import o3
from torch import nn

from glass_lightning.models.readout import TypeReadout
from glass_lightning.models.se3 import SE3Net

FLOAT_BYTES = 4


@dataclass(frozen=True)
class Product:
    """A matrix product of ``multiply_adds`` in the forward pass, whose backward computes ``gradients`` operands' gradients."""

    name: str
    multiply_adds: int
    gradients: int


@dataclass(frozen=True)
class Tensor:
    """An intermediate tensor of ``elements`` floats; ``learned``: it depends on the weights (it has a gradient)."""

    name: str
    elements: int
    learned: bool


@dataclass(frozen=True)
class StepCount:
    flops: int
    bytes: int


def _linear_multiply_adds(linear: o3.Linear) -> int:
    """Multiply-adds per node of an equivariant linear map: channels in x channels out x 2l+1 per path."""
    return sum(
        instruction.path_shape[0] * instruction.path_shape[1] * linear.irreps_in[instruction.i_in].ir.dim
        for instruction in linear.instructions
    )


def _first_layer(network: SE3Net):
    if len(network.layers) != 1 or network.readout != "invariants":
        raise ValueError("the count covers one-layer SE3Nets with the invariants read-out (the recipe's)")
    return network.layers[0].convolution


def _linear_outputs(module: nn.Module) -> int:
    return sum(m.out_features for m in module.modules() if isinstance(m, nn.Linear))


def _decoder_elements(decoder: TypeReadout) -> int:
    """Per node: the hidden layer before and after its activation, every head, the outputs kept."""
    return _linear_outputs(decoder) + _linear_outputs(decoder.trunk) + decoder.num_outputs


def products(network: SE3Net, num_nodes: int, num_edges: int) -> list[Product]:
    """The network's products on a graph of ``num_nodes`` particles and ``num_edges`` directed edges."""
    first = _first_layer(network)
    channels, scalars, components = first.channels, first.embedding.in_features, (first.l_max + 1) ** 2
    widths = first.radial.hs
    counted = [
        Product(f"radial MLP {a} x {b}", num_edges * a * b, 1 if i == 0 else 2)  # the basis needs no gradient
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:]))
    ]
    counted += [
        Product("neighbour sums", num_edges * channels * scalars * components, 1),
        Product("contraction with the embedding", num_nodes * channels * scalars * components, 2),
        Product("linear out", num_nodes * _linear_multiply_adds(first.linear_out), 2),
        Product("self-connection", num_nodes * _linear_multiply_adds(first.self_connection), 1),
    ]
    node_mlps = (network.invariant_encoder, network.coarse_graining, network.decoder)
    counted += [
        Product(f"node MLP {m.in_features} x {m.out_features}", num_nodes * m.in_features * m.out_features, 2)
        for part in node_mlps
        for m in part.modules()
        if isinstance(m, nn.Linear)
    ]
    width, passes = network.num_invariant_features, len(network.coarse_graining.updates)
    counted += [Product("coarse-graining average", (num_edges + num_nodes) * width, 1) for _ in range(passes)]
    return counted


def tensors(network: SE3Net, num_nodes: int, num_edges: int) -> list[Tensor]:
    """The intermediate tensors of a forward pass (see the module docstring)."""
    first = _first_layer(network)
    channels, scalars, components = first.channels, first.embedding.in_features, (first.l_max + 1) ** 2
    hidden, radial = first.radial.hs[1:-1], first.radial.hs[-1]
    width, passes = network.num_invariant_features, len(network.coarse_graining.updates)
    num_invariants = network.invariant_encoder[0].in_features
    edge_inputs = 3 + 1 + network.radial_basis.n_basis + components + scalars * components
    per_node = [
        Tensor("neighbour sums", channels * scalars * components, True),
        Tensor("layer's sums", channels * components, True),
        Tensor("gate inputs", first.irreps_out.dim, True),
        Tensor("gated and normalized features", 2 * network.irreps_hidden.dim, True),
        Tensor("invariants, raw and standardized", 2 * num_invariants, True),
        Tensor("read-out MLP", 3 * width, True),
        *[Tensor("coarse-graining pass", 7 * width, True) for _ in range(passes)],
        Tensor("decoder: its linear maps' outputs, activation, outputs", _decoder_elements(network.decoder), True),
    ]
    return [
        Tensor("edge inputs: vector, length, basis, harmonics, scalars x harmonics", num_edges * edge_inputs, False),
        Tensor("radial MLP hidden, before and after its activation", num_edges * 2 * sum(hidden), True),
        Tensor("radial functions", num_edges * radial, True),
        *[Tensor(f"averaging matrix, pass {p + 1}", num_edges + num_nodes, False) for p in range(passes)],
        *[Tensor(t.name, num_nodes * t.elements, t.learned) for t in per_node],
    ]


def step_counts(network: SE3Net, num_nodes: int, num_edges: int) -> dict[str, StepCount]:
    """FLOPs and bytes of an ``inference`` (forward) and a ``training`` step (forward and backward)."""
    counted_products, counted_tensors = products(network, num_nodes, num_edges), tensors(network, num_nodes, num_edges)
    forward_flops = sum(2 * p.multiply_adds for p in counted_products)
    forward_bytes = sum(2 * FLOAT_BYTES * t.elements for t in counted_tensors)
    return {
        "inference": StepCount(forward_flops, forward_bytes),
        "training": StepCount(
            sum(2 * p.multiply_adds * (1 + p.gradients) for p in counted_products),
            sum(FLOAT_BYTES * t.elements * (3 + 2 * t.learned) for t in counted_tensors),
        ),
    }
