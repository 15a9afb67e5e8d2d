"""glass_lightning: SE(3)-equivariant GNNs for glassy-liquid propensity, on PyTorch Lightning.

The Python API (the command line is ``glass-lightning``, ``lightning``)::

    from glass_lightning import Predictor, Snapshot

    predictor = Predictor.load("ka3d-T0.44")  # a pretrained network's name, or a checkpoint's path
    result = predictor.predict(Snapshot.from_atoms(atoms, temperature=0.44))  # or an ase.Atoms, a file

:class:`Predictor` (``predictor.py``), :class:`Prediction` (``training/prediction.py``), :class:`Snapshot`
(``data/snapshot.py``), :class:`GlassDataError` (every refused input). They are imported on first use, so
that ``import glass_lightning`` stays fast (torch and e3nn load with the Predictor).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    from glass_lightning.data.snapshot import Snapshot
    from glass_lightning.predictor import Predictor
    from glass_lightning.training.prediction import Prediction

# public name -> the module that defines it, imported when the name is first used
_LAZY = {
    "Predictor": "glass_lightning.predictor",
    "Prediction": "glass_lightning.training.prediction",
    "Snapshot": "glass_lightning.data.snapshot",
}

__all__ = ["GlassDataError", "Prediction", "Predictor", "Snapshot"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
