"""Test a trained model at every temperature of the dataset, seen or not, from its checkpoint alone
(the graph recipe stored in it, as ``glass-lightning predict`` reads it), scored per temperature by
the function that scores a test split after fit (``training.metrics.pearson_by_group``).

The test configurations of a temperature are the same whichever temperatures a fit trained on
(splits are drawn per temperature). A model's output channels are the times of its training
temperature(s); at a temperature T it never saw, target time t is compared with the channel of
the nearest training temperature whose time is closest to t in units of tau_alpha (log scale),
so "at tau_alpha" means at each temperature's own tau_alpha (both read from the test files). Pearson correlations are computed
on raw propensities (they are unchanged by the per-temperature standardization), pooled over
the temperature's test particles and as the mean over its configurations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch_geometric.data import Batch

from glass_lightning.data.dataset import GlassDataset, raw_node_attr, target_of
from glass_lightning.data.snapshot import Snapshot, same_temperature, tau_alpha
from glass_lightning.training.metrics import pearson_by_group
from glass_lightning.training.predict import load_predictor


@dataclass
class TemperatureScore:
    """Test Pearson correlations at one temperature: (num_types, num_times) each, NaN where undefined."""

    times: list[float]
    tau_alpha: float | None
    pooled: np.ndarray
    per_configuration: np.ndarray
    channels: list[int]  # the model output compared with each time

    def as_record(self) -> dict:
        return asdict(self) | {"pooled": self.pooled.tolist(), "per_configuration": self.per_configuration.tolist()}


def matching_channels(model_times: list[float], model_tau: float | None, times: list, tau: float | None) -> list[int]:
    """For each of ``times``, the model channel closest in log(t / tau_alpha) (log t when a tau is unknown)."""
    model_scale, scale = (model_tau, tau) if model_tau and tau else (1.0, 1.0)
    model_log = np.log(np.asarray(model_times) / model_scale)
    return [int(np.argmin(np.abs(model_log - np.log(time / scale)))) for time in times]


def score(
    predictions: list[np.ndarray], targets: list[np.ndarray], types: list[np.ndarray], num_types: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pooled and per-configuration Pearson (num_types, T) of per-configuration (N, T) arrays."""
    graph = torch.cat([torch.full((len(values),), index, dtype=torch.int64) for index, values in enumerate(types)])
    pooled, per_configuration = pearson_by_group(
        torch.as_tensor(np.concatenate(predictions), dtype=torch.float64),
        torch.as_tensor(np.concatenate(targets), dtype=torch.float64),
        torch.as_tensor(np.concatenate(types), dtype=torch.int64),
        graph,
        torch.zeros(len(types), dtype=torch.int64),  # one group: these configurations
        1,
        num_types,
    )
    return pooled[0].numpy(), per_configuration[0].numpy()


def temperature_score(
    snapshots: list[Snapshot], predictions: list[np.ndarray], target: str, num_types: int, channels: list[int]
) -> TemperatureScore:
    """The score of per-configuration ``predictions`` (N, T) at the times of ``snapshots`` (one temperature)."""
    targets = [target_of(snapshot, target).T for snapshot in snapshots]
    pooled, per_configuration = score(predictions, targets, [snapshot.types for snapshot in snapshots], num_types)
    times = [float(time) for time in snapshots[0].times]
    return TemperatureScore(times, tau_alpha(snapshots), pooled, per_configuration, channels)


@torch.no_grad()
def evaluate(checkpoint: str, test_snapshots: dict[float, list[Snapshot]]) -> dict[float, TemperatureScore]:
    """Score the network of ``checkpoint`` on ``test_snapshots`` per temperature, from the checkpoint alone:
    its graphs built with the recipe stored in it, as ``glass-lightning predict`` builds them."""
    module, recipe = load_predictor(checkpoint)
    mean, std = np.asarray(recipe.node_attr_mean), np.asarray(recipe.node_attr_std)
    scores = {}
    for temperature, snapshots in sorted(test_snapshots.items()):
        timescales = list(range(len(snapshots[0].times)))
        graphs = GlassDataset(
            snapshots, timescales, recipe.positions, recipe.node_inputs, recipe.target, recipe.cutoff, mean, std
        )
        reference = min(recipe.temperatures, key=lambda value: abs(value - temperature))
        model_tau = tau_alpha(
            next((group for key, group in test_snapshots.items() if same_temperature(key, reference)), [])
        )
        channels = matching_channels(
            recipe.times_at(reference), model_tau, list(snapshots[0].times), tau_alpha(snapshots)
        )
        predictions = [module(Batch.from_data_list([graph])).double().numpy()[:, channels] for graph in graphs]
        scores[temperature] = temperature_score(snapshots, predictions, recipe.target, recipe.num_types, channels)
    return scores


def score_node_input(
    name: str, target: str, test_snapshots: dict[float, list[Snapshot]], num_types: int
) -> dict[float, TemperatureScore]:
    """The Pearson correlation of a per-particle input (e.g. the inherent-structure energy) with the
    target at every time: the simplest structural predictor, with no learning."""
    scores = {}
    for temperature, snapshots in sorted(test_snapshots.items()):
        channels = list(range(len(snapshots[0].times)))
        predictions = [np.repeat(raw_node_attr(snapshot, [name]), len(channels), axis=1) for snapshot in snapshots]
        scores[temperature] = temperature_score(snapshots, predictions, target, num_types, channels)
    return scores
