"""The benchmark's workload: one synthetic KA-like snapshot and the networks that process it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.bench.references import REFERENCES, ReferenceNetwork
from glass_lightning.data.dataset import GlassDataset
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.models.se3 import SE3Net
from glass_lightning.simulate import kob_andersen

IMPLEMENTATIONS = ("ours", *REFERENCES)
LABELS = {
    "ours": "SE3Net (ours)",
    "uvu": "(b) e3nn TensorProduct uvu, eager (NequIP-style)",
    "fully_connected": "(a) e3nn FullyConnectedTensorProduct, per-edge weights",
}


@dataclass(frozen=True)
class Workload:
    num_particles: int = 4096
    density: float = kob_andersen.DENSITY
    cutoff: float = 2.0
    l_max: int = 3
    channels: int = 16
    num_layers: int = 4
    num_outputs: int = 4
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def smaller(self, num_particles: int) -> "Workload":
        return Workload(**{**self.as_dict(), "num_particles": num_particles})


def benchmark_graph(workload: Workload) -> Data:
    """The snapshot as the dataset serves it (float32, edges at the cutoff)."""
    snapshot = synthetic_snapshot(num_particles=workload.num_particles, density=workload.density, num_times=workload.num_outputs, seed=workload.seed)
    return GlassDataset([snapshot], list(range(workload.num_outputs)), cutoff=workload.cutoff)[0]


def benchmark_network(workload: Workload, implementation: str) -> nn.Module:
    """SE3Net with seeded weights, or a reference network with the very same weights."""
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {implementation!r}; expected one of {IMPLEMENTATIONS}")
    torch.manual_seed(workload.seed)
    network = SE3Net(
        workload.num_outputs, workload.cutoff, l_max=workload.l_max, channels=workload.channels, num_layers=workload.num_layers
    )
    return network if implementation == "ours" else ReferenceNetwork(network, implementation)


def largest_difference(workload: Workload) -> dict[str, float]:
    """Per reference, max |reference - ours| / max |ours| of the float32 outputs on the workload's graph."""
    graph = benchmark_graph(workload)
    with torch.no_grad():
        ours = benchmark_network(workload, "ours")(graph)
        scale = float(ours.abs().max())
        return {kind: float((benchmark_network(workload, kind)(graph) - ours).abs().max()) / scale for kind in REFERENCES}
