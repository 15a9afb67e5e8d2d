"""How well any model can correlate with a propensity measured from finitely many replicas.

The propensity is a mean over R iso-configurational replicas, so it carries sampling noise. Its
reliability rho (the share of its particle-to-particle variance that is not replica noise) bounds
the Pearson correlation of any prediction, even a perfect one of the infinite-replica propensity,
by sqrt(rho): the **noise ceiling**. Two estimates, per particle type:

* **split-half** (where a file stores the replicas): the correlation r between the propensities of
  two random halves of the replicas, stepped up to R replicas by Spearman-Brown, 2r / (1 + r);
  averaged over ``SPLITS`` random halvings;
* **moments** (where only the replica means of |dr| and |dr|^2 are stored, with R known): the noise
  variance of a particle's mean is var_i / R with var_i = (msd_i - p_i^2) R / (R - 1), so
  rho = 1 - mean_i(var_i / R) / var_i(p_i).

Readers that see the replicas store the split-half value in the Snapshot's metadata under
``RELIABILITY_KEY``; :func:`noise_ceiling` prefers it and falls back to the moments.
"""

from __future__ import annotations

import numpy as np

from glass_lightning.data.snapshot import Snapshot

RELIABILITY_KEY = "propensity_reliability"  # metadata: (n_times, num_types) split-half reliabilities
REPLICAS_KEY = "replicas"  # metadata: number of iso-configurational replicas
SPLITS = 16


def spearman_brown(half_correlation: np.ndarray) -> np.ndarray:
    """Reliability of the full mean from the correlation of two half means."""
    return prophecy(half_correlation, 2)


def prophecy(reliability: np.ndarray, factor: float) -> np.ndarray:
    """Spearman-Brown prophecy: the reliability of a mean over ``factor`` times as many replicas."""
    return factor * reliability / (1 + (factor - 1) * reliability)


def expected_correlation(reliability: np.ndarray, replicas: int, other_replicas: int) -> np.ndarray:
    """The Pearson correlation expected between two independent replica means of one propensity, of
    ``replicas`` (whose ``reliability`` is known) and of ``other_replicas``: each is the propensity p
    plus noise of variance s^2 / R, so their covariance is var(p) and the correlation
    var(p) / sqrt((var(p) + s^2 / R) (var(p) + s^2 / R')) = sqrt(rho_R rho_R'), with rho_R' from
    rho_R by :func:`prophecy`."""
    return np.sqrt(reliability * prophecy(reliability, other_replicas / replicas))


def split_half_reliability(distances: np.ndarray, types: np.ndarray, seed: int = 0) -> list[float]:
    """Per type label 0..max, the split-half reliability of the replica mean of ``distances`` (R, N)."""
    replicas = len(distances)
    if replicas < 2:
        return [float("nan")] * (int(types.max()) + 1)
    rng = np.random.default_rng(seed)
    values = []
    for label in range(int(types.max()) + 1):
        chosen = distances[:, types == label]
        correlations = []
        for _ in range(SPLITS):
            order = rng.permutation(replicas)
            first, second = chosen[order[: replicas // 2]].mean(0), chosen[order[replicas // 2 :]].mean(0)
            correlations.append(np.corrcoef(first, second)[0, 1] if chosen.shape[1] > 1 else np.nan)
        values.append(float(spearman_brown(np.mean(correlations))))
    return values


def moments_reliability(
    propensity: np.ndarray, mean_squared: np.ndarray, replicas: int, types: np.ndarray
) -> list[float]:
    """Per type label, the reliability of the R-replica mean from its first two moments (N,) each."""
    values = []
    for label in range(int(types.max()) + 1):
        mask = types == label
        spread = propensity[mask].var()
        if replicas < 2 or mask.sum() < 2 or not spread > 0:
            values.append(float("nan"))
            continue
        replica_variance = np.clip(mean_squared[mask] - propensity[mask] ** 2, 0, None) * replicas / (replicas - 1)
        values.append(float(1 - (replica_variance / replicas).mean() / spread))
    return values


def reliability(snapshot: Snapshot) -> np.ndarray | None:
    """(n_times, num_types) reliability of the propensity, or None when the file cannot tell."""
    stored = snapshot.metadata.get(RELIABILITY_KEY)
    if stored is not None:
        return np.asarray(stored, dtype=np.float64)
    replicas = snapshot.metadata.get(REPLICAS_KEY)
    if snapshot.propensity is None or snapshot.mean_squared_displacement is None or not replicas:
        return None
    return np.array(
        [
            moments_reliability(propensity, squared, int(replicas), snapshot.types)
            for propensity, squared in zip(snapshot.propensity, snapshot.mean_squared_displacement)
        ]
    )


def noise_ceiling(snapshot: Snapshot) -> np.ndarray | None:
    """(n_times, num_types) highest per-configuration Pearson any model can reach, sqrt(reliability)."""
    values = reliability(snapshot)
    return None if values is None else np.sqrt(np.clip(values, 0.0, 1.0))
