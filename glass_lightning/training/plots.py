"""Figures: Pearson correlation against time (a test run), predicted against true propensity (a test
run, the validation split at the end of a fit), learning curves (one fit or several)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glass_lightning.data.atomic_npz import save_figure_atomically  # noqa: E402
from glass_lightning.data.snapshot import type_name  # noqa: E402


def _save(figure, path: Path, **options) -> Path:
    save_figure_atomically(figure, path, dpi=120, **options)
    plt.close(figure)
    return path


def plot_pearson_vs_time(
    times: dict[float, np.ndarray], correlation: dict[float, np.ndarray], path: Path, time_label: str = "time t"
) -> Path:
    """One panel per particle type, one line per temperature.

    ``correlation[temperature]`` is (num_types, T) with NaN where a type is absent.
    """
    num_types = next(iter(correlation.values())).shape[0]
    figure, axes = plt.subplots(1, num_types, figsize=(4.5 * num_types, 3.6), squeeze=False, sharey=True)
    for label, axis in enumerate(axes[0]):
        for temperature, values in sorted(correlation.items()):
            axis.plot(times[temperature], values[label], marker="o", label=f"T = {temperature:g}")
        axis.set_xscale("log")
        axis.set_xlabel(time_label)
        axis.set_title(f"type {type_name(label)}")
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("Pearson correlation (test)")
    axes[0][0].legend()
    figure.tight_layout()
    return _save(figure, path)


def plot_prediction_scatter(panels: list[dict], path: Path, title: str | None = None) -> Path:
    """One panel per temperature: predicted against true propensity, coloured by particle type,
    under ``title`` (the split, say) when given.

    Each panel is a dict with ``title``, ``true``, ``predicted`` and ``node_type`` arrays.
    """
    figure, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.0), squeeze=False)
    if title:
        figure.suptitle(title, fontsize=10)
    for panel, axis in zip(panels, axes[0]):
        for label in np.unique(panel["node_type"]):
            chosen = panel["node_type"] == label
            axis.scatter(
                panel["true"][chosen], panel["predicted"][chosen], s=3, alpha=0.4, label=f"type {type_name(int(label))}"
            )
        low = min(panel["true"].min(), panel["predicted"].min())
        high = max(panel["true"].max(), panel["predicted"].max())
        axis.plot([low, high], [low, high], color="black", linewidth=0.8)
        axis.set_xlabel("true propensity")
        axis.set_ylabel("predicted propensity")
        axis.set_title(panel["title"], fontsize=9)
        axis.legend(markerscale=4)
    figure.tight_layout()
    return _save(figure, path)


def plot_learning_curves(curves: dict[str, dict[str, list[tuple[int, float]]]], path: Path, ylabel: str) -> Path:
    """Run name -> metric name -> (epoch, value) points: one colour per run, one line style per metric."""
    figure, axis = plt.subplots(figsize=(10.0, 4.4))
    styles = ["-", "--", ":", "-."]
    for colour, (run, metrics) in enumerate(curves.items()):
        for style, (metric, points) in zip(styles, metrics.items()):
            epochs, values = zip(*points) if points else ((), ())
            axis.plot(epochs, values, style, color=f"C{colour}", marker=".", label=f"{run}: {metric}")
    axis.set_xlabel("epoch")
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    return _save(figure, path)


def plot_prediction_slab(
    positions: np.ndarray, box: np.ndarray, arrays: dict[str, np.ndarray], path: Path, width: float = 2.0
) -> Path:
    """Particles of a slab ``width`` thick through the middle of the box (along z), seen from above,
    coloured by the prediction at the longest time, and by the truth next to it when ``arrays``
    (a prediction file's arrays) hold the target. Colours are ranks within the slab, so that the
    two panels compare as Pearson does, whatever their units."""
    depth = np.mod(positions[:, 2], box[2])
    chosen = np.abs(depth - box[2] / 2) < width / 2
    panels = {"predicted": arrays["prediction"][:, -1]} | (
        {"true": arrays["target"][:, -1]} if "target" in arrays else {}
    )
    time = f" at t = {arrays['times'][-1]:g}" if "times" in arrays else ""
    figure, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.4), squeeze=False)
    xy = np.mod(positions[chosen, :2], box[:2])
    for (label, values), axis in zip(panels.items(), axes[0]):
        ranks = np.argsort(np.argsort(values[chosen])) / max(chosen.sum() - 1, 1)
        for kind, marker, size in ((0, "o", 28), (1, "o", 14)):
            of_kind = arrays["node_type"][chosen] == kind
            points = axis.scatter(
                xy[of_kind, 0], xy[of_kind, 1], c=ranks[of_kind], s=size, marker=marker, cmap="inferno", vmin=0, vmax=1
            )
        axis.set_aspect("equal")
        axis.set_xlim(0, box[0])
        axis.set_ylim(0, box[1])
        axis.set_title(f"{label} propensity{time} (rank)", fontsize=9)
    figure.colorbar(points, ax=axes[0].tolist(), shrink=0.8, label="rank within the slab (0 = least mobile)")
    figure.suptitle(f"slab |z - L/2| < {width / 2:g} (large: A, small: B)", fontsize=9)
    return _save(figure, path, bbox_inches="tight")
