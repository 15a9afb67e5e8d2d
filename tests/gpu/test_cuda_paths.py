"""What only a GPU can check (``pytest -m gpu``; the device check runs these, ``make test`` deselects them)."""

import numpy as np
import openmm
import pytest
import torch

from glass_lightning.data.dataset import GlassDataset
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.models import SE3Net
from glass_lightning.simulate import engine, kob_andersen
from glass_lightning.training.module import GlassModule

pytestmark = pytest.mark.gpu


def test_cuda_is_there():
    assert torch.cuda.is_available(), "the gpu tests ran on a machine without CUDA"


def test_se3net_on_cuda_matches_cpu_and_trains():
    torch.manual_seed(0)
    network = SE3Net(num_outputs=3, cutoff=2.0, l_max=2, channels=8, num_layers=2)
    graph = GlassDataset([synthetic_snapshot(512, num_times=3, seed=2)], [0, 1, 2], cutoff=2.0)[0]
    expected = network(graph).detach()
    module = GlassModule(network.cuda(), num_outputs=3).cuda()
    on_gpu = graph.to("cuda")
    torch.testing.assert_close(module(on_gpu).cpu(), expected, rtol=1e-4, atol=1e-5)
    loss = module.loss(module(on_gpu), on_gpu)
    loss.backward()
    assert torch.isfinite(loss) and all(p.grad is not None for p in module.parameters() if p.requires_grad)


def test_openmm_cuda_energy_matches_the_reference_platform():
    snapshot = synthetic_snapshot(1000, seed=4)
    types = kob_andersen.species(1000)
    energies = []
    for platform in ("CUDA", "Reference"):
        system = engine.build_system(types, snapshot.box)
        context = engine.make_context(system, openmm.VerletIntegrator(0.005), platform, threads=1)
        context.setPositions(snapshot.positions)
        energies.append(engine.potential_energy(context))
    np.testing.assert_allclose(energies[0], energies[1], rtol=1e-4)
