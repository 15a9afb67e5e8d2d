import math

import pytest
import torch
from e3nn import o3

from glass_lightning.models.tensor_product import (
    HarmonicTensorProduct,
    channels_to_irreps_layout,
    irreps_to_channels_layout,
)


def messages(tensor_product, features, harmonics, weights):
    """Per-edge messages (E, channels, dim per channel) of edge features (E, irreps_in.dim) in e3nn's layout."""
    per_channel = irreps_to_channels_layout(features, tensor_product.dims_in)
    return tensor_product.channel_messages(per_channel, tensor_product.couple_harmonics(harmonics), weights)


def reference_messages(irreps_in, l_max_sh, wanted, features, harmonics, weights):
    """Path by path, the formula of the module docstring."""
    channels = irreps_in[0].mul
    paths = [
        (i, l2, ir_out)
        for i, (_, ir_in) in enumerate(irreps_in)
        for l2 in range(l_max_sh + 1)
        for ir_out in ir_in * o3.Irrep(l2, (-1) ** l2)
        if ir_out in wanted
    ]
    reached = sorted({ir for *_, ir in paths})
    outputs = {ir: torch.zeros(len(features), channels, ir.dim) for ir in reached}
    weights = weights.view(len(features), channels, len(paths))
    for p, (i, l2, ir_out) in enumerate(paths):
        ir_in = irreps_in[i].ir
        x = features[:, irreps_in.slices()[i]].view(-1, channels, ir_in.dim)
        y = harmonics[:, l2 * l2 : (l2 + 1) ** 2]
        scale = math.sqrt(ir_out.dim / sum(1 for *_, r in paths if r == ir_out))
        product = torch.einsum("eui,ej,ijk->euk", x, y, o3.wigner_3j(ir_in.l, l2, ir_out.l))
        outputs[ir_out] += scale * weights[:, :, p, None] * product
    return torch.cat([outputs[ir] for ir in reached], dim=2), len(paths)


@pytest.mark.parametrize(
    "irreps, l_max_sh, targets",
    [("3x0e+3x1o+3x2e", 2, "5x0e+3x1o+3x2e"), ("2x0e+2x0o+2x1o+2x1e", 2, "0e+0o+1o+1e"), ("2x0e+2x1o", 3, "0e+1o+3o")],
)
def test_equals_the_path_by_path_formula(irreps, l_max_sh, targets):
    irreps = o3.Irreps(irreps)
    tensor_product = HarmonicTensorProduct(irreps, l_max_sh, targets)
    features = irreps.randn(30, -1)
    harmonics = o3.spherical_harmonics(
        list(range(l_max_sh + 1)), torch.randn(30, 3), normalize=True, normalization="component"
    )
    weights = torch.randn(30, tensor_product.channels * tensor_product.num_paths)
    expected, num_paths = reference_messages(
        irreps, l_max_sh, {ir for _, ir in o3.Irreps(targets)}, features, harmonics, weights
    )
    assert tensor_product.num_paths == num_paths
    torch.testing.assert_close(messages(tensor_product, features, harmonics, weights), expected)


def test_output_is_equivariant(orthogonal):
    irreps = o3.Irreps("4x0e+4x1o+4x2e+4x3o")
    tensor_product = HarmonicTensorProduct(irreps, 3, irreps)
    vectors, features = torch.randn(20, 3), irreps.randn(20, -1)
    weights = torch.randn(20, 4 * tensor_product.num_paths)

    def e3nn_layout_messages(x, v):
        y = o3.spherical_harmonics([0, 1, 2, 3], v, normalize=True, normalization="component")
        return channels_to_irreps_layout(messages(tensor_product, x, y, weights), tensor_product.dims_out)

    rotated = e3nn_layout_messages(features @ irreps.D_from_matrix(orthogonal).T, vectors @ orthogonal.T)
    expected = e3nn_layout_messages(features, vectors) @ tensor_product.irreps_out.D_from_matrix(orthogonal).T
    torch.testing.assert_close(rotated, expected)


def test_unit_inputs_give_unit_variance_outputs():
    irreps = o3.Irreps("8x0e+8x1o+8x2e")
    tensor_product = HarmonicTensorProduct(irreps, 2, irreps)
    features = irreps.randn(20000, -1)
    harmonics = o3.spherical_harmonics([0, 1, 2], torch.randn(20000, 3), normalize=True, normalization="component")
    weights = torch.randn(20000, 8 * tensor_product.num_paths)
    variance = messages(tensor_product, features, harmonics, weights).pow(2).mean()
    assert 0.8 < variance.item() < 1.2


def test_unequal_multiplicities_are_rejected():
    with pytest.raises(ValueError, match="same multiplicity"):
        HarmonicTensorProduct("4x0e+2x1o", 1, "0e")
