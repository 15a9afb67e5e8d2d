"""The Python API of a trained network: :class:`Predictor` loads one by name or path and predicts a
configuration, an ``ase.Atoms``, a :class:`Snapshot` or a file, into a :class:`Prediction`.

    from glass_lightning import Predictor

    predictor = Predictor.load("ka3d-T0.44")  # a pretrained network's name, or a checkpoint of lightning fit
    result = predictor.predict("data/botan-T0.44/isoconfig_N4096T0.44_10.npz")
    result.prediction  # (N, T) at result.times; result.pearson("A") against the file's own propensity

It predicts as ``glass-lightning predict`` does (``training/predict.py``): the checkpoint read through
the project's one gate (``checkpoint_file.py``), its weights checked finite, the graphs built with the
recipe stored in it; a model that reads inherent structures refuses a configuration without one unless
``quench=True`` (``training/model_positions.py``).
"""

from __future__ import annotations

import os

import ase

from glass_lightning.data.formats import check_no_overlaps, inferred_format
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.pretrained.registry import pretrained_domain, resolve_checkpoint
from glass_lightning.training.model_positions import with_model_positions
from glass_lightning.training.module import GlassModule
from glass_lightning.training.predict import check_finite_weights, load_predictor, predict_arrays
from glass_lightning.training.prediction import Prediction

Configuration = ase.Atoms | Snapshot | str | os.PathLike


class Predictor:
    """A trained network and the graph recipe of its training, ready to predict configurations."""

    def __init__(self, module: GlassModule, recipe: GraphRecipe, checkpoint: str):
        self.module, self.recipe, self.checkpoint = module, recipe, checkpoint

    @classmethod
    def load(cls, checkpoint: str | os.PathLike = "ka3d-T0.44", device: str = "cpu") -> Predictor:
        """The network of ``checkpoint``: a pretrained network's name (``pretrained/registry.py``) or the
        path of a checkpoint written by ``lightning fit``, on the torch ``device``."""
        path = resolve_checkpoint(checkpoint)
        module, recipe = load_predictor(path, device)
        check_finite_weights(module, path)
        return cls(module, recipe, str(checkpoint))

    @property
    def positions(self) -> str:
        """The positions the network reads: ``thermal``, ``inherent`` or ``cage``."""
        return self.recipe.positions

    @property
    def domain(self) -> str | None:
        """Where a pretrained network's predictions hold (one paragraph); None for a checkpoint file."""
        return pretrained_domain(self.checkpoint)

    def predict(
        self,
        configuration: Configuration,
        format: str | None = None,
        temperature: float | None = None,
        quench: bool = False,
        into_atoms: bool = False,
    ) -> Prediction:
        """The prediction for one configuration, compared with its own targets where it has them.

        Args:
            configuration: an ``ase.Atoms`` (read by :meth:`Snapshot.from_atoms`), a :class:`Snapshot`,
                or the path of a file holding one configuration.
            format: the file's format (``glass_lightning.data.formats.FORMATS``); by default told by
                its name (``inferred_format``: ``.extxyz``, ``.lammpstrj``, ``.gsd``, ...; ``.npz`` is native).
            temperature: the temperature of an ``ase.Atoms`` whose ``info`` holds none.
            quench: give a configuration without an inherent structure one, when the network reads
                inherent structures (``simulate/quench.py``; about ten seconds for N = 4096); without it
                such a configuration is refused.
            into_atoms: also write the prediction into the ``ase.Atoms`` given, one array per time named
                ``predicted_{quantity}_t{time}`` (``predicted_propensity_t4120`` for ka3d-T0.44), and the
                inherent positions it quenched as ``inherent_positions``.
        """
        if into_atoms and not isinstance(configuration, ase.Atoms):
            raise GlassDataError(
                "<arguments>", "into_atoms", f"expected an ase.Atoms to write into, got {type(configuration).__name__}"
            )
        snapshot, format = self._snapshot(configuration, format, temperature)
        (snapshot,) = with_model_positions([snapshot], self.positions, quench, format)
        ((_, arrays),) = predict_arrays(self.module, self.recipe, [snapshot])
        prediction = Prediction.of(snapshot, arrays, self.recipe)
        if into_atoms:
            for name, values in prediction.columns().items():
                configuration.set_array(name, values)
            if quench and "inherent_positions" not in configuration.arrays:
                configuration.set_array("inherent_positions", snapshot.inherent_positions)
        return prediction

    @staticmethod
    def _snapshot(configuration: Configuration, format: str | None, temperature: float | None) -> tuple[Snapshot, str]:
        """The checked Snapshot of ``configuration`` and the format it was read as."""
        if isinstance(configuration, (str, os.PathLike)):
            format = format or inferred_format(configuration)
            return Snapshot.read(configuration, format), format
        if isinstance(configuration, ase.Atoms):
            snapshot = Snapshot.from_atoms(configuration, temperature)
        elif isinstance(configuration, Snapshot):
            snapshot = configuration
        else:
            raise GlassDataError(
                "<arguments>",
                "configuration",
                f"expected an ase.Atoms, a Snapshot or a file path, got {type(configuration).__name__}",
            )
        check_no_overlaps(snapshot)
        return snapshot, format or "native"

    def __repr__(self) -> str:
        return f"Predictor({self.checkpoint!r}, positions={self.positions!r}, device={str(self.module.device)!r})"
