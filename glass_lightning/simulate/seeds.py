"""Seeds derived deterministically from (base seed, temperature, purpose, indices), so that a
re-run reproduces every configuration and replica exactly."""

from __future__ import annotations

import numpy as np

EQUILIBRATION = 0
REPLICA_VELOCITIES = 1


def derived_seed(base: int, temperature: float, purpose: int, *indices: int) -> int:
    """A 31-bit seed (OpenMM wants a positive int) unique to its arguments."""
    entropy = [int(base), int(round(temperature * 1_000_000)), int(purpose), *map(int, indices)]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0] & 0x7FFFFFFF) or 1
