"""The simulator against an independent published simulation: replicas from a published
configuration, compared with its published iso-configurational propensity.

The reference (``data/bapst-T0.44/bapst-T0.44.npz``: Bapst et al. 2020, simulated with LAMMPS) holds
one equilibrated configuration and each particle's mean |r(t) - r(0)| over R' published replicas at a
few times. :func:`replica_runs` starts R replicas from it with the simulator's own replica code
(:class:`~glass_lightning.simulate.isoconfigurational.ReplicaTask` in
:func:`~glass_lightning.simulate.isoconfigurational.run_tasks`, with the engine, time step, wavenumber
and replica seeding of ``glass-lightning simulate``); :func:`compare` sets them against the
published propensity, per time and species:

* **the mean |dr|**, ours over theirs: temperature, masses, the time unit and the potential all set
  it, at every time;
* **the per-particle Pearson correlation** against the correlation expected if both were replica
  means of one and the same propensity. With R replicas ours is p_i + e_i, var(e) = s^2 / R; theirs
  p_i + e'_i, var(e') = s^2 / R'. The reliability of ours (share of its particle-to-particle
  variance that is p), rho_R, is measured by split-half (two halves of our replicas correlated,
  stepped up to R by Spearman-Brown); that of theirs follows from it, rho_R' = prophecy(rho_R, R'/R)
  (Spearman-Brown for R'/R times as many replicas); and the expected correlation is
  cov / sqrt(var var') = var(p) / sqrt((var(p) + s^2/R)(var(p) + s^2/R')) = sqrt(rho_R rho_R')
  (:func:`~glass_lightning.data.noise_ceiling.expected_correlation`). A different physics makes a
  different p, and the observed correlation falls below it by the factor corr(p_ours, p_theirs).
  The bound is the expected value less ``STANDARD_ERRORS`` large-sample standard errors of a Pearson
  coefficient of n particles, (1 - r^2) / sqrt(n - 1).

Times off our step grid (their time step was 0.003: t = 0.132 is 26.4 of our steps of 0.005) are
reached by recording the whole steps on either side and interpolating linearly: rounding to 26
steps would shorten the time by 1.5 % and lower the mean |dr| of B by 1.1 %, half the tolerance.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glass_lightning.data.noise_ceiling import REPLICAS_KEY, expected_correlation, split_half_reliability
from glass_lightning.data.snapshot import SPECIES, Snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import seeds
from glass_lightning.simulate.config import SimulationConfig
from glass_lightning.simulate.dataset import DENSE_GRID_POINTS
from glass_lightning.simulate.isoconfigurational import ReplicaTask, run_tasks
from glass_lightning.simulate.observables import bracketing_steps, log_grid, step_counts

REFERENCE = Path("data/bapst-T0.44/bapst-T0.44.npz")  # relative to the repository root
MEAN_TOLERANCE = 0.02  # of mean |dr| ours / published
STANDARD_ERRORS = 4.0  # below the expected correlation, and the noise allowance of the mean at few replicas
TIME_MATCH = 0.01  # relative: a requested time names the reference time this close to it


def reference_indices(reference: Snapshot, wanted: Iterable[float] | None) -> np.ndarray:
    """Indices of the reference times that ``wanted`` names (each within 1 %); all of them for None."""
    if wanted is None:
        return np.arange(reference.times.size)
    indices = []
    for value in wanted:
        nearest = int(np.argmin(np.abs(np.log(reference.times / value))))
        if abs(reference.times[nearest] / value - 1) > TIME_MATCH:
            available = ", ".join(f"{t:g}" for t in reference.times)
            raise GlassDataError(reference.source, "times", f"no reference time near {value:g}; available: {available}")
        indices.append(nearest)
    return np.unique(indices)


@dataclass
class Schedule:
    """The steps one replica records: the two around each reference time, and a log grid for the curve."""

    times: np.ndarray  # (n_times,) the reference times compared
    steps: np.ndarray  # increasing step counts recorded
    around: np.ndarray  # (n_times, 2) indices into ``steps`` of the steps before and after each time
    weight: np.ndarray  # (n_times,) weight of the later step
    grid: np.ndarray  # (n_grid,) indices into ``steps`` of the log grid

    @classmethod
    def of(cls, times: np.ndarray, time_step: float) -> "Schedule":
        bracket, weight = bracketing_steps(times, time_step)
        if np.any(bracket[:, 0] < 1):
            raise GlassDataError("validate-physics", "times", f"expected times of at least one step ({time_step})")
        grid = step_counts(log_grid(time_step, float(times.max()), DENSE_GRID_POINTS, time_step), time_step)
        steps = np.union1d(bracket.ravel(), grid)
        return cls(times, steps, np.searchsorted(steps, bracket), weight, np.searchsorted(steps, grid))


class TimedReplicaTask(ReplicaTask):
    """A replica that also returns the wall seconds it took (in its worker, so without start-up)."""

    def run(self) -> tuple:
        started = time.perf_counter()
        result = super().run()
        return result, time.perf_counter() - started


@dataclass
class ReplicaRun:
    replica: int
    seed: int
    distance: np.ndarray  # (n_times, N) |dr| at the reference times (interpolated between steps)
    curve: np.ndarray  # (n_grid, num_species) mean |dr| per species on the schedule's log grid
    seconds: float  # wall time of the replica in its worker


def replica_seed(config: SimulationConfig, temperature: float, replica: int) -> int:
    """The velocity seed of a replica, as ``simulate`` derives it for configuration 0."""
    return seeds.derived_seed(config.seed, temperature, seeds.REPLICA_VELOCITIES, 0, replica)


def replica_runs(
    reference: Snapshot, schedule: Schedule, replicas: Iterable[int], config: SimulationConfig
) -> Iterator[ReplicaRun]:
    """Run the replicas (seeded by :func:`replica_seed`); yield each as it finishes."""
    replica_seeds = {r: replica_seed(config, reference.temperature, r) for r in replicas}
    tasks = [
        TimedReplicaTask(
            0,
            r,
            reference.positions,
            reference.temperature,
            seed,
            schedule.steps,
            np.arange(schedule.steps.size),
            config.wavenumber,
        )
        for r, seed in replica_seeds.items()
    ]
    for result, seconds in run_tasks(
        tasks, reference.types, reference.box, config.platform, config.time_step, config.num_workers
    ):
        before, after = result.distance[schedule.around[:, 0]], result.distance[schedule.around[:, 1]]
        weight = schedule.weight[:, None]
        on_grid = result.distance[schedule.grid]
        curve = np.stack([on_grid[:, reference.types == label].mean(axis=1) for label in range(len(SPECIES))], -1)
        distance = (1 - weight) * before + weight * after
        yield ReplicaRun(result.replica, replica_seeds[result.replica], distance, curve, seconds)


@dataclass
class Comparison:
    """One time and one species: mean |dr| and per-particle Pearson, ours against published."""

    time: float
    species: str
    particles: int
    published: float  # mean |dr|
    ours: float
    ratio_error: float  # standard error of ours / published from both replica counts (nan for one replica)
    published_error: float  # the part of it from the published replica count alone: no number of ours removes it
    pearson: float
    expected: float  # the Pearson correlation the two replica counts allow (module doc)
    bound: float

    @property
    def ratio(self) -> float:
        return self.ours / self.published

    @property
    def mean_tolerance(self) -> float:
        """2 %, or ``STANDARD_ERRORS`` standard errors where few replicas make the ratio noisier."""
        return max(MEAN_TOLERANCE, STANDARD_ERRORS * np.nan_to_num(self.ratio_error))

    def failures(self, mean_tolerance: float | None = None) -> list[str]:
        tolerance = self.mean_tolerance if mean_tolerance is None else mean_tolerance
        where = f"t = {self.time:g}, {self.species}"
        problems = []
        if not abs(self.ratio - 1) <= tolerance:
            problems.append(f"{where}: mean |dr| ours / published = {self.ratio:.4f}, outside 1 ± {tolerance:.3f}")
        if not self.pearson >= self.bound:
            problems.append(
                f"{where}: Pearson {self.pearson:.3f} below {self.bound:.3f} (expected {self.expected:.3f})"
            )
        return problems


def replica_spread(per_replica: np.ndarray) -> float:
    """Standard deviation of a ratio ours / published over our R replicas; nan for one replica."""
    return float(per_replica.std(ddof=1)) if len(per_replica) > 1 else float("nan")


def ratio_error(per_replica: np.ndarray, theirs: int) -> float:
    """Standard error of a ratio ours / published, from the spread of its R per-replica values: both means are
    noisy, ours over R replicas and theirs over ``theirs`` (assumed to spread as ours do); nan for one replica."""
    return replica_spread(per_replica) * float(np.sqrt(1 / len(per_replica) + 1 / theirs))


def relative_mobility(distances: np.ndarray, reference: Snapshot, indices: np.ndarray) -> list[tuple[float, ...]]:
    """Per compared time: (published B/A, ours B/A, ours / published, its standard error), B/A the mean |dr| of B
    over that of A. A replica's collective fluctuation moves A and B together, so this ratio is far less noisy than
    either mean: it tests the B interactions at times where the means alone cannot."""
    theirs, b, a = int(reference.metadata[REPLICAS_KEY]), reference.types == 1, reference.types == 0
    rows = []
    for column, index in enumerate(indices):
        published = reference.propensity[index, b].mean() / reference.propensity[index, a].mean()
        ours = distances[:, column, b].mean(axis=1) / distances[:, column, a].mean(axis=1)
        rows.append(
            (
                float(published),
                float(ours.mean()),
                float(ours.mean() / published),
                ratio_error(ours / published, theirs),
            )
        )
    return rows


def compare(distances: np.ndarray, reference: Snapshot, indices: np.ndarray) -> list[Comparison]:
    """``distances`` (R, n_times, N): our replicas at the reference times ``indices``."""
    replicas, theirs = len(distances), int(reference.metadata[REPLICAS_KEY])
    comparisons = []
    for column, index in enumerate(indices):
        published, ours = reference.propensity[index], distances[:, column]
        reliability = split_half_reliability(ours, reference.types)
        for label, species in enumerate(SPECIES):
            mask = reference.types == label
            per_replica = ours[:, mask].mean(axis=1) / published[mask].mean()
            expected = float(expected_correlation(reliability[label], replicas, theirs)) if replicas > 1 else np.nan
            error = (1 - expected**2) / np.sqrt(mask.sum() - 1)
            comparisons.append(
                Comparison(
                    time=float(reference.times[index]),
                    species=species,
                    particles=int(mask.sum()),
                    published=float(published[mask].mean()),
                    ours=float(ours[:, mask].mean()),
                    ratio_error=ratio_error(per_replica, theirs),
                    published_error=replica_spread(per_replica) / float(np.sqrt(theirs)),
                    pearson=float(np.corrcoef(ours[:, mask].mean(axis=0), published[mask])[0, 1]),
                    expected=expected,
                    bound=float(expected - STANDARD_ERRORS * error),
                )
            )
    return comparisons
