"""The benchmark's workload: one synthetic KA-like snapshot and the networks that process it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.bench.per_edge_reference import PerEdgeReference
from glass_lightning.bench.references import ReferenceNetwork
from glass_lightning.data.dataset import GlassDataset
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.models.se3 import SE3Net
from glass_lightning.simulate import kob_andersen

# SE3Net on each tensor-product backend (models/tensor_product_backends.py): (backend, under torch.compile)
BACKEND_CASES = {
    "ours": ("native", False),
    "ours_compiled": ("native", True),
    "e3nn": ("e3nn", False),
    "e3nn_compiled": ("e3nn", True),
    "cuequivariance": ("cuequivariance", False),
    "openequivariance": ("openequivariance", False),
}
IMPLEMENTATIONS = (*BACKEND_CASES, "fully_connected", "per_edge")
LABELS = {
    "ours": "SE3Net (ours)",
    "ours_compiled": "SE3Net (ours), torch.compile",
    "e3nn": "(b) e3nn TensorProduct uvu, eager (NequIP-style)",
    "e3nn_compiled": "(b) e3nn TensorProduct uvu, torch.compile",
    "cuequivariance": "cuEquivariance segmented polynomial",
    "openequivariance": "OpenEquivariance TensorProductConv",
    "fully_connected": "(a) e3nn FullyConnectedTensorProduct, per-edge weights",
    "per_edge": "before: first layer per edge and scattered, coarse-graining by index_add",
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
    readout: str = "scalars"
    coarse_graining: int = 0
    optimizer: str = "Adam"  # the name of a torch.optim class
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def smaller(self, num_particles: int) -> "Workload":
        return Workload(**{**self.as_dict(), "num_particles": num_particles})

    def warmup(self, num_particles: int) -> "Workload":
        """The workload on ``num_particles``, or on the fewest whose cubic box exceeds twice the cutoff
        (minimum-image edges need it) if those are more."""
        fewest = int(self.density * (2 * self.cutoff) ** 3) + 1
        return self.smaller(max(num_particles, fewest))

    def network_settings(self) -> dict:
        """The workload's SE3Net arguments, the tensor-product backend aside; the others are SE3Net's defaults."""
        names = ("l_max", "channels", "num_layers", "readout", "coarse_graining")
        return {"num_outputs": self.num_outputs, "cutoff": self.cutoff, **{name: getattr(self, name) for name in names}}


# The network of the real-data recipe, configs/default.yaml (N = 4096 Kob-Andersen, 8 timescales), without its two
# node inputs; its other settings are SE3Net's defaults (tests/bench/test_recipe.py)
RECIPE = Workload(
    cutoff=3.0, l_max=4, num_layers=1, num_outputs=8, readout="invariants", coarse_graining=4, optimizer="AdamW"
)


def benchmark_graph(workload: Workload) -> Data:
    """The snapshot as the dataset serves it (float32, edges at the cutoff)."""
    snapshot = synthetic_snapshot(
        num_particles=workload.num_particles,
        density=workload.density,
        num_times=workload.num_outputs,
        seed=workload.seed,
    )
    return GlassDataset([snapshot], list(range(workload.num_outputs)), cutoff=workload.cutoff)[0]


def benchmark_network(workload: Workload, implementation: str) -> nn.Module:
    """SE3Net with seeded weights on the implementation's tensor-product backend (compiled with dynamic shapes where
    asked, as ``GlassModule(compile=True)`` does), or reference (a) or the per-edge reference with the very same weights."""
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {implementation!r}; expected one of {IMPLEMENTATIONS}")
    backend, compiled = BACKEND_CASES.get(implementation, ("native", False))
    torch.manual_seed(workload.seed)
    network = SE3Net(**workload.network_settings(), tensor_product=backend)
    if compiled:
        network.compile(dynamic=True)
    references = {"fully_connected": ReferenceNetwork, "per_edge": PerEdgeReference}
    return references[implementation](network) if implementation in references else network


def largest_difference(workload: Workload, implementations: tuple[str, ...], device: str = "cpu") -> dict[str, float]:
    """Per implementation, max |theirs - ours| / max |ours| of the float32 outputs on the workload's graph."""
    graph = benchmark_graph(workload).to(device)
    with torch.no_grad():
        ours = benchmark_network(workload, "ours").to(device)(graph)
        scale = float(ours.abs().max())
        theirs = {name: benchmark_network(workload, name).to(device)(graph) for name in implementations}
        return {name: float((output - ours).abs().max()) / scale for name, output in theirs.items()}
