"""Reference (a) of the benchmark, kept for benchmarks and equivalence tests: SE3Net's convolutions
computed with e3nn's ``FullyConnectedTensorProduct`` and per-edge ``uvw`` weights (every output
channel mixes every input channel).

It wraps the convolutions of an existing :class:`SE3Net` and reuses their parameters (input
embedding / linear, radial MLP, output linear, self-connection), replacing only the tensor
product and the scatter. Our radial MLP's per-channel weights are placed on the diagonal u = w,
the other weights are zero, so the outputs agree with ours; the tensor product still pays for
all E x channels^2 weights per path. Reference (b), NequIP-style e3nn ``uvu``, is SE3Net's own
``tensor_product="e3nn"`` backend (models/tensor_product_backends.py).
"""

from __future__ import annotations

import copy

import torch
from e3nn import o3
from torch import nn
from torch_geometric.data import Data

from glass_lightning.models.convolution import EdgeGeometry, EquivariantConvolution, ScalarInputConvolution
from glass_lightning.models.inputs import node_scalars, scatter_sum
from glass_lightning.models.se3 import SE3Net
from glass_lightning.models.tensor_product_backends import UVU_OPTIONS


def _paths_of(convolution: EquivariantConvolution | ScalarInputConvolution) -> tuple[o3.Irreps, o3.Irreps, list]:
    """Input irreps, output irreps (e3nn layout) and (input block, degree, output irrep, scale) paths, in our weight order."""
    if isinstance(convolution, ScalarInputConvolution):
        irreps_in = o3.Irreps(f"{convolution.channels}x0e")
        paths = [(0, l, o3.Irrep(l, (-1) ** l), (2 * l + 1) ** 0.5) for l in range(convolution.l_max + 1)]
        return irreps_in, convolution.irreps_mid, paths
    tensor_product = convolution.tensor_product
    return tensor_product.irreps_in, tensor_product.irreps_out, tensor_product.paths


class ReferenceConvolution(nn.Module):
    """The convolution ``convolution`` computed with e3nn's fully connected tensor product."""

    def __init__(self, convolution: EquivariantConvolution | ScalarInputConvolution, l_max: int):
        super().__init__()
        self.convolution = convolution
        irreps_in, irreps_out, paths = _paths_of(convolution)
        self.channels, self.num_paths = irreps_in[0].mul, len(paths)
        irreps_sh = o3.Irreps.spherical_harmonics(l_max)
        self.tensor_product = o3.FullyConnectedTensorProduct(irreps_in, irreps_sh, irreps_out, **UVU_OPTIONS)
        ours = {(i_in, l2, ir_out): (p, scale) for p, (i_in, l2, ir_out, scale) in enumerate(paths)}
        matched = [ours[(ins.i_in1, ins.i_in2, irreps_out[ins.i_out].ir)] for ins in self.tensor_product.instructions]
        if len(matched) != len(paths):
            raise ValueError("the fully connected tensor product has other paths than the network")
        self.register_buffer("path_order", torch.tensor([p for p, _ in matched]), persistent=False)
        self.register_buffer("path_scale", torch.tensor([scale for _, scale in matched]), persistent=False)

    def tensor_product_weights(self, radial: torch.Tensor) -> torch.Tensor:
        """Our (E, channels * paths) radial weights on the diagonal of the product's (E, path, u, w) weights."""
        per_path = radial.view(-1, self.channels, self.num_paths).transpose(1, 2)[:, self.path_order]  # (E, path, u)
        return torch.diag_embed(per_path * self.path_scale.to(radial.dtype)[:, None]).reshape(len(radial), -1)

    def forward(self, features: torch.Tensor, edges: EdgeGeometry) -> torch.Tensor:
        convolution = self.convolution
        if isinstance(convolution, ScalarInputConvolution):
            neighbours, self_term = convolution.embedding(features)[edges.source], convolution.self_connection(features)
        else:
            neighbours, self_term = convolution.linear_in(features)[edges.source], convolution.self_connection(features)
        weights = self.tensor_product_weights(convolution.radial(edges.basis))
        messages = self.tensor_product(neighbours, edges.harmonics, weights)
        return convolution.linear_out(scatter_sum(messages, edges.target, edges.num_nodes)) + self_term


class ReferenceNetwork(nn.Module):
    """A copy of ``network`` (same parameter values) whose convolutions are :class:`ReferenceConvolution`."""

    def __init__(self, network: SE3Net):
        super().__init__()
        self.network = copy.deepcopy(network)
        l_max = self.network.irreps_sh.lmax
        for layer in self.network.layers:
            layer.convolution = ReferenceConvolution(layer.convolution, l_max)
        self.to(next(network.parameters()).dtype)  # the new e3nn modules are built in the default dtype

    def forward(self, data: Data) -> torch.Tensor:
        network = self.network
        edges = network.edge_geometry(data, first_layer_only=True)  # no 3j coupling: e3nn does its own
        features = node_scalars(data, network.num_types, network.num_node_attr)
        for layer in network.layers:
            features = layer(features, edges)
        return network.decoder(features[:, : network.channels], data.node_type)
