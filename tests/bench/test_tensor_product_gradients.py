"""The hand-written backward pass of SE3Net's tensor product against finite differences."""

import torch
from e3nn import o3

from glass_lightning.models.tensor_product import HarmonicTensorProduct, irreps_to_channels_layout


def test_gradients_of_features_weights_and_coupled_harmonics():
    torch.manual_seed(0)
    irreps = o3.Irreps("2x0e+2x1o+2x2e")
    tensor_product = HarmonicTensorProduct(irreps, 2, irreps)
    harmonics = o3.spherical_harmonics([0, 1, 2], torch.randn(5, 3), normalize=True, normalization="component")
    coupled = [g.detach().requires_grad_() for g in tensor_product.couple_harmonics(harmonics)]
    features = irreps_to_channels_layout(irreps.randn(5, -1), tensor_product.dims_in).requires_grad_()
    weights = torch.randn(5, 2 * tensor_product.num_paths, requires_grad=True)
    messages = tensor_product.channel_messages
    assert torch.autograd.gradcheck(lambda x, w, *g: messages(x, list(g), w), (features, weights, *coupled))
