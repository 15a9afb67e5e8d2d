"""GraphRecipe: how a model's graphs were built, so that a checkpoint alone serves new snapshots.

A fit stores the recipe of its datamodule in the checkpoint: the cutoff, the kind of positions,
the node inputs with the training split's standardization, the target and its per-temperature
standardization, the selected timescales and their times, the number of species. ``predict``
rebuilds graphs of any snapshot with it, with or without targets, and maps predictions back to
propensity units. A temperature the model never saw is served with the statistics of the nearest
trained temperature (a warning says so): an affine map that leaves every correlation unchanged.
A file's targets are matched to the model's times by value (relative tolerance
:data:`TIME_TOLERANCE`), wherever they sit in the file's time grid; a file that lacks one of the
model's times is served without targets (a warning names the file, its times and the model's).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from glass_lightning.data.dataset import TARGETS, GlassDataset
from glass_lightning.data.snapshot import Snapshot, same_temperature
from glass_lightning.errors import GlassDataError

log = logging.getLogger(__name__)

TIME_TOLERANCE = 1e-6  # relative: a file's time this close to a model's time is that time


@dataclass(frozen=True)
class GraphRecipe:
    cutoff: float
    positions: str
    node_inputs: list[str]
    node_attr_mean: list[float]
    node_attr_std: list[float]
    target: str
    timescales: list[int]
    num_types: int
    temperatures: list[float]  # trained temperatures, each with the rows below
    times: list[list[float]]  # selected times per temperature
    target_mean: list[list[float]]  # target standardization per temperature and timescale
    target_std: list[list[float]]

    @classmethod
    def of_datamodule(cls, datamodule) -> GraphRecipe:
        """The recipe of a set-up GlassDataModule (after ``setup("fit")``)."""
        mean, std = datamodule.node_attr_standardization
        statistics = datamodule.target_standardization
        temperatures = sorted(statistics)
        return cls(
            cutoff=float(datamodule.cutoff),
            positions=datamodule.positions,
            node_inputs=list(datamodule.node_inputs),
            node_attr_mean=[float(value) for value in mean],
            node_attr_std=[float(value) for value in std],
            target=datamodule.target,
            timescales=[int(index) for index in datamodule.timescales],
            num_types=int(datamodule.num_types),
            temperatures=[float(t) for t in temperatures],
            times=[[float(time) for time in datamodule.times[t]] for t in temperatures],
            target_mean=[[float(v) for v in statistics[t][0]] for t in temperatures],
            target_std=[[float(v) for v in statistics[t][1]] for t in temperatures],
        )

    def as_dict(self) -> dict:
        """Plain lists and numbers (what ``torch.load(weights_only=True)`` reads back)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, saved: object, source: str) -> GraphRecipe:
        fields = set(cls.__dataclass_fields__)
        if not isinstance(saved, dict) or set(saved) != fields:
            raise GlassDataError(
                source,
                "glass_lightning.graph_recipe",
                "this checkpoint holds no graph recipe (it was written before "
                "checkpoints carried one, or not by lightning fit); refit, or predict with lightning predict --config",
            )
        return cls(**saved)

    def nearest_temperature(self, temperature: float, source: str) -> int:
        """Index of the trained temperature closest to ``temperature`` (a warning if it is not one of them)."""
        index = int(np.argmin(np.abs(np.asarray(self.temperatures) - temperature)))
        if not same_temperature(self.temperatures[index], temperature):
            log.warning(
                "%s: T=%g was not trained on; predictions use the target scale of T=%g (correlations are unaffected)",
                source,
                temperature,
                self.temperatures[index],
            )
        return index

    def check(self, snapshot: Snapshot) -> None:
        """Refuse a snapshot this model cannot read: more species than it was trained on."""
        if int(snapshot.types.max()) >= self.num_types:
            raise GlassDataError(
                snapshot.source,
                "types",
                f"the model knows {self.num_types} species (0..{self.num_types - 1}), "
                f"this file has type {int(snapshot.types.max())}",
            )

    def model_time_rows(self, snapshot: Snapshot) -> np.ndarray | None:
        """The rows of ``snapshot``'s time grid at the model's times, in the model's order, matched by
        value; None when the snapshot has no times or they do not include every one of the model's."""
        if snapshot.times is None:
            return None
        model_times = self.times_at(snapshot.temperature)
        same = np.isclose(snapshot.times[:, None], model_times[None, :], rtol=TIME_TOLERANCE, atol=0)
        return same.argmax(axis=0) if same.any(axis=0).all() else None

    def at_model_times(self, snapshot: Snapshot) -> Snapshot:
        """``snapshot`` with its targets at the model's times only (:meth:`model_time_rows`); without
        targets (and a warning) when its times do not include every one of them."""
        targets = [name for name in TARGETS if getattr(snapshot, name) is not None]
        if not targets:
            return snapshot
        rows = self.model_time_rows(snapshot)
        if rows is not None:
            selected = {name: getattr(snapshot, name)[rows] for name in targets}
            return replace(snapshot, times=snapshot.times[rows], **selected)
        model_times = self.times_at(snapshot.temperature)
        log.warning(
            "%s: the file's targets are at t = %s, the model predicts t = %s: predicted without targets",
            snapshot.source,
            snapshot.times.tolist(),
            model_times.tolist(),
        )
        return replace(snapshot, times=None, **dict.fromkeys(targets))

    def dataset(self, snapshots: Sequence[Snapshot]) -> GlassDataset:
        """Graphs of ``snapshots`` as the model was trained on them (targets, at the model's times,
        where the files have them)."""
        statistics = {}
        for snapshot in snapshots:
            self.check(snapshot)
            index = self.nearest_temperature(snapshot.temperature, snapshot.source)
            statistics[snapshot.temperature] = (np.asarray(self.target_mean[index]), np.asarray(self.target_std[index]))
        return GlassDataset(
            [self.at_model_times(snapshot) for snapshot in snapshots],
            range(len(self.timescales)),
            self.positions,
            self.node_inputs,
            self.target,
            self.cutoff,
            np.asarray(self.node_attr_mean),
            np.asarray(self.node_attr_std),
            statistics,
            require_targets=False,
        )

    def times_at(self, temperature: float) -> np.ndarray:
        """The selected times of the trained temperature nearest ``temperature``."""
        return np.asarray(self.times[int(np.argmin(np.abs(np.asarray(self.temperatures) - temperature)))])
