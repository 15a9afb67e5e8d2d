"""Per-particle propensity models sharing one interface: ``forward(data) -> (N, num_outputs)``.

``SE3Net`` (equivariant, e3nn), ``InvariantGNN`` (distances only, Bapst et al.) and
``ExpertRidge`` (expert descriptors + ridge / small MLP); ``FrozenBackbone`` (a trained network's
frozen features under a new decoder, for transfer learning). ``count_parameters(model)`` gives the
number of learned parameters of any of them.
"""

from torch import nn

from glass_lightning.models.expert import ExpertRidge
from glass_lightning.models.frozen import FrozenBackbone
from glass_lightning.models.invariant import InvariantGNN
from glass_lightning.models.se3 import SE3Net


def count_parameters(model: nn.Module) -> int:
    """Number of learned scalars (sum of ``numel`` over the trainable parameters)."""
    return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)


__all__ = ["SE3Net", "InvariantGNN", "ExpertRidge", "FrozenBackbone", "count_parameters"]
