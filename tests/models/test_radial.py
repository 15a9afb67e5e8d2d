import pytest
import torch

from glass_lightning.errors import GlassDataError
from glass_lightning.models.radial import RadialBasis, polynomial_envelope


def test_envelope_is_one_at_origin_and_flat_zero_at_cutoff():
    distance = torch.tensor([0.0, 1.5, 2.0, 2.5], dtype=torch.float64, requires_grad=True)
    envelope = polynomial_envelope(distance, 2.0)
    (gradient,) = torch.autograd.grad(envelope.sum(), distance, create_graph=True)
    assert envelope[0].item() == pytest.approx(1.0)
    assert 0 < envelope[1].item() < 1
    assert envelope[2].item() == pytest.approx(0.0, abs=1e-12)
    assert envelope[3].item() == 0.0
    assert gradient[2].item() == pytest.approx(0.0, abs=1e-10)
    assert gradient[3].item() == 0.0


@pytest.mark.parametrize("name", ["bessel", "gaussian"])
def test_basis_shape_and_vanishes_beyond_cutoff(name):
    basis = RadialBasis(name, 8, cutoff=1.8)
    distance = torch.linspace(0.5, 2.5, 41, dtype=torch.float64)
    values = basis(distance)
    assert values.shape == (41, 8)
    assert torch.all(values[distance >= 1.8] == 0)
    assert values[distance < 1.7].abs().sum(dim=1).min() > 0
    assert torch.isfinite(values).all()


def test_bessel_basis_values():
    basis = RadialBasis("bessel", 3, cutoff=2.0)
    r = torch.tensor([0.7], dtype=torch.float64)
    expected = (
        (2 / 2.0) ** 0.5
        * torch.sin(torch.arange(1, 4, dtype=torch.float64) * torch.pi * 0.7 / 2.0)
        / 0.7
        * polynomial_envelope(r, 2.0)
    )
    torch.testing.assert_close(basis(r)[0], expected.to(torch.float64))


@pytest.mark.parametrize(
    "arguments, field",
    [(("cosine", 8, 2.0), "radial"), (("bessel", 0, 2.0), "n_basis"), (("bessel", 8, -1.0), "cutoff")],
)
def test_bad_arguments_are_rejected(arguments, field):
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        RadialBasis(*arguments)
