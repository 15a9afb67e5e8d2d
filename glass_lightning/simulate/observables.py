"""Dynamical observables: centre-of-mass-free displacements, F_s(q, t), tau_alpha, time grids."""

from __future__ import annotations

import numpy as np

from glass_lightning.errors import GlassDataError

RELAXED = float(np.exp(-1.0))


def displacements(start: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Unwrapped displacements relative to the centre of mass (equal masses): (N, 3)."""
    return relative_to_centre_of_mass(current - start)


def relative_to_centre_of_mass(moved: np.ndarray) -> np.ndarray:
    """Displacements (..., N, 3) less their mean over the particles (equal masses)."""
    return moved - moved.mean(axis=-2, keepdims=True)


def isotropic_scattering(distance: np.ndarray, wavenumber: float) -> np.ndarray:
    """sin(q r) / (q r) of each displacement length ``distance``: its term of the isotropic F_s(q)."""
    return np.sinc(wavenumber * distance / np.pi)


def self_intermediate_scattering(moved: np.ndarray, wavenumber: float) -> float:
    """Isotropic F_s(q) = < sin(q r) / (q r) > over the particles in ``moved`` (N, 3)."""
    return float(np.mean(isotropic_scattering(np.linalg.norm(moved, axis=-1), wavenumber)))


def relaxation_time(times: np.ndarray, correlation: np.ndarray, level: float = RELAXED) -> float | None:
    """First time ``correlation`` falls to ``level`` (linear in log t between samples), or None."""
    below = np.nonzero(np.asarray(correlation) <= level)[0]
    if below.size == 0:
        return None
    k = int(below[0])
    if k == 0:
        return float(times[0])
    c0, c1 = correlation[k - 1], correlation[k]
    log_t0, log_t1 = np.log(times[k - 1]), np.log(times[k])
    fraction = (c0 - level) / (c0 - c1)
    return float(np.exp(log_t0 + fraction * (log_t1 - log_t0)))


def step_counts(times: np.ndarray, time_step: float) -> np.ndarray:
    """Times rounded to whole integration steps (at least one step each)."""
    return np.maximum(np.round(np.asarray(times) / time_step).astype(np.int64), 1)


def bracketing_steps(times: np.ndarray, time_step: float) -> tuple[np.ndarray, np.ndarray]:
    """For times not on the step grid: the whole steps just before and after each time, (n, 2), and
    the weight of the later one, (n,); a time on the grid (to 1e-6 of a step) gets weight 0. Linear
    interpolation between the two recorded values then gives the value at the time itself."""
    exact = np.asarray(times, dtype=np.float64) / time_step
    before = np.floor(exact + 1e-6).astype(np.int64)
    return np.stack([before, before + 1], axis=-1), np.clip(exact - before, 0.0, 1.0)


def log_grid(first: float, last: float, count: int, time_step: float) -> np.ndarray:
    """Log-spaced times from ``first`` to ``last`` on whole steps, duplicates removed."""
    return np.unique(step_counts(np.geomspace(first, last, count), time_step)) * time_step


def propensity_times(
    first: float, tau_alpha: float, last_in_tau_alpha: float, count: int, time_step: float
) -> np.ndarray:
    """``count`` log-spaced times from ``first`` to ``last_in_tau_alpha * tau_alpha`` (both kept),
    the interior point nearest to tau_alpha (in log t) replaced by tau_alpha itself; whole steps."""
    last = last_in_tau_alpha * tau_alpha
    if count < 3 or not first < tau_alpha < last:
        raise GlassDataError(
            "simulate", "times", f"need >= 3 times and tau_alpha {tau_alpha:.4g} inside ({first:.4g}, {last:.4g})"
        )
    grid = np.geomspace(first, last, count)
    grid[1 + np.argmin(np.abs(np.log(grid[1:-1] / tau_alpha)))] = tau_alpha
    steps = np.unique(step_counts(grid, time_step))
    if steps.size != count:
        raise GlassDataError(
            "simulate", "times", f"{count} times between {first} and {last:.4g} collide on the step grid; use fewer"
        )
    return steps * time_step
