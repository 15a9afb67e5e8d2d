"""Synthetic KA-like snapshots for tests, benchmarks and smoke runs.

Positions are a jittered simple-cubic lattice at the requested density (so no two particles
overlap), species are assigned 80:20, and the "propensity" is a smooth, learnable function of
the local structure (the number of neighbours of each species within 1.5) plus noise, growing
with time. It is not physics: it only gives models something real to fit. The mean squared
displacement is that of ``REPLICAS`` replicas whose |dr| spreads by ``REPLICA_SPREAD`` of the mean,
so the propensity has a known replica-noise ceiling below 1.
"""

from __future__ import annotations

import numpy as np

from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.noise_ceiling import REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.simulate import kob_andersen

REPLICAS = 8
REPLICA_SPREAD = 0.5  # standard deviation of one replica's |dr| over the replica mean


def synthetic_snapshot(
    num_particles: int = 512,
    density: float = kob_andersen.DENSITY,
    temperature: float = 0.5,
    num_times: int = 4,
    seed: int = 0,
    fraction_a: float = 0.8,
) -> Snapshot:
    rng = np.random.default_rng(seed)
    cells = int(np.ceil(num_particles ** (1 / 3)))
    length = kob_andersen.box_length(num_particles, density)
    spacing = length / cells
    grid = np.stack(np.meshgrid(*[np.arange(cells)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    sites = grid[rng.choice(len(grid), size=num_particles, replace=False)]
    positions = (sites + 0.5 + rng.uniform(-0.2, 0.2, size=(num_particles, 3))) * spacing
    types = np.ones(num_particles, dtype=np.int64)
    types[rng.permutation(num_particles)[: int(round(fraction_a * num_particles))]] = 0

    edge_index, edge_vec = periodic_edges(positions, np.full(3, length), 1.5)
    distance = np.linalg.norm(edge_vec, axis=1)
    weight = np.exp(-((distance - 1.0) ** 2) / 0.1)
    neighbours_a = np.bincount(edge_index[1], weights=weight * (types[edge_index[0]] == 0), minlength=num_particles)
    neighbours_b = np.bincount(edge_index[1], weights=weight * (types[edge_index[0]] == 1), minlength=num_particles)
    softness = (neighbours_a - 2.0 * neighbours_b) - np.mean(neighbours_a - 2.0 * neighbours_b)
    softness = softness / (np.std(softness) + 1e-12)

    times = np.logspace(-1, 2, num_times)
    growth = np.log1p(times)[:, None]
    noise = rng.normal(scale=0.3, size=(num_times, num_particles))
    propensity = growth * (1.0 + 0.3 * np.tanh(softness[None, :] + noise))
    potential_energy = -6.0 - 0.5 * softness + rng.normal(scale=0.1, size=num_particles)
    return Snapshot(
        positions=positions,
        types=types,
        box=np.full(3, length),
        temperature=temperature,
        inherent_positions=positions + rng.normal(scale=0.02, size=positions.shape),
        potential_energy=potential_energy,
        inherent_potential_energy=potential_energy - 0.8,
        times=times,
        propensity=propensity,
        mean_squared_displacement=propensity**2 * (1 + REPLICA_SPREAD**2 * (REPLICAS - 1) / REPLICAS),
        metadata={"synthetic": True, "seed": seed, "tau_alpha": float(times[num_times // 2]), REPLICAS_KEY: REPLICAS},
        source=f"<synthetic seed={seed}>",
    )
