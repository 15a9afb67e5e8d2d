"""Every layer commutes with O(3): f(D_in x, R r) = D_out f(x, r), rotations and improper ones."""

import pytest
import torch
from e3nn import o3

from glass_lightning.models.convolution import EdgeGeometry, EquivariantConvolution, ScalarInputConvolution
from glass_lightning.models.gate import gated_nonlinearity
from glass_lightning.models.interaction import InteractionBlock
from glass_lightning.models.norm import EquivariantRMSNorm
from glass_lightning.models.radial import RadialBasis
from glass_lightning.models.se3 import hidden_irreps
from glass_lightning.models.tensor_product import HarmonicTensorProduct, channels_to_irreps_layout

L_MAX = 2
IRREPS_SH = o3.Irreps.spherical_harmonics(L_MAX)


def edge_geometry(graph, matrix=None, tensor_product=None):
    vectors = graph.edge_vec if matrix is None else graph.edge_vec @ matrix.T
    harmonics = o3.spherical_harmonics(IRREPS_SH, vectors, normalize=True, normalization="component")
    coupled = [] if tensor_product is None else tensor_product.couple_harmonics(harmonics)
    basis = RadialBasis("bessel", 6, 2.0)(vectors.norm(dim=1))
    return EdgeGeometry(graph.edge_index[0], graph.edge_index[1], harmonics, coupled, basis, graph.num_nodes)


def assert_equivariant(layer, irreps_in, irreps_out, graph, matrix, features=None, tensor_product=None):
    layer = layer.double()
    if features is None:
        features = irreps_in.randn(graph.num_nodes, -1, dtype=torch.float64)
    rotated_in = features @ irreps_in.D_from_matrix(matrix).T
    expected = layer(features, edge_geometry(graph, None, tensor_product)) @ irreps_out.D_from_matrix(matrix).T
    torch.testing.assert_close(
        layer(rotated_in, edge_geometry(graph, matrix, tensor_product)), expected, atol=1e-10, rtol=1e-8
    )


@pytest.mark.parametrize("parity", ["natural", "both"])
def test_gate_and_norm_are_equivariant(parity, orthogonal):
    irreps = hidden_irreps(L_MAX, 4, parity)
    gate = gated_nonlinearity(irreps).double()
    assert gate.irreps_out == irreps
    features = gate.irreps_in.randn(10, -1, dtype=torch.float64)
    D_in, D_out = gate.irreps_in.D_from_matrix(orthogonal), irreps.D_from_matrix(orthogonal)
    torch.testing.assert_close(gate(features @ D_in.T), gate(features) @ D_out.T)
    norm = EquivariantRMSNorm(irreps).double()
    hidden = irreps.randn(10, -1, dtype=torch.float64)
    torch.testing.assert_close(norm(hidden @ D_out.T), norm(hidden) @ D_out.T)


def test_norm_gives_unit_rms_per_irrep_block():
    irreps = hidden_irreps(2, 3, "natural")
    normalized = EquivariantRMSNorm(irreps).double()(5 * irreps.randn(7, -1, dtype=torch.float64))
    for (mul, ir), span in zip(irreps, irreps.slices()):
        rms = normalized[:, span].pow(2).mean(dim=1).sqrt()
        torch.testing.assert_close(rms, torch.ones(7, dtype=torch.float64), atol=1e-5, rtol=0)


@pytest.mark.parametrize("parity", ["natural", "both"])
def test_equivariant_convolution(graph, orthogonal, parity):
    irreps = hidden_irreps(L_MAX, 4, parity)
    gate = gated_nonlinearity(irreps)
    tensor_product = HarmonicTensorProduct(irreps, L_MAX, gate.irreps_in)
    convolution = EquivariantConvolution(tensor_product, gate.irreps_in, n_basis=6, radial_hidden=8)
    assert_equivariant(convolution, irreps, gate.irreps_in, graph, orthogonal, tensor_product=tensor_product)


def test_scalar_input_convolution(graph, orthogonal):
    irreps_out = gated_nonlinearity(hidden_irreps(L_MAX, 4, "natural")).irreps_in
    convolution = ScalarInputConvolution(3, 2, 4, L_MAX, irreps_out, n_basis=6, radial_hidden=8)
    scalars = torch.cat(
        [
            torch.nn.functional.one_hot(graph.node_type, 2).double(),
            torch.randn(graph.num_nodes, 1, dtype=torch.float64),
        ],
        dim=1,
    )
    assert_equivariant(convolution, o3.Irreps("3x0e"), irreps_out, graph, orthogonal, features=scalars)


def test_scalar_input_convolution_equals_generic_tensor_product_layout(graph):
    """The cheap first layer sums R_ul x_ju Y_lm in e3nn's [l][u][m] order."""
    irreps_out = o3.Irreps([(2, (l, (-1) ** l)) for l in range(L_MAX + 1)])
    convolution = ScalarInputConvolution(2, 2, 2, L_MAX, irreps_out, n_basis=6, radial_hidden=8).double()
    edges = edge_geometry(graph)
    scalars = torch.nn.functional.one_hot(graph.node_type, 2).double()
    sums = convolution.species_sums(graph.node_type, edges)  # (N, S, C, (l+1)^2)
    embedded = sums * convolution.embedding.weight.T[None, :, :, None]  # W_us
    layout = channels_to_irreps_layout(embedded.sum(1), convolution.dims_mid)
    radial = convolution.radial(edges.basis).view(-1, 2, L_MAX + 1)
    for l, span in zip(range(L_MAX + 1), irreps_out.slices()):
        per_edge = (
            radial[:, :, l, None]
            * convolution.embedding(scalars)[edges.source][:, :, None]
            * edges.harmonics[:, None, l * l : (l + 1) ** 2]
        )
        expected = torch.zeros(graph.num_nodes, 2, 2 * l + 1, dtype=torch.float64).index_add_(0, edges.target, per_edge)
        torch.testing.assert_close(layout[:, span], expected.flatten(1))


@pytest.mark.parametrize("normalization", ["rms", "none"])
def test_interaction_block_with_residual(graph, orthogonal, normalization):
    irreps = hidden_irreps(L_MAX, 4, "natural")
    tensor_product = HarmonicTensorProduct(irreps, L_MAX, gated_nonlinearity(irreps).irreps_in)
    block = InteractionBlock(
        lambda irreps_out: EquivariantConvolution(tensor_product, irreps_out, 6, 8),
        irreps,
        residual=True,
        normalization=normalization,
    )
    assert_equivariant(block, irreps, irreps, graph, orthogonal, tensor_product=tensor_product)


def test_scalar_sums_with_extra_attributes_are_the_per_edge_sums(graph):
    """The per-centre batched products equal sum_j s_jk R_ul(r_ij) Y_lm(r_ij) summed edge by edge, any scalars."""
    convolution = ScalarInputConvolution(3, 2, 2, L_MAX, "2x0e", n_basis=6, radial_hidden=8).double()
    edges = edge_geometry(graph)
    one_hot = torch.nn.functional.one_hot(graph.node_type, 2).double()
    scalars = torch.cat([one_hot, torch.randn(graph.num_nodes, 1, dtype=torch.float64)], dim=1)
    radial = convolution.radial(edges.basis).view(-1, 2, L_MAX + 1)
    for l, sums in enumerate(convolution.scalar_sums(scalars, edges)):
        per_edge = (
            radial[:, :, None, l, None]
            * scalars[edges.source][:, None, :, None]
            * edges.harmonics[:, None, None, l * l : (l + 1) ** 2]
        )
        expected = torch.zeros(graph.num_nodes, 2, 3, 2 * l + 1, dtype=torch.float64)
        torch.testing.assert_close(sums, expected.index_add_(0, edges.target, per_edge))
