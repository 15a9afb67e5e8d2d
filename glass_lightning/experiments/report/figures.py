"""What the report's figures share: matplotlib without a screen (``plt``), one panel per
temperature against time, and saving."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glass_lightning.data.atomic_npz import save_figure_atomically  # noqa: E402
from glass_lightning.experiments.scores import curve, scores_at  # noqa: E402


def time_panels(count: int):
    """A figure with ``count`` side-by-side panels sharing the Pearson axis; returns (figure, axes)."""
    figure, axes = plt.subplots(1, count, figsize=(4.3 * count, 3.6), squeeze=False, sharey=True)
    return figure, list(axes[0])


def plot_curves(axis, records: list[dict], temperature: float, **style) -> None:
    """Pearson A against time at ``temperature``: the mean over ``records`` (seeds), their range shaded."""
    values = np.array([curve(record, temperature) for record in records])
    times = scores_at(records[0], temperature)["times"]
    axis.plot(times, values.mean(axis=0), **style)
    if len(records) > 1:
        axis.fill_between(times, values.min(axis=0), values.max(axis=0), alpha=0.2)


def finish_time_panels(figure, axes: list, path: Path, xlabel: str = "t (LJ units)") -> None:
    """Log time axes, grid, labels and legend; save to ``path``."""
    for axis in axes:
        axis.set_xscale("log")
        axis.set_xlabel(xlabel)
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("Pearson, type A (test, pooled)")
    axes[0].legend(fontsize=7)
    save(figure, path)


def save(figure, path: Path, layout: bool = True) -> None:
    """Save at 120 dpi, cropped to what is drawn; ``layout``: tighten the panels first."""
    if layout:
        figure.tight_layout()
    save_figure_atomically(figure, path, dpi=120, bbox_inches="tight")
    plt.close(figure)
