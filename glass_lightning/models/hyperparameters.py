"""Checks of model hyperparameters, with the one error type for bad input."""

from __future__ import annotations

from glass_lightning.errors import GlassDataError


def require_positive(**values: float) -> None:
    """Raise GlassDataError naming the first hyperparameter that is not > 0."""
    for name, value in values.items():
        if not value > 0:
            raise GlassDataError("<model>", name, f"expected a positive value, got {value}")
