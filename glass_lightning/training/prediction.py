"""One configuration's prediction, with the truth and its noise ceiling where the configuration has
them: what :meth:`glass_lightning.Predictor.predict` returns, and what ``glass-lightning predict``
scores (``prediction_report.py``).

The Pearson correlations are those of the project's metrics (``metrics.py``, per configuration and
particle type, NaN where undefined); the noise ceiling is ``data/noise_ceiling.py``'s, at the model's
times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch

from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.data.noise_ceiling import noise_ceiling
from glass_lightning.data.snapshot import SPECIES, Snapshot, type_name
from glass_lightning.errors import GlassDataError
from glass_lightning.training.metrics import per_configuration_pearson


def column_name(quantity: str, time: float) -> str:
    """The per-particle column of a prediction at one time, e.g. ``predicted_propensity_t4120``."""
    return f"predicted_{quantity}_t{time:g}"


@dataclass(frozen=True)
class Prediction:
    """A network's prediction for one configuration.

    Attributes:
        prediction: (N, T) the predicted ``quantity`` at ``times``, in its units (the training's
            standardization undone; a network fitted to standardized targets ranks particles).
        times: (T,) the times the model predicts at this temperature.
        types: (N,) species labels, 0 = A, 1 = B.
        temperature: the configuration's temperature.
        source: where the configuration came from.
        quantity: what is predicted: ``propensity``, ``mean_squared_displacement`` or ``bond_breaking``.
        target: (N, T) the configuration's own values at ``times``, or None where it has none.
        noise_ceiling: (num_types, T) the highest Pearson correlation with ``target`` any model can reach,
            per type, from the replica noise of the target; None where the configuration cannot tell.
    """

    prediction: np.ndarray
    times: np.ndarray
    types: np.ndarray
    temperature: float
    source: str
    quantity: str
    target: np.ndarray | None = None
    noise_ceiling: np.ndarray | None = None

    @classmethod
    def of(cls, snapshot: Snapshot, arrays: dict[str, np.ndarray], recipe: GraphRecipe) -> Prediction:
        """The prediction of ``snapshot`` from the arrays of its prediction file (``predict.predict_arrays``)."""
        target = arrays.get("target")
        rows = recipe.model_time_rows(snapshot)
        ceiling = noise_ceiling(snapshot) if target is not None and rows is not None else None
        return cls(
            prediction=arrays["prediction"],
            times=np.asarray(recipe.times_at(snapshot.temperature), dtype=np.float64),
            types=arrays["node_type"],
            temperature=snapshot.temperature,
            source=snapshot.source,
            quantity=recipe.target,
            target=target,
            noise_ceiling=None if ceiling is None else ceiling[rows].T,
        )

    @classmethod
    def mean(cls, members: Sequence[Prediction]) -> Prediction:
        """The ensemble prediction: the mean of several networks' predictions of one configuration (networks of one
        recipe, e.g. fits with other seeds, so that their predictions share units); the first member's truth."""
        first = members[0]
        for member in members[1:]:
            same = member.prediction.shape == first.prediction.shape and np.array_equal(member.times, first.times)
            if not same or member.source != first.source or member.quantity != first.quantity:
                raise GlassDataError(
                    member.source,
                    "prediction",
                    f"an ensemble averages predictions of one configuration at the same times; {first.source} at "
                    f"t = {first.times.tolist()} and {member.source} at t = {member.times.tolist()} differ",
                )
        return replace(first, prediction=np.mean([member.prediction for member in members], axis=0))

    def pearson_by_type(self) -> np.ndarray:
        """(num_types, T) Pearson correlation of prediction and target per type, NaN where undefined."""
        if self.target is None:
            raise GlassDataError(self.source, "target", f"the configuration has no {self.quantity} at t = {self.times}")
        correlation, valid = per_configuration_pearson(
            torch.from_numpy(np.asarray(self.prediction)),
            torch.from_numpy(np.asarray(self.target)),
            torch.from_numpy(np.asarray(self.types)),
            torch.zeros(len(self.types), dtype=torch.int64),
            1,
            len(SPECIES),
        )
        return torch.where(valid[0], correlation[0], torch.nan).numpy()

    def pearson(self, species: str | int = "A") -> np.ndarray:
        """(T,) Pearson correlation of prediction and target over the particles of one type (``"A"`` or 0, ...)."""
        labels = {type_name(label): label for label in range(len(SPECIES))}
        if species not in labels and species not in labels.values():
            raise GlassDataError("<arguments>", "species", f"expected one of {list(labels)}, got {species!r}")
        return self.pearson_by_type()[labels.get(species, species)]

    def columns(self) -> dict[str, np.ndarray]:
        """The prediction as per-particle columns (N,), one per time, named by :func:`column_name`."""
        return {column_name(self.quantity, time): self.prediction[:, k] for k, time in enumerate(self.times)}
