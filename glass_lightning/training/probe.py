"""Ridge probes on a network's frozen invariant features, which ``glass-lightning probe`` (probe_command.py) runs:
is it the representation or the training? The features, the ridge fit, the scores and the table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

from glass_lightning.data.snapshot import type_name
from glass_lightning.errors import GlassDataError
from glass_lightning.models.coarse_graining import averaging_matrix, coarse_grain
from glass_lightning.models.inputs import model_edges
from glass_lightning.training.metrics import per_configuration_pearson, standardize_per_group

FEATURE_SETS = {"first layer": "first_layer_invariants", "last layer": "invariant_features"}


def with_coarse_grained(features: Tensor, graph, cutoff: float) -> Tensor:
    """(N, F) features followed by their coarse-grained average over the neighbours within ``cutoff``."""
    edge_index, _, distance = model_edges(graph, cutoff)
    average = averaging_matrix(edge_index, distance.to(features.dtype), cutoff, len(features))
    return torch.cat([features, coarse_grain(features, average)], dim=1)


def fit_ridge(features: Tensor, target: Tensor, penalty: float) -> tuple[Tensor, Tensor, Tensor]:
    """Ridge on standardized features with an intercept; returns (mean, std, weights (F + 1, T))."""
    mean, std = features.mean(0), features.std(0).clamp_min(1e-8)
    design = torch.cat([(features - mean) / std, torch.ones(len(features), 1, dtype=features.dtype)], dim=1)
    regularizer = penalty * len(features) * torch.eye(design.shape[1], dtype=features.dtype)
    regularizer[-1, -1] = 0  # the intercept is not penalized
    return mean, std, torch.linalg.solve(design.T @ design + regularizer, design.T @ target)


def ridge_probe(train: Sequence, val: Sequence, features_of: Callable, num_types: int, penalty: float) -> np.ndarray:
    """(num_types, T) validation Pearson per configuration, averaged, of one ridge per type fitted
    on ``features_of(graph)`` of the ``train`` graphs."""
    train_features = [features_of(graph).double() for graph in train]
    train_targets = [standardize_per_group(graph.y.double(), graph.node_type) for graph in train]
    scores = []
    for label in range(num_types):
        rows = torch.cat([features[graph.node_type == label] for features, graph in zip(train_features, train)])
        targets = torch.cat([target[graph.node_type == label] for target, graph in zip(train_targets, train)])
        mean, std, weights = fit_ridge(rows, targets, penalty)
        correlations = []
        for graph in val:
            features = features_of(graph).double()
            prediction = (
                torch.cat([(features - mean) / std, torch.ones(len(features), 1, dtype=features.dtype)], dim=1)
                @ weights
            )
            batch = torch.zeros_like(graph.node_type)
            correlation, valid = per_configuration_pearson(
                prediction, graph.y.double(), graph.node_type, batch, 1, num_types
            )
            correlations.append(torch.where(valid[0, label], correlation[0, label], torch.nan))
        scores.append(torch.stack(correlations).nanmean(0).numpy())
    return np.stack(scores)


def probe(
    network: torch.nn.Module, train: Sequence, val: Sequence, num_types: int, penalty: float
) -> dict[str, np.ndarray]:
    """Feature set name -> (num_types, T) validation Pearson of its ridge probe."""
    available = {name: method for name, method in FEATURE_SETS.items() if hasattr(network, method)}
    if not available:
        raise GlassDataError(
            "<model>", "class_path", f"{type(network).__name__} has none of {sorted(FEATURE_SETS.values())} to probe"
        )
    results = {}
    network.eval()
    with torch.no_grad():
        for name, method in available.items():
            cache: dict[int, Tensor] = {}

            def features_of(graph, method=method, cache=cache):
                key = id(graph)
                if key not in cache:
                    cache[key] = getattr(network, method)(graph)
                return cache[key]

            results[name] = ridge_probe(train, val, features_of, num_types, penalty)
            results[f"{name} + coarse-grained"] = ridge_probe(
                train,
                val,
                lambda graph: with_coarse_grained(features_of(graph), graph, network.cutoff),
                num_types,
                penalty,
            )
    return results


def energy_baseline(
    snapshots: Sequence, graphs: Sequence, num_types: int, field: str = "potential_energy"
) -> np.ndarray | None:
    """(num_types, T) Pearson per configuration, averaged, of a per-particle energy (``field``: the
    thermal ``potential_energy`` or the ``inherent_potential_energy``) with the target, or None when a
    file has none."""
    if any(getattr(snapshot, field) is None for snapshot in snapshots):
        return None
    total = np.zeros((num_types, graphs[0].y.shape[1]))
    count = np.zeros_like(total)
    for snapshot, graph in zip(snapshots, graphs):
        energy = torch.as_tensor(getattr(snapshot, field), dtype=torch.float64)[:, None].expand_as(graph.y)
        correlation, valid = per_configuration_pearson(
            energy, graph.y.double(), graph.node_type, torch.zeros_like(graph.node_type), 1, num_types
        )
        total += np.where(valid[0].numpy(), correlation[0].numpy(), 0.0)
        count += valid[0].numpy()
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def render(results: dict[str, np.ndarray]) -> str:
    num_types, num_times = next(iter(results.values())).shape
    header = "".join(f"{type_name(label)}_t{k:<6}" for label in range(num_types) for k in range(num_times))
    lines = ["Ridge probe, validation Pearson per configuration (mean)", f"{'features':<34}{header}"]
    for name, scores in results.items():
        lines.append(f"{name:<34}" + "".join(f"{value:<9.3f}" for value in scores.reshape(-1)))
    return "\n".join(lines)
