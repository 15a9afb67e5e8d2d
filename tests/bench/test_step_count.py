"""The analytic count of the recipe's step: a tiny case by hand, torch's FLOP counter, and the floor."""

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from torch_geometric.data import Data

from glass_lightning.bench.floor import Floor, MachineRates, floor
from glass_lightning.bench.step_count import StepCount, step_counts
from glass_lightning.bench.workload import Workload, benchmark_network
from glass_lightning.data.graph import periodic_edges
from glass_lightning.models.se3 import SE3Net


def test_a_tiny_network_counted_by_hand():
    network = SE3Net(
        1, 1.2, l_max=0, channels=1, num_layers=1, n_basis=2, radial_hidden=3, readout="invariants",
        readout_width=2, coarse_graining=1, decoder_hidden=2,
    )  # fmt: skip
    counts = step_counts(network, num_nodes=10, num_edges=20)
    # multiply-adds per edge: radial 2x3 (weights' gradient only) and 3x1, sums 1 channel x 2 scalars x 1 component
    # (radial's gradient only); per node: contraction 2, linear out 1, self-connection 2 (weights only), MLPs
    # 3x2 + 2x2 (read-out), 4x2 + 2x2 (coarse-graining), 2x2 + 2x2 (decoder); the average (20 + 10) x 2 (features only)
    assert counts["inference"].flops == 2 * (20 * (6 + 3 + 2) + 10 * (2 + 1 + 2 + 30) + 60)
    assert counts["training"].flops == 2 * (
        20 * (6 * 2 + 3 * 3 + 2 * 2) + 10 * (2 * 3 + 1 * 3 + 2 * 2 + 30 * 3) + 60 * 2
    )
    # floats per edge: vector 3, length 1, basis 2, harmonics 1, scalars x harmonics 2, (no gradient); radial hidden
    # 2 x 3, radial functions 1; averaging matrix 20 + 10; per node: sums 2, layer's sums 1, gate inputs 1, gated and
    # normalized 2, invariants 2 x 3, read-out 3 x 2, coarse-graining 7 x 2, decoder 2 + 2 + 2 + 1
    fixed, learned = 20 * 9 + 30, 20 * 7 + 10 * (2 + 1 + 1 + 2 + 6 + 6 + 14 + 7)
    assert counts["inference"].bytes == 4 * 2 * (fixed + learned)
    assert counts["training"].bytes == 4 * (3 * fixed + 5 * learned)


def simple_cubic_graph(side: int, cutoff: float, num_outputs: int) -> Data:
    """Every particle has 6 neighbours: the per-centre layout has no padding, so torch counts E edges too."""
    grid = np.stack(np.meshgrid(*[np.arange(side)] * 3, indexing="ij"), axis=-1).reshape(-1, 3).astype(float)
    edge_index, edge_vec = periodic_edges(grid, np.full(3, float(side)), cutoff)
    generator = torch.Generator().manual_seed(0)
    return Data(
        node_type=torch.randint(0, 2, (len(grid),), generator=generator),
        edge_index=torch.tensor(edge_index),
        edge_vec=torch.tensor(edge_vec),
        y=torch.randn(len(grid), num_outputs, generator=generator),
        num_nodes=len(grid),
    )


@pytest.mark.parametrize("coarse_graining", [0, 2])
def test_the_products_are_those_torch_counts(coarse_graining):
    """torch leaves the sparse average out of the forward pass and counts it as a dense N x N product in the backward:
    the training step is checked without it."""
    workload = Workload(cutoff=1.2, l_max=2, channels=4, num_layers=1, num_outputs=3, readout="invariants")
    network = benchmark_network(Workload(**{**workload.as_dict(), "coarse_graining": coarse_graining}), "ours")
    graph = simple_cubic_graph(5, 1.2, 3)
    counts = step_counts(network, graph.num_nodes, graph.num_edges)
    sparse_flops = 2 * coarse_graining * (graph.num_edges + graph.num_nodes) * network.num_invariant_features
    with FlopCounterMode(display=False) as forward:
        network(graph)
    assert forward.get_total_flops() == counts["inference"].flops - sparse_flops
    if coarse_graining == 0:
        with FlopCounterMode(display=False) as training:
            torch.nn.functional.mse_loss(network(graph), graph.y).backward()
        assert training.get_total_flops() == counts["training"].flops


def test_the_floor_is_the_slower_of_compute_and_memory():
    rates = MachineRates(flops_per_s=1e11, bytes_per_s=1e10, threads=1)
    assert floor(StepCount(flops=10**10, bytes=2 * 10**9), rates) == Floor(0.2, "memory")
    assert floor(StepCount(flops=5 * 10**10, bytes=10**9), rates) == Floor(0.5, "FLOPs")
