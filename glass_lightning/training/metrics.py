"""Pearson correlations between predicted and true propensities, per particle type.

Two conventions are used in the literature and both are computed here:

* **pooled**: one correlation over every particle of a type in the whole split
  (torchmetrics ``PearsonCorrCoef``, one output per timescale);
* **per configuration**: the correlation inside each snapshot, averaged over snapshots
  (GlassBench's convention).

A type absent from a batch (or masked out) is simply not updated, so it never turns the
accumulated statistics into NaN; a type never seen in the split is reported as missing
(``None``) rather than NaN.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn
from torchmetrics import Metric
from torchmetrics.regression import PearsonCorrCoef

from glass_lightning.data.snapshot import temperature_key


def particles_seen_by_all_processes(metric: PearsonCorrCoef) -> int:
    """The number of particles a Pearson metric was updated with, summed over processes, so that
    every process takes the same decision (computing a metric synchronizes all processes)."""
    count = metric.n_total.detach().reshape(-1)[:1].clone()
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(count)
    return int(count.item())


class PooledPearsonByType(nn.Module):
    """One ``PearsonCorrCoef(num_outputs=num_timescales)`` per particle type."""

    def __init__(self, num_types: int, num_timescales: int):
        super().__init__()
        self.num_timescales = num_timescales
        self.by_type = nn.ModuleList(PearsonCorrCoef(num_outputs=num_timescales) for _ in range(num_types))

    def update(self, prediction: Tensor, target: Tensor, node_type: Tensor) -> None:
        for label, metric in enumerate(self.by_type):
            mask = node_type == label
            if bool(mask.any()):
                selected_prediction, selected_target = prediction[mask].float(), target[mask].float()
                if self.num_timescales == 1:
                    selected_prediction, selected_target = selected_prediction[:, 0], selected_target[:, 0]
                metric.update(selected_prediction, selected_target)

    def compute(self) -> dict[int, Tensor | None]:
        """Type label -> (num_timescales,) correlations over all processes, or None when no
        process saw a particle of the type. Every process must call it (it synchronizes)."""
        return {
            label: metric.compute().reshape(-1) if particles_seen_by_all_processes(metric) > 0 else None
            for label, metric in enumerate(self.by_type)
        }

    def reset(self) -> None:
        for metric in self.by_type:
            metric.reset()


def standardize_per_group(values: Tensor, group: Tensor) -> Tensor:
    """(N, T) values shifted and scaled to zero mean and unit variance within each group (N,) of rows;
    a group of one row, or of constant values, becomes zeros."""
    num_groups = int(group.max()) + 1 if group.numel() else 0
    count = torch.bincount(group, minlength=num_groups).to(values.dtype)[:, None]

    def group_mean(rows: Tensor) -> Tensor:
        return torch.zeros(num_groups, rows.shape[1], dtype=rows.dtype, device=rows.device).index_add_(
            0, group, rows
        ) / count.clamp(min=1)

    deviation = values - group_mean(values)[group]
    spread = group_mean(deviation**2).sqrt()[group]
    return torch.where(
        spread > 0, deviation / spread.clamp(min=torch.finfo(values.dtype).tiny), torch.zeros_like(deviation)
    )


def per_configuration_pearson(
    prediction: Tensor, target: Tensor, node_type: Tensor, batch: Tensor, num_graphs: int, num_types: int
) -> tuple[Tensor, Tensor]:
    """Pearson correlation inside every (configuration, type) group.

    Returns ``correlation`` (num_graphs, num_types, T) and ``valid`` (same shape, bool): a group
    is valid when it has at least two particles and non-zero variance in both inputs.
    """
    prediction, target = prediction.double(), target.double()
    group = batch * num_types + node_type
    num_groups = num_graphs * num_types
    count = torch.bincount(group, minlength=num_groups).to(prediction.dtype)[:, None]

    def group_sum(values: Tensor) -> Tensor:
        return torch.zeros(num_groups, values.shape[1], dtype=values.dtype, device=values.device).index_add_(
            0, group, values
        )

    safe_count = count.clamp(min=1)
    prediction_deviation = prediction - (group_sum(prediction) / safe_count)[group]
    target_deviation = target - (group_sum(target) / safe_count)[group]
    covariance = group_sum(prediction_deviation * target_deviation)
    prediction_variance = group_sum(prediction_deviation**2)
    target_variance = group_sum(target_deviation**2)
    valid = (count >= 2) & (prediction_variance > 0) & (target_variance > 0)
    correlation = torch.where(valid, covariance / (prediction_variance * target_variance).clamp(min=1e-300).sqrt(), 0.0)
    shape = (num_graphs, num_types, prediction.shape[1])
    return correlation.reshape(shape), valid.reshape(shape)


def pearson_by_group(
    prediction: Tensor,
    target: Tensor,
    node_type: Tensor,
    graph: Tensor,
    group_of_graph: Tensor,
    num_groups: int,
    num_types: int,
) -> tuple[Tensor, Tensor]:
    """Both conventions for groups of configurations (e.g. one group per temperature).

    ``graph`` (N,) is each particle's configuration, ``group_of_graph`` (num_graphs,) each
    configuration's group. Returns ``pooled`` (over the group's particles) and ``per_configuration``
    (the mean over the group's configurations), each (num_groups, num_types, T), NaN where undefined.
    """
    pooled, pooled_valid = per_configuration_pearson(
        prediction, target, node_type, group_of_graph[graph], num_groups, num_types
    )
    per_graph, per_graph_valid = per_configuration_pearson(
        prediction, target, node_type, graph, len(group_of_graph), num_types
    )
    total = torch.zeros_like(pooled).index_add_(0, group_of_graph, per_graph)  # invalid groups hold 0
    count = torch.zeros_like(pooled).index_add_(0, group_of_graph, per_graph_valid.to(pooled.dtype))
    return torch.where(pooled_valid, pooled, torch.nan), torch.where(count > 0, total / count.clamp(min=1), torch.nan)


def pearson_per_temperature(
    prediction: Tensor, target: Tensor, node_type: Tensor, graph: Tensor, temperature_of_graph: Tensor, num_types: int
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Temperature (rounded to 1e-6, ascending) -> pooled and per-configuration Pearson (num_types, T) of
    the configurations at that temperature: how a test split is scored (the experiments score one temperature at
    a time with ``pearson_by_group``, as its own group)."""
    rounded = [temperature_key(value) for value in temperature_of_graph]
    temperatures = sorted(set(rounded))
    group = torch.tensor([temperatures.index(value) for value in rounded], dtype=torch.int64)
    pooled, per_configuration = pearson_by_group(
        prediction, target, node_type, graph, group, len(temperatures), num_types
    )
    return {value: (pooled[i].numpy(), per_configuration[i].numpy()) for i, value in enumerate(temperatures)}


class PerConfigurationPearson(Metric):
    """Mean over configurations of the per-configuration Pearson correlation, per type and timescale."""

    full_state_update = False

    def __init__(self, num_types: int, num_timescales: int, **kwargs):
        super().__init__(**kwargs)
        self.num_types = num_types
        self.add_state(
            "total", default=torch.zeros(num_types, num_timescales, dtype=torch.float64), dist_reduce_fx="sum"
        )
        self.add_state(
            "count", default=torch.zeros(num_types, num_timescales, dtype=torch.float64), dist_reduce_fx="sum"
        )

    def update(self, prediction: Tensor, target: Tensor, node_type: Tensor, batch: Tensor, num_graphs: int) -> None:
        correlation, valid = per_configuration_pearson(prediction, target, node_type, batch, num_graphs, self.num_types)
        self.total += correlation.sum(dim=0)
        self.count += valid.sum(dim=0)

    def compute(self) -> dict[int, Tensor | None]:
        """Type label -> (num_timescales,) mean correlations, or None when no configuration had that type."""
        return {
            label: (self.total[label] / self.count[label]).float() if bool((self.count[label] > 0).all()) else None
            for label in range(self.num_types)
        }
