"""Snapshots as torch_geometric graphs: one ``Data`` per configuration, built once and kept in memory.

Every ``Data`` carries (the shared contract every model codes against):
    pos (N, 3) float32           positions of the configured kind (thermal | inherent | cage)
    node_type (N,) int64         species label, 0 = A, 1 = B
    node_attr (N, F) float32     extra per-particle scalars, standardized (F may be 0)
    edge_index (2, E) int64      (neighbour j, centre i) within the data cutoff
    edge_vec (E, 3) float32      r_j - r_i, minimum image
    y (N, T) float32             the target at the T selected timescales, standardized per
                                 temperature and timescale when target statistics are given
    y_mean, y_std (1, T) float32 the standardization: raw target = y * y_std + y_mean
    temperature (1,) float32     snapshot_index (1,) int64: position in this dataset
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import Dataset
from torch_geometric.data import Data

from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.progress import progress_bar
from glass_lightning.simulate.kob_andersen import per_particle_energy

TARGETS = ("propensity", "bond_breaking", "mean_squared_displacement")
NODE_INPUTS = ("potential_energy", "inherent_potential_energy", "temperature", "inherent_displacement")
PROGRESS_BAR_FROM = 20  # snapshots; fewer are turned into graphs without a progress bar


def target_of(snapshot: Snapshot, target: str) -> np.ndarray:
    """The (n_times, N) target array of a snapshot, or a clear error if the file has none."""
    if target not in TARGETS:
        raise GlassDataError("<arguments>", "target", f"expected one of {TARGETS}, got {target!r}")
    value = getattr(snapshot, target)
    if value is None:
        raise GlassDataError(snapshot.source, target, f"the target '{target}' was requested but this file has none")
    return value


def inherent_displacement(snapshot: Snapshot) -> np.ndarray | None:
    """|r - r_IS| of every particle (minimum image): how far the quench moved it; None without both positions."""
    if snapshot.inherent_positions is None:
        return None
    delta = snapshot.positions - snapshot.inherent_positions
    delta -= snapshot.box * np.round(delta / snapshot.box)
    return np.linalg.norm(delta, axis=1)


ENERGY_POSITIONS = {"potential_energy": "thermal", "inherent_potential_energy": "inherent"}


def particle_energy(snapshot: Snapshot, name: str) -> np.ndarray | None:
    """The per-particle potential energy ``name`` of the file, or, where it has none, computed with the
    Kob–Andersen potential from the positions it belongs to (None without them: quench first)."""
    value, kind = getattr(snapshot, name), ENERGY_POSITIONS[name]
    if value is None and (kind == "thermal" or snapshot.inherent_positions is not None):
        value = per_particle_energy(snapshot.positions_of(kind), snapshot.types, snapshot.box)
    return value


def raw_node_attr(snapshot: Snapshot, node_inputs: Sequence[str]) -> np.ndarray:
    """The (N, F) unstandardized extra node inputs of a snapshot (``temperature``: the snapshot's
    temperature on every particle, for one model over several temperatures; ``inherent_displacement``:
    the distance from each thermal position to its inherent one; the two energies: the file's, else
    computed from the positions, :func:`particle_energy`)."""
    columns = []
    for name in node_inputs:
        if name not in NODE_INPUTS:
            raise GlassDataError("<arguments>", "node_inputs", f"expected names from {NODE_INPUTS}, got {name!r}")
        if name == "temperature":
            value = np.full(snapshot.num_particles, snapshot.temperature)
        elif name == "inherent_displacement":
            value = inherent_displacement(snapshot)
        else:
            value = particle_energy(snapshot, name)
        if value is None:
            raise GlassDataError(snapshot.source, name, f"the node input '{name}' was requested but this file has none")
        columns.append(value)
    return np.stack(columns, axis=1) if columns else np.zeros((snapshot.num_particles, 0))


def node_attr_statistics(snapshots: Sequence[Snapshot], node_inputs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (F,) of the node inputs over ``snapshots`` (the training split)."""
    if not snapshots:
        raise GlassDataError("<split>", "train", "node-input statistics need at least one training configuration")
    values = np.concatenate([raw_node_attr(snapshot, node_inputs) for snapshot in snapshots])
    std = values.std(axis=0)
    for name, spread in zip(node_inputs, std):
        if not spread > 0:
            raise GlassDataError(
                "<split>",
                "node_inputs",
                f"the node input {name!r} is constant over the training split, so it cannot be "
                "standardized and teaches nothing (for 'temperature': train on at least two temperatures)",
            )
    return values.mean(axis=0), std


def target_statistics(
    snapshots: Sequence[Snapshot], timescales: Sequence[int], target: str
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Per temperature, the mean and standard deviation (T,) of the target at ``timescales`` over
    every particle of ``snapshots``.

    Propensities grow with time and temperature; standardizing each (temperature, timescale)
    leaves the models the particle-to-particle fluctuations, which are what Pearson measures,
    and makes correlations pooled over several temperatures meaningful.
    """
    values: dict[float, list[np.ndarray]] = {}
    for snapshot in snapshots:
        values.setdefault(snapshot.temperature, []).append(target_of(snapshot, target)[list(timescales)])
    statistics = {}
    for temperature, arrays in values.items():
        joined = np.concatenate(arrays, axis=1)
        statistics[temperature] = (joined.mean(axis=1), np.maximum(joined.std(axis=1), 1e-12))
    return statistics


class GlassGraph(Data):
    """A ``Data`` whose ``snapshot_index`` stays the snapshot's position when batched
    (torch_geometric would otherwise offset every ``*index*`` attribute by the node count)."""

    def __inc__(self, key: str, value, *args, **kwargs):
        return 0 if key == "snapshot_index" else super().__inc__(key, value, *args, **kwargs)


class GlassDataset(Dataset):
    """Graphs of ``snapshots`` at ``cutoff`` with the target at the ``timescales`` indices.

    ``node_attr_mean`` / ``node_attr_std`` standardize the node inputs; pass the training
    split's (see :func:`node_attr_statistics`); without them this dataset's own are used.
    ``target_mean_std`` (see :func:`target_statistics`) standardizes the target per temperature
    and timescale; every temperature served must be in it. Without it the target is served raw.
    With ``require_targets=False`` a snapshot without the target gives a graph without ``y``
    (prediction on new configurations).
    """

    def __init__(
        self,
        snapshots: Sequence[Snapshot],
        timescales: Sequence[int],
        positions: str = "thermal",
        node_inputs: Sequence[str] = (),
        target: str = "propensity",
        cutoff: float = 2.0,
        node_attr_mean: np.ndarray | None = None,
        node_attr_std: np.ndarray | None = None,
        target_mean_std: dict[float, tuple[np.ndarray, np.ndarray]] | None = None,
        require_targets: bool = True,
    ):
        if node_attr_mean is None or node_attr_std is None:
            node_attr_mean, node_attr_std = node_attr_statistics(snapshots, node_inputs)
        self.sources = [snapshot.source for snapshot in snapshots]
        progress = progress_bar(
            snapshots, show=len(snapshots) >= PROGRESS_BAR_FROM, desc="building graphs", unit="config", leave=False
        )
        self.graphs = [
            self._graph(
                index,
                snapshot,
                list(timescales),
                positions,
                node_inputs,
                target,
                cutoff,
                node_attr_mean,
                node_attr_std,
                target_mean_std,
                require_targets,
            )
            for index, snapshot in enumerate(progress)
        ]

    @staticmethod
    def _graph(
        index, snapshot, timescales, positions, node_inputs, target, cutoff, mean, std, target_mean_std, require_targets
    ) -> GlassGraph:
        pos = snapshot.positions_of(positions)
        has_target = require_targets or getattr(snapshot, target, None) is not None
        raw_target = target_of(snapshot, target)[timescales].T if has_target else None
        if target_mean_std is None:
            y_mean, y_std = np.zeros(len(timescales)), np.ones(len(timescales))
        elif snapshot.temperature not in target_mean_std:
            raise GlassDataError(
                snapshot.source,
                "temperature",
                f"no target statistics for T={snapshot.temperature:g}; have {sorted(target_mean_std)}",
            )
        else:
            y_mean, y_std = target_mean_std[snapshot.temperature]
        edge_index, edge_vec = periodic_edges(pos, snapshot.box, cutoff, snapshot.source)
        node_attr = (raw_node_attr(snapshot, node_inputs) - mean) / std
        graph = GlassGraph(
            pos=torch.as_tensor(pos, dtype=torch.float32),
            node_type=torch.as_tensor(snapshot.types, dtype=torch.int64),
            node_attr=torch.as_tensor(node_attr, dtype=torch.float32),
            edge_index=torch.as_tensor(edge_index, dtype=torch.int64),
            edge_vec=torch.as_tensor(edge_vec, dtype=torch.float32),
            y_mean=torch.as_tensor(y_mean, dtype=torch.float32)[None, :],
            y_std=torch.as_tensor(y_std, dtype=torch.float32)[None, :],
            temperature=torch.tensor([snapshot.temperature], dtype=torch.float32),
            snapshot_index=torch.tensor([index], dtype=torch.int64),
            num_nodes=snapshot.num_particles,
        )
        if raw_target is not None:
            graph.y = torch.as_tensor((raw_target - y_mean) / y_std, dtype=torch.float32)
        return graph

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> GlassGraph:
        return self.graphs[index]
