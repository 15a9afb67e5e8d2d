"""The report of ``glass-lightning validate-physics``: a markdown table of the comparisons and one PNG
(mean |dr|(t) of A and B, ours against published, and per-particle scatter at each compared time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glass_lightning.data.atomic_npz import save_figure_atomically, write_text_atomically  # noqa: E402
from glass_lightning.data.noise_ceiling import REPLICAS_KEY  # noqa: E402
from glass_lightning.data.snapshot import SPECIES, Snapshot  # noqa: E402
from glass_lightning.markdown import count, table  # noqa: E402
from glass_lightning.simulate.config import SimulationConfig  # noqa: E402
from glass_lightning.simulate.lammps_engine import engine_label  # noqa: E402
from glass_lightning.simulate.observables import isotropic_scattering  # noqa: E402
from glass_lightning.simulate.physics_reference import Comparison, Schedule, relative_mobility  # noqa: E402

SHORT_RUN_STEPS = 10_000  # below this, the set-up of a replica weighs on the measured speed


@dataclass
class Validation:
    """Everything one report shows."""

    reference: Snapshot
    reference_path: str
    indices: np.ndarray  # of the compared reference times
    schedule: Schedule
    distances: np.ndarray  # (R, n_times, N)
    curves: np.ndarray  # (R, n_grid, num_species)
    comparisons: list[Comparison]
    config: SimulationConfig
    rate: float  # particle-steps per second per worker: the replicas' steps over their mean wall time
    command: str


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.2g} s"
    return f"{seconds / 60:.3g} min" if seconds < 7200 else f"{seconds / 3600:.3g} h"


def _cost(validation: Validation) -> list[str]:
    reference, n = validation.reference, validation.reference.num_particles
    short = validation.schedule.steps.max() < SHORT_RUN_STEPS
    costs = [f"t = {t:g}: {_duration(t / validation.config.time_step * n / validation.rate)}" for t in reference.times]
    return [
        f"Speed of these replicas: {count(round(validation.rate))} particle-steps per second per worker "
        f"({engine_label(validation.config.platform)}); one replica to "
        + ", ".join(costs)
        + " (per worker; replicas run in "
        "parallel on `--workers` processes"
        + ("; measured on short replicas, their set-up included: an upper bound for long ones)." if short else ")."),
    ]


def _scattering(validation: Validation) -> list[str]:
    """F_s(q) of the A particles of our replicas at the compared times, next to the values at which the reference
    chose its times (its metadata ``is_values``), where it gives them."""
    reference, wavenumber = validation.reference, validation.config.wavenumber
    nominal = reference.metadata.get("is_values")
    if nominal is None:
        return []
    per_replica = isotropic_scattering(validation.distances[:, :, reference.types == 0], wavenumber).mean(axis=2)
    rows = [
        [f"{reference.times[index]:g}", f"{nominal[index]:g}", f"{mean:.3f} ± {spread:.3f}"]
        for index, mean, spread in zip(validation.indices, per_replica.mean(axis=0), per_replica.std(axis=0))
    ]
    return [
        f"The reference chose its times where the self-intermediate scattering function of its trajectories "
        f"reaches the values below (its wavenumber is not stated). Ours, of the A particles at q = {wavenumber:g} "
        "(the first peak of the A–A structure factor), F_s = ⟨sin(q r) / (q r)⟩ over particles, mean ± standard "
        "deviation over our replicas:",
        "",
        table(["t", "theirs (where they chose t)", "ours, A, q = " + f"{wavenumber:g}"], rows),
        "",
    ]


def _relative_mobility(validation: Validation) -> list[str]:
    rows = [
        [f"{validation.reference.times[index]:g}", f"{published:.4f}", f"{ours:.4f}", f"{ratio:.4f} ± {error:.4f}"]
        for index, (published, ours, ratio, error) in zip(
            validation.indices, relative_mobility(validation.distances, validation.reference, validation.indices)
        )
    ]
    return [
        "B's mobility relative to A's (mean |dr| of B over that of A, per replica): a replica's collective "
        "fluctuation moves A and B together, so this ratio is far less noisy than either mean, and tests the "
        "interactions of B where the means alone cannot (standard error as above):",
        "",
        table(["t", "published B/A", "ours B/A", "ours / published"], rows),
        "",
    ]


def _text(validation: Validation, figure: Path) -> str:
    reference, config = validation.reference, validation.config
    metadata = reference.metadata
    replicas = len(validation.distances)
    rows = [
        [
            f"{c.time:g}",
            c.species,
            f"{c.published:.4f}",
            f"{c.ours:.4f}",
            f"{c.ratio:.4f} ± {c.ratio_error:.4f}",
            f"{c.published_error:.4f}",
            f"± {c.mean_tolerance:.3f}",
            f"{c.pearson:.3f}",
            f"{c.expected:.3f}",
            f"{c.bound:.3f}",
            "agrees" if not c.failures() else "**differs**",
        ]
        for c in validation.comparisons
    ]
    header = ["t", "species", "published mean |dr|", "ours", "ours / published", "of which theirs", "tolerance"]
    header += ["Pearson", "expected", "bound", "verdict"]
    lines = [
        "# Physics validation: the simulator against an independent published simulation",
        "",
        f"Reference: `{validation.reference_path}`: {metadata.get('reference', '')}, "
        f"`{metadata.get('source', '')}`; {metadata.get('simulator', '')}; one configuration, "
        f"N = {reference.num_particles}, T = {reference.temperature:g}, propensity over {metadata[REPLICAS_KEY]} "
        "replicas.",
        "",
        f"Ours: {replicas} iso-configurational NVE replicas from that configuration with this project's replica code "
        f"({engine_label(config.platform)}, time step {config.time_step}, velocities at T = {reference.temperature:g}, seeds "
        f"of `glass-lightning simulate` with seed {config.seed}); times off the step grid interpolated between the "
        "steps on either side. Each engine (`--platform`) keeps its own replicas and report; the README's simulator "
        "section sets them side by side.",
        "",
        table(header, rows),
        "",
        "Standard error of the ratio: s √(1/R + 1/R'), s the replica-to-replica standard deviation of our mean "
        f"|dr| over the published mean, R = {replicas} (ours) and R' = {metadata[REPLICAS_KEY]} (theirs) replicas; "
        '"of which theirs" is s/√R\', the uncertainty of the published mean itself, which no number of our '
        "replicas removes. Tolerance of the mean: 2 %, or 4 standard errors of the ratio where few replicas make it "
        "noisier. "
        "Expected Pearson: sqrt(ρ_R ρ_R'), ρ_R the split-half reliability of our R-replica mean and ρ_R' its "
        "Spearman–Brown prophecy for the published replica count; bound: 4 standard errors (1 − r²)/√(n − 1) "
        "below it (glass_lightning/simulate/physics_reference.py).",
        "",
        *_relative_mobility(validation),
        *_scattering(validation),
        *_cost(validation),
        "",
        f"Rerun or extend (finished replicas are kept): `{validation.command}`",
        "",
        f"![mean displacement and per-particle propensity, ours against published]({figure.name})",
        "",
    ]
    return "\n".join(lines)


def _figure(validation: Validation, path: Path) -> None:
    reference, schedule = validation.reference, validation.schedule
    times = reference.times[validation.indices]
    figure, axes = plt.subplots(1, 1 + times.size, figsize=(4.2 * (1 + times.size), 4.0), squeeze=False)
    curve_axis, scatter_axes = axes[0, 0], axes[0, 1:]
    grid = schedule.steps[schedule.grid] * validation.config.time_step
    curve = validation.curves.mean(axis=0)
    for label, species in enumerate(SPECIES):
        mask = reference.types == label
        (line,) = curve_axis.loglog(grid, curve[:, label], label=f"{species}, this simulator")
        published = reference.propensity[:, mask].mean(axis=1)
        curve_axis.loglog(reference.times, published, "o", color=line.get_color(), mfc="none")
        curve_axis.loglog(
            times, published[validation.indices], "o", color=line.get_color(), label=f"{species}, published"
        )
    curve_axis.set(xlabel="t", ylabel="mean |r(t) − r(0)|", title="Mean displacement (open: published, not run)")
    curve_axis.legend(fontsize=8)
    ours = validation.distances.mean(axis=0)
    for column, axis in enumerate(scatter_axes):
        for label, species in enumerate(SPECIES):
            mask = reference.types == label
            axis.scatter(
                reference.propensity[validation.indices[column], mask],
                ours[column, mask],
                s=2,
                alpha=0.4,
                label=species,
            )
        limits = axis.get_xlim()
        axis.plot(limits, limits, color="grey", linewidth=0.8)
        axis.set(
            xlabel="published propensity",
            ylabel=f"this simulator ({len(validation.distances)} replicas)",
            title=f"t = {times[column]:g}",
        )
        axis.legend(fontsize=8, markerscale=4)
    figure.tight_layout()
    save_figure_atomically(figure, path, dpi=110)
    plt.close(figure)


def write_report(validation: Validation, path: str | Path) -> Path:
    """Write the markdown report at ``path`` and its PNG next to it; return the markdown path."""
    path = Path(path)
    figure = path.with_suffix(".png")
    _figure(validation, figure)
    return write_text_atomically(path, _text(validation, figure))
