"""GlassDataModule: a glass dataset on disk as train / val / test / predict loaders of graphs.

The files are read and checked in ``__init__`` (so that ``num_timescales``, ``num_types``,
``num_node_attr``, ``cutoff``, ``times`` and ``temperatures`` can be linked into the model by
LightningCLI); graphs are built once per split in ``setup`` and kept in memory. Splits are by
configuration file: seeded fractions stratified per temperature, or explicit file lists.
Node inputs are standardized with statistics of the training split only; so is the target,
per temperature and timescale (``standardize_targets``), and every graph carries the
``y_mean`` / ``y_std`` that map predictions back to propensities.
"""

from __future__ import annotations

import lightning.pytorch as pl
import numpy as np
import torch
from torch_geometric.loader import DataLoader

from glass_lightning.data.dataset import GlassDataset, node_attr_statistics, raw_node_attr, target_of, target_statistics
from glass_lightning.data.formats import file_format, find_files, read_snapshots, snapshot_files
from glass_lightning.data.graph import check_box_fits_cutoff
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.data.samplers import EpochShuffleSampler, UnpaddedShardSampler, global_seed
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.data.split import STAGES, split_by_files, split_by_fractions
from glass_lightning.errors import GlassDataError

SPLITS_OF_STAGE = {"fit": ("train", "val"), "validate": ("val",), "test": ("test",), "predict": ("test",), None: STAGES}


class GlassDataModule(pl.LightningDataModule):
    def __init__(
        self,
        paths: str | list[str],
        format: str = "native",
        temperatures: list[float] | None = None,
        timescales: str | list[int] = "all",
        positions: str = "thermal",
        node_inputs: list[str] | None = None,
        target: str = "propensity",
        cutoff: float = 2.0,
        batch_size: int = 1,
        val_fraction: float = 0.15,
        test_fraction: float = 0.15,
        split_seed: int = 0,
        train_files: list[str] | None = None,
        val_files: list[str] | None = None,
        test_files: list[str] | None = None,
        num_workers: int = 0,
        allow_pickle: bool = False,
        standardize_targets: bool = True,
    ):
        super().__init__()
        self.save_hyperparameters()
        if batch_size < 1 or num_workers < 0:
            raise GlassDataError(
                "<arguments>",
                "batch_size",
                f"expected batch_size >= 1 and num_workers >= 0, got {batch_size}, {num_workers}",
            )
        self.positions, self.target, self.cutoff = positions, target, float(cutoff)
        self.node_inputs = list(node_inputs or [])
        self.batch_size, self.num_workers = batch_size, num_workers
        self.standardize_targets = standardize_targets
        self.snapshots = read_snapshots(paths, format, allow_pickle, temperatures)
        self._check_requested_fields()
        self.temperatures = sorted({snapshot.temperature for snapshot in self.snapshots})
        self.timescales = self._resolve_timescales(timescales)
        self.num_timescales = len(self.timescales)
        self.num_types = int(max(snapshot.types.max() for snapshot in self.snapshots)) + 1
        self.num_node_attr = len(self.node_inputs)
        if any(files is not None for files in (train_files, val_files, test_files)):
            patterns = file_format(format).patterns
            listed = {
                stage: None if files is None else find_files(files, patterns)
                for stage, files in zip(STAGES, (train_files, val_files, test_files))
            }
            self._split = split_by_files([snapshot_files(snapshot) for snapshot in self.snapshots], listed)
        else:
            sources = [snapshot.source for snapshot in self.snapshots]
            self._split = split_by_fractions(
                sources, [s.temperature for s in self.snapshots], val_fraction, test_fraction, split_seed
            )
        self._datasets: dict[str, GlassDataset] = {}
        self._node_attr_statistics: tuple[np.ndarray, np.ndarray] | None = None
        self._target_statistics: dict[float, tuple[np.ndarray, np.ndarray]] | None = None

    def _resolve_timescales(self, timescales: str | list[int]) -> list[int]:
        """Indices into every temperature's time grid; also fills ``self.times``."""
        grids: dict[float, np.ndarray] = {}
        for snapshot in self.snapshots:
            times = snapshot.times if snapshot.times is not None else np.zeros(0)
            known = grids.setdefault(snapshot.temperature, times)
            if known.shape != times.shape or not np.allclose(known, times):
                raise GlassDataError(
                    snapshot.source,
                    "times",
                    f"expected the time grid {known.tolist()} of the other files at T={snapshot.temperature:g}, got {times.tolist()}",
                )
        sizes = {grid.size for grid in grids.values()}
        if timescales == "all":
            if len(sizes) != 1 or 0 in sizes:
                raise GlassDataError(
                    "<arguments>",
                    "timescales",
                    f"'all' needs the same, non-zero number of times at every temperature, got {sorted(sizes)}; list indices instead",
                )
            indices = list(range(sizes.pop()))
        elif isinstance(timescales, str):
            raise GlassDataError(
                "<arguments>", "timescales", f"expected 'all' or a list of indices, got {timescales!r}"
            )
        else:
            indices = [int(index) for index in timescales]
            if not indices or len(set(indices)) != len(indices) or min(indices) < 0 or max(indices) >= min(sizes):
                raise GlassDataError(
                    "<arguments>", "timescales", f"expected distinct indices in [0, {min(sizes)}), got {indices}"
                )
        self.times = {
            temperature: [float(grid[index]) for index in indices] for temperature, grid in sorted(grids.items())
        }
        return indices

    def _check_requested_fields(self) -> None:
        """Fail now, naming the file, rather than midway through building graphs."""
        for snapshot in self.snapshots:
            snapshot.positions_of(self.positions)
            target_of(snapshot, self.target)
            raw_node_attr(snapshot, self.node_inputs)
            check_box_fits_cutoff(snapshot.box, self.cutoff, snapshot.source)

    def sources(self, stage: str) -> list[str]:
        """The file (or BOTAN file pattern) of each ``Data.snapshot_index`` served for ``stage``."""
        return [snapshot.source for snapshot in self.split_snapshots(stage)]

    def split_snapshots(self, stage: str) -> list[Snapshot]:
        """The Snapshots served for ``stage`` ("train", "val", "test"; "predict" = test), in order."""
        split = "test" if stage == "predict" else stage
        if split not in STAGES:
            raise GlassDataError("<arguments>", "stage", f"expected one of {STAGES + ('predict',)}, got {stage!r}")
        return [self.snapshots[index] for index in self._split[split]]

    @property
    def node_attr_standardization(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and std (F,) that standardize the node inputs: the training split's."""
        if self._node_attr_statistics is None:
            self._node_attr_statistics = (
                node_attr_statistics(self.split_snapshots("train"), self.node_inputs)
                if self.num_node_attr
                else (np.zeros(0), np.ones(0))
            )
        return self._node_attr_statistics

    def standardize_node_inputs_as(
        self, node_inputs: list[str], mean: list[float], std: list[float], source: str
    ) -> None:
        """Standardize the node inputs with a trained network's statistics (its checkpoint's graph recipe, from
        ``source``) instead of this datamodule's training split, which an evaluation may not have."""
        if list(node_inputs) != self.node_inputs:
            raise GlassDataError(
                source,
                "node_inputs",
                f"the network was trained on the node inputs {list(node_inputs)}, the data serves {self.node_inputs}",
            )
        self._node_attr_statistics = (np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64))

    @property
    def target_standardization(self) -> dict[float, tuple[np.ndarray, np.ndarray]]:
        """Target mean and std (T,) per temperature (the training split's; see ``_standardization``),
        or the identity when ``standardize_targets`` is off."""
        if self._target_statistics is None:
            self._target_statistics = (
                self._standardization()
                if self.standardize_targets
                else {t: (np.zeros(self.num_timescales), np.ones(self.num_timescales)) for t in self.temperatures}
            )
        return self._target_statistics

    @property
    def graph_recipe(self) -> GraphRecipe:
        """How this datamodule builds graphs: what a checkpoint needs to predict on new files."""
        return GraphRecipe.of_datamodule(self)

    def setup(self, stage: str | None = None) -> None:
        mean, std = self.node_attr_standardization
        for split in SPLITS_OF_STAGE[stage]:
            if split not in self._datasets:
                self._datasets[split] = GlassDataset(
                    self.split_snapshots(split),
                    self.timescales,
                    self.positions,
                    self.node_inputs,
                    self.target,
                    self.cutoff,
                    mean,
                    std,
                    self.target_standardization,
                )
        if stage == "fit" and not self._datasets["train"]:
            raise GlassDataError("<split>", "train_files", "the training split is empty")

    def dataset(self, split: str) -> GlassDataset:
        """The graphs of a split ("train", "val", "test") after ``setup``."""
        if split not in self._datasets:
            raise RuntimeError(f"call setup() before asking for the {split} graphs")
        return self._datasets[split]

    def _standardization(self) -> dict[float, tuple[np.ndarray, np.ndarray]]:
        """Target mean and std per (temperature, timescale) from the training split; a temperature
        with no training configuration (a held-out temperature) uses its own files' statistics,
        an affine map per temperature that leaves its Pearson correlations unchanged."""
        statistics = target_statistics(self.split_snapshots("train"), self.timescales, self.target)
        held_out = [snapshot for snapshot in self.snapshots if snapshot.temperature not in statistics]
        return statistics | target_statistics(held_out, self.timescales, self.target)

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        """Training shuffles by (seed, epoch); evaluation covers the split exactly once over
        all processes (see ``data/samplers.py``)."""
        dataset = self.dataset(split)
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            sampler=EpochShuffleSampler(dataset, global_seed()) if shuffle else UnpaddedShardSampler(dataset),
            num_workers=self.num_workers,
            pin_memory=torch.cuda.is_available(),
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)

    def predict_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
