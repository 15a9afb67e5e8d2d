"""glass_lightning: SE(3)-equivariant GNNs for glassy-liquid propensity, on PyTorch Lightning."""

from glass_lightning.errors import GlassDataError

__all__ = ["GlassDataError"]
__version__ = "0.1.0"
