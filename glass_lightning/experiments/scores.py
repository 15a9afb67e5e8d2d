"""Reading the test scores out of fit records: one number, one curve, or the spread over seeds.

A record's ``scores`` map a temperature ("0.64") to its times, tau_alpha and the Pearson
correlations (num_types, num_times) in both conventions, ``pooled`` and ``per_configuration``;
its ``evaluated_files`` map a temperature to the files scored there.
"At tau_alpha" is the time closest to the temperature's tau_alpha on a log scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glass_lightning.training.callbacks import closest_timescale

POOLED, PER_CONFIGURATION = "pooled", "per_configuration"


def temperature_key(temperature: float) -> str:
    return f"{temperature:g}"


def scores_at(record: dict, temperature: float) -> dict:
    """The record's times, tau_alpha and correlations at ``temperature``."""
    return record["scores"][temperature_key(temperature)]


def evaluated_files(record: dict, temperature: float) -> list[str]:
    """The files the record's fit was scored on at ``temperature`` (none for records written before they were kept)."""
    return record.get("evaluated_files", {}).get(temperature_key(temperature), [])


def tau_index(record: dict, temperature: float) -> int:
    result = scores_at(record, temperature)
    return closest_timescale(np.asarray(result["times"]), result["tau_alpha"])


def curve(record: dict, temperature: float, convention: str = POOLED, label: int = 0) -> np.ndarray:
    """Pearson of type ``label`` at every time of ``temperature``."""
    return np.asarray(scores_at(record, temperature)[convention][label], dtype=float)


def at_tau(record: dict, temperature: float, convention: str = POOLED, label: int = 0) -> float:
    return float(curve(record, temperature, convention, label)[tau_index(record, temperature)])


def mean_over_times(record: dict, temperature: float, convention: str = POOLED, label: int = 0) -> float:
    return float(np.nanmean(curve(record, temperature, convention, label)))


@dataclass
class Spread:
    """A value over seeds (or folds and seeds): its mean, lowest and highest, how many runs, and its
    standard deviation over them (0 for one run)."""

    mean: float
    low: float
    high: float
    runs: int
    std: float = 0.0

    @classmethod
    def of(cls, values: list[float]) -> "Spread":
        array = np.asarray(values, dtype=float)
        std = float(np.nanstd(array, ddof=1)) if np.count_nonzero(~np.isnan(array)) > 1 else 0.0
        return cls(float(np.nanmean(array)), float(np.nanmin(array)), float(np.nanmax(array)), len(array), std)

    @property
    def width(self) -> float:
        return self.high - self.low

    def text(self) -> str:
        if self.runs < 2:
            return f"{self.mean:.3f}"
        return f"{self.mean:.3f} ({self.low:.3f}–{self.high:.3f})"

    def with_deviation(self) -> str:
        """Mean ± standard deviation, and the range: ``0.430 ± 0.042 (0.400–0.460)``."""
        if self.runs < 2:
            return f"{self.mean:.3f}"
        return f"{self.mean:.3f} ± {self.std:.3f} ({self.low:.3f}–{self.high:.3f})"


def exceeds(first: Spread, second: Spread) -> bool | None:
    """True / False when ``first`` is above / below ``second`` by more than the seed-to-seed spread
    of either, None when the difference is within it (or there is no spread to compare with)."""
    spread = max(first.width, second.width)
    if first.runs < 2 and second.runs < 2:
        return None
    difference = first.mean - second.mean
    if abs(difference) <= spread:
        return None
    return difference > 0


def relation(first: Spread, second: Spread) -> str:
    """How ``first`` stands against ``second``, in words (see :func:`exceeds`)."""
    return {True: "above", False: "below", None: "within the seed-to-seed spread of"}[exceeds(first, second)]
