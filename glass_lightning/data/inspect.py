"""``glass-lightning inspect PATH --format F [--json]``: what a researcher checks first in a dataset.

Files, particle number and composition, box, temperatures, time grids, the position convention
the files use, which optional fields exist, mean propensity per species and time, the replica-noise
ceiling of the propensity (data/noise_ceiling.py), and the mean number of neighbours at the cutoff.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from glass_lightning.command_parser import command_parser
from glass_lightning.data.formats import FORMATS, read_snapshots, snapshot_files
from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.noise_ceiling import noise_ceiling
from glass_lightning.data.snapshot import Snapshot, type_name
from glass_lightning.progress import add_progress_flag, hidden_progress

OPTIONAL_FIELDS = (
    "inherent_positions",
    "cage_positions",
    "potential_energy",
    "inherent_potential_energy",
    "propensity",
    "mean_squared_displacement",
    "bond_breaking",
)


def _mean_propensity(snapshots: Sequence[Snapshot]) -> dict[str, dict[str, float]]:
    """species -> time -> mean propensity, over the snapshots that have that time."""
    values: dict[str, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    for snapshot in snapshots:
        if snapshot.propensity is None:
            continue
        for label in np.unique(snapshot.types):
            for time, row in zip(snapshot.times, snapshot.propensity):
                values[type_name(int(label))][float(time)].append(float(row[snapshot.types == label].mean()))
    return {
        species: {f"{time:g}": float(np.mean(means)) for time, means in sorted(by_time.items())}
        for species, by_time in sorted(values.items())
    }


def _noise_ceilings(snapshots: Sequence[Snapshot]) -> dict[str, dict[str, dict[str, float]]]:
    """species -> time -> mean, min and max over configurations of the per-configuration Pearson ceiling."""
    values: dict[str, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    for snapshot in snapshots:
        ceiling = noise_ceiling(snapshot)
        if ceiling is None:
            continue
        for time, row in zip(snapshot.times, ceiling):
            for label, value in enumerate(row):
                if np.isfinite(value):
                    values[type_name(label)][float(time)].append(float(value))
    return {
        species: {
            f"{time:g}": {"mean": float(np.mean(v)), "min": float(np.min(v)), "max": float(np.max(v))}
            for time, v in sorted(by_time.items())
        }
        for species, by_time in sorted(values.items())
    }


def _mean_neighbours(snapshots: Sequence[Snapshot], cutoff: float) -> dict[str, float]:
    """Mean number of neighbours within ``cutoff`` of a particle, overall and per species."""
    counts: dict[str, list[np.ndarray]] = defaultdict(list)
    for snapshot in snapshots:
        edge_index, _ = periodic_edges(snapshot.positions, snapshot.box, cutoff, snapshot.source)
        per_particle = np.bincount(edge_index[1], minlength=snapshot.num_particles)
        counts["all"].append(per_particle)
        for label in np.unique(snapshot.types):
            counts[type_name(int(label))].append(per_particle[snapshot.types == label])
    return {name: float(np.concatenate(arrays).mean()) for name, arrays in counts.items()}


def summarize(snapshots: Sequence[Snapshot], format: str, cutoff: float) -> dict:
    """Everything ``inspect`` reports, as plain JSON-ready values."""
    by_temperature: dict[float, list[Snapshot]] = defaultdict(list)
    for snapshot in snapshots:
        by_temperature[snapshot.temperature].append(snapshot)
    composition = Counter()
    for snapshot in snapshots:
        composition.update({type_name(label): count for label, count in snapshot.composition().items()})
    num_particles = snapshots[0].num_particles
    return {
        "format": format,
        "files": sum(len(snapshot_files(snapshot)) for snapshot in snapshots),
        "configurations": len(snapshots),
        "num_particles": num_particles,
        "composition": {
            species: round(count / (num_particles * len(snapshots)), 4)
            for species, count in sorted(composition.items())
        },
        "boxes": sorted({tuple(np.round(snapshot.box, 6).tolist()) for snapshot in snapshots}),
        "position_conventions": dict(Counter(snapshot.position_convention for snapshot in snapshots)),
        "optional_fields": {name: sum(getattr(s, name) is not None for s in snapshots) for name in OPTIONAL_FIELDS},
        "temperatures": {
            f"{temperature:g}": {
                "configurations": len(group),
                "times": sorted({float(time) for s in group if s.times is not None for time in s.times}),
                "mean_propensity": _mean_propensity(group),
                "noise_ceiling": _noise_ceilings(group),
            }
            for temperature, group in sorted(by_temperature.items())
        },
        "cutoff": cutoff,
        "mean_neighbours": _mean_neighbours(snapshots, cutoff),
    }


def render_text(summary: dict, paths: Sequence[str]) -> str:
    lines = [
        f"dataset        {' '.join(paths)}  (format: {summary['format']})",
        f"files          {summary['files']} ({summary['configurations']} configurations)",
        f"particles      N = {summary['num_particles']}; composition "
        + ", ".join(f"{species} {fraction:.1%}" for species, fraction in summary["composition"].items()),
        "box            " + "; ".join(" x ".join(f"{length:.4f}" for length in box) for box in summary["boxes"]),
        "positions      " + ", ".join(f"{name} ({count})" for name, count in summary["position_conventions"].items()),
        "fields         "
        + (
            ", ".join(f"{name} ({count})" for name, count in summary["optional_fields"].items() if count)
            or "none beyond positions and types"
        ),
        f"neighbours     mean within r < {summary['cutoff']:g}: "
        + ", ".join(f"{name} {value:.2f}" for name, value in summary["mean_neighbours"].items()),
    ]
    for temperature, details in summary["temperatures"].items():
        lines.append(
            f"T = {temperature:<10s} {details['configurations']} configurations, times {', '.join(f'{t:g}' for t in details['times'])}"
        )
        for species, by_time in details["mean_propensity"].items():
            lines.append(
                f"  mean propensity of {species} at those times: "
                + ", ".join(f"{value:.3f}" for value in by_time.values())
            )
        for species, by_time in details["noise_ceiling"].items():
            lines.append(
                f"  noise ceiling of {species} (highest Pearson the replicas permit; mean, min-max over files): "
                + ", ".join(f"{v['mean']:.2f} ({v['min']:.2f}-{v['max']:.2f})" for v in by_time.values())
            )
        if not details["noise_ceiling"]:
            lines.append(
                "  noise ceiling: unknown (the files store neither replicas nor the replica count with the mean squared displacement)"
            )
    return "\n".join(lines)


def _cutoff(text: str) -> float:
    """A finite, positive ``--cutoff`` (argparse type: anything else is a one-line usage error)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")  # not a number: refused below, as nan is
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite, positive number, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    result = command_parser("inspect")
    result.add_argument("paths", nargs="+", metavar="PATH", help="files, directories (searched recursively) or globs")
    result.add_argument("--format", default="native", choices=sorted(FORMATS))
    result.add_argument("--json", action="store_true", help="print a JSON object for scripts")
    result.add_argument("--cutoff", type=_cutoff, default=2.0, help="cutoff for the neighbour count (default 2.0)")
    result.add_argument(
        "--allow-pickle", action="store_true", help="read pickled files (Bapst et al.); only for trusted files"
    )
    add_progress_flag(result)
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    with hidden_progress(arguments.no_progress):
        snapshots = read_snapshots(arguments.paths, arguments.format, allow_pickle=arguments.allow_pickle)
    summary = summarize(snapshots, arguments.format, arguments.cutoff)
    print(json.dumps(summary, indent=2) if arguments.json else render_text(summary, arguments.paths))
    return 0
