"""The data path: neighbour-graph building per snapshot and DataLoader throughput.

Graphs are built once when a dataset is made (vesin neighbour lists) and kept in memory, so an
epoch only collates cached graphs; the loader figure says whether a training step ever waits
on data (compare its seconds per snapshot with the training step's).
"""

from __future__ import annotations

import statistics
import time

from torch_geometric.loader import DataLoader

from glass_lightning.bench.workload import Workload
from glass_lightning.data.dataset import GlassDataset
from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.synthetic import synthetic_snapshot


def graph_building(workload: Workload, snapshots: int) -> dict:
    """Median seconds of one vesin neighbour list, and of one snapshot -> graph conversion."""
    configurations = [
        synthetic_snapshot(workload.num_particles, workload.density, num_times=workload.num_outputs, seed=s)
        for s in range(snapshots)
    ]
    neighbour_lists = []
    for snapshot in configurations:
        start = time.perf_counter()
        periodic_edges(snapshot.positions, snapshot.box, workload.cutoff)
        neighbour_lists.append(time.perf_counter() - start)
    start = time.perf_counter()
    dataset = GlassDataset(configurations, list(range(workload.num_outputs)), cutoff=workload.cutoff)
    per_graph = (time.perf_counter() - start) / snapshots
    return {"neighbour_list_s": statistics.median(neighbour_lists), "graph_s": per_graph, "dataset": dataset}


def loader_throughput(dataset: GlassDataset, epochs: int, num_workers: int = 0, batch_size: int = 1) -> float:
    """Snapshots per second served by a shuffled torch_geometric DataLoader over cached graphs."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=num_workers)
    start = time.perf_counter()
    served = sum(batch.num_graphs for _ in range(epochs) for batch in loader)
    return served / (time.perf_counter() - start)
