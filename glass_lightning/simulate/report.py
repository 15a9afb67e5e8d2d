"""The validation report of a simulated dataset: a markdown summary and one PNG figure
(U/N during equilibration, F_s(q, t), MSD, tau_alpha per temperature) set against the
published reference values for the Kob–Andersen mixture at density 1.2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glass_lightning.data.atomic_npz import save_figure_atomically, write_text_atomically  # noqa: E402
from glass_lightning.data.formats.native import read_snapshot  # noqa: E402
from glass_lightning.errors import GlassDataError  # noqa: E402
from glass_lightning.markdown import table  # noqa: E402
from glass_lightning.simulate.config import SimulationConfig  # noqa: E402
from glass_lightning.simulate.dataset import configuration_path, temperature_directory  # noqa: E402
from glass_lightning.simulate.observables import RELAXED, relaxation_time  # noqa: E402

# (temperature, quantity, value, source); truncated and shifted potential, density 1.2
REFERENCES = [
    (0.45, "U/N", -7.012, "N=10000, PRL 129, 245501 (2022) / RUMD"),
    (0.45, "tau_alpha", 1.2e3, "N=10000, PRL 129, 245501 (2022) / RUMD"),
    (0.80, "U/N", -6.346, "N=10000, PRL 129, 245501 (2022) / RUMD"),
    (0.80, "tau_alpha", 2.0, "N=10000, PRL 129, 245501 (2022) / RUMD"),
    (0.56, "tau_alpha", 30.0, "N=1000 OpenMM check, one trajectory"),
    (0.64, "tau_alpha", 7.0, "N=1000 OpenMM check, one trajectory"),
    (0.80, "U/N", -6.339, "N=1000 OpenMM check, one trajectory"),
    (1.00, "U/N", -6.001, "N=1000 OpenMM check, one trajectory"),
]


@dataclass
class TemperatureSummary:
    temperature: float
    files: int
    metadata: dict  # of the first configuration (shared run parameters and equilibration record)
    energy: np.ndarray  # U/N per configuration
    inherent_energy: np.ndarray
    grid: np.ndarray
    correlation: np.ndarray  # F_s of A, mean over configurations and replicas
    msd: np.ndarray
    tau_alpha: float | None  # from ``correlation``
    times: np.ndarray


def summarize(config: SimulationConfig, temperature: float) -> TemperatureSummary:
    directory = temperature_directory(config.output, temperature)
    paths = [configuration_path(directory, k) for k in range(config.configurations)]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise GlassDataError(
            directory, "configurations", f"{len(missing)} files missing (e.g. {missing[0]}); run simulate first"
        )
    snapshots = [read_snapshot(path) for path in paths]
    iso = [snapshot.metadata["isoconfigurational"] for snapshot in snapshots]
    grid = np.array(iso[0]["times"])
    correlation = np.mean([entry["self_intermediate_scattering"] for entry in iso], axis=0)
    return TemperatureSummary(
        temperature=temperature,
        files=len(snapshots),
        metadata=snapshots[0].metadata,
        energy=np.array([snapshot.potential_energy.mean() for snapshot in snapshots]),
        inherent_energy=np.array([snapshot.inherent_potential_energy.mean() for snapshot in snapshots]),
        grid=grid,
        correlation=correlation,
        msd=np.mean([entry["mean_squared_displacement"] for entry in iso], axis=0),
        tau_alpha=relaxation_time(grid, correlation),
        times=snapshots[0].times,
    )


def _mean_and_error(values: np.ndarray) -> str:
    error = values.std(ddof=1) / np.sqrt(values.size) if values.size > 1 else float("nan")
    return f"{values.mean():.4f} ± {error:.4f}"


def _format_tau(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.3g}"


def _text(config: SimulationConfig, summaries: list[TemperatureSummary], figure: Path) -> str:
    lines = [
        f"# Simulation report: `{config.output}`",
        "",
        f"3D Kob–Andersen 80:20, N = {config.num_particles}, density {config.density}, potential truncated and shifted "
        f"at 2.5 σ_αβ, time step {config.time_step}; {config.configurations} configurations × {config.replicas} "
        f"iso-configurational NVE replicas per temperature; τα = time where F_s(q = {config.wavenumber}, t) of the A "
        "particles (centre of mass removed) crosses 1/e.",
        "",
    ]
    header = ["T", "U/N (thermal)", "U/N (inherent)", "τα pilot", "τα equilibration", "τα sampling (sets times)"]
    header += ["τα replicas", "equilibration length", "propensity times"]
    rows = []
    for summary in summaries:
        record = summary.metadata["equilibration"]
        taus = [record["tau_alpha_pilot"], record["tau_alpha_equilibration"], record["tau_alpha_sampling"]]
        rows.append(
            [f"{summary.temperature:g}", _mean_and_error(summary.energy), _mean_and_error(summary.inherent_energy)]
            + [_format_tau(tau) for tau in [*taus, summary.tau_alpha]]
            + [
                f"{record['length']:.0f} ({record['length_in_tau_alpha']:.0f} τα)",
                ", ".join(f"{t:g}" for t in summary.times),
            ]
        )
    lines += [
        table(header, rows),
        "",
        "Reference values (same potential and density) and this run where the temperatures overlap:",
        "",
    ]
    simulated = {round(summary.temperature, 3): summary for summary in summaries}
    rows = []
    for temperature, quantity, value, source in REFERENCES:
        summary = simulated.get(round(temperature, 3))
        if summary is None:
            ours = "—"
        elif quantity == "U/N":
            ours = f"{summary.energy.mean():.4f}"
        else:
            ours = _format_tau(summary.tau_alpha)
        rows.append([f"{temperature:g}", quantity, f"{value:g}", ours, source])
    lines.append(table(["T", "quantity", "reference", "this run", "reference source"], rows))
    thermostat = summaries[0].metadata["equilibration"]["thermostat"] if summaries else ""
    lines += ["", f"Equilibration thermostat: {thermostat}.", "", f"![validation figures]({figure.name})", ""]
    return "\n".join(lines)


def _figure(summaries: list[TemperatureSummary], wavenumber: float, path: Path) -> None:
    figure, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    energy_axis, correlation_axis, msd_axis, tau_axis = axes.ravel()
    for summary in summaries:
        trace = summary.metadata["equilibration"]["trace"]
        label = f"T = {summary.temperature:g}"
        energy_axis.plot(trace["time"], trace["energy_per_particle"], label=label)
        correlation_axis.semilogx(summary.grid, summary.correlation, marker=".", label=label)
        msd_axis.loglog(summary.grid, summary.msd, marker=".", label=label)
    energy_axis.set(
        xlabel="time (melt, cool, equilibrate, sample)", ylabel="U/N", title="Potential energy during preparation"
    )
    correlation_axis.axhline(RELAXED, color="grey", linestyle=":", label="1/e")
    title = "Self-intermediate scattering (replicas)"
    correlation_axis.set(xlabel="t", ylabel=f"F_s(q={wavenumber:g}, t), A particles", title=title)
    msd_axis.set(xlabel="t", ylabel="MSD of A particles", title="Mean squared displacement (replicas)")
    measured = [(s.temperature, s.tau_alpha) for s in summaries if s.tau_alpha is not None]
    if measured:
        tau_axis.semilogy(*zip(*measured), "o-", label="this run (replicas)")
    references = [(t, v) for t, q, v, _ in REFERENCES if q == "tau_alpha"]
    tau_axis.semilogy(*zip(*references), "kx", label="references")
    tau_axis.set(xlabel="T", ylabel="τα", title="Structural relaxation time")
    for axis in axes.ravel():
        axis.legend(fontsize=8)
    figure.tight_layout()
    save_figure_atomically(figure, path, dpi=110)
    plt.close(figure)


def write_report(config: SimulationConfig) -> Path:
    """Write ``config.report`` (default ``{output}/report.md``) and its PNG; return the markdown path."""
    path = Path(config.report) if config.report else Path(config.output) / "report.md"
    summaries = [summarize(config, temperature) for temperature in config.temperatures]
    figure = path.with_suffix(".png")
    _figure(summaries, config.wavenumber, figure)
    return write_text_atomically(path, _text(config, summaries, figure))
