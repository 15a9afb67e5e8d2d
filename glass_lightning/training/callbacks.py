"""``PearsonReport``: what a test run leaves behind besides the scalars ``GlassModule`` logs itself.

Per temperature, both Pearson conventions (pooled over particles, mean over configurations)
for every type and timescale, logged as scalars ``test/T{T}/pearson_{type}_t{k}`` and
``test/T{T}/pearson_per_configuration_{type}_t{k}``, next to the replica-noise ceiling of the
test targets, ``test/T{T}/noise_ceiling_{type}_t{k}`` (the highest Pearson the data permit, where
the files tell); a printed table for type A; a figure of
Pearson against time per type; a predicted-against-true scatter at the timescale closest to
tau_alpha (the median of the test files' metadata; the middle timescale when unknown). Figures
and the table go to every MLflow logger as artifacts, or to ``{default_root_dir}/test_report``
when there is none. Under DDP the predictions of all processes are gathered first, so the
report covers the whole test split whatever the number of processes. The fit's validation scatter
(``fit_report.py``) is drawn by the same helpers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.utilities import rank_zero_info

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.data.noise_ceiling import noise_ceiling
from glass_lightning.data.snapshot import same_temperature, tau_alpha, temperature_key, type_name
from glass_lightning.training.collected_predictions import CollectedPredictions
from glass_lightning.training.metrics import pearson_per_temperature
from glass_lightning.training.plots import plot_pearson_vs_time, plot_prediction_scatter
from glass_lightning.training.tracking import mlflow_loggers


def selected_times(datamodule: object, temperature: float) -> np.ndarray | None:
    """The datamodule's selected times at ``temperature`` (its ``times`` dict), or None if unknown."""
    known = getattr(datamodule, "times", None) or {}
    matches = [values for key, values in known.items() if same_temperature(float(key), temperature)]
    return np.asarray(matches[0], dtype=np.float64) if matches else None


def closest_timescale(times: np.ndarray, tau_alpha: float | None) -> int:
    """Index of the time closest to tau_alpha on a log scale; the middle one when tau_alpha is unknown."""
    if tau_alpha is None or tau_alpha <= 0:
        return len(times) // 2
    return int(np.argmin(np.abs(np.log(times) - np.log(tau_alpha))))


def test_noise_ceilings(datamodule: object, temperatures: list[float]) -> dict[float, np.ndarray]:
    """Per temperature, the (num_types, T) mean over test configurations of the replica-noise ceiling
    at the served timescales (data/noise_ceiling.py); temperatures whose files cannot tell are left out."""
    if not hasattr(datamodule, "split_snapshots") or not hasattr(datamodule, "timescales"):
        return {}
    ceilings: dict[float, list[np.ndarray]] = {}
    for snapshot in datamodule.split_snapshots("test"):
        ceiling = noise_ceiling(snapshot)
        if ceiling is not None:
            ceilings.setdefault(snapshot.temperature, []).append(ceiling[datamodule.timescales].T)
    return {
        temperature: np.nanmean(ceilings[temperature], axis=0)
        for temperature in temperatures
        if temperature in ceilings
    }


def temperature_metrics(stage: str, tables: dict[str, dict[float, np.ndarray]]) -> dict[str, float]:
    """``{stage}/T{T}/{name}_{type}_t{k}`` for every finite value of every (name -> temperature -> (types, T)) table."""
    return {
        f"{stage}/T{temperature:g}/{name}_{type_name(label)}_t{k}": float(value)
        for name, by_temperature in tables.items()
        for temperature, values in by_temperature.items()
        for label, row in enumerate(values)
        for k, value in enumerate(row)
        if np.isfinite(value)
    }


def format_table(
    times: dict[float, np.ndarray],
    pooled: dict[float, np.ndarray],
    per_configuration: dict[float, np.ndarray],
    label: int,
    ceilings: dict[float, np.ndarray] | None = None,
) -> str:
    """Text table of one type's test Pearson per timescale, one block per temperature, with the
    replica-noise ceiling of the test targets where known."""
    lines = [f"Test Pearson correlation, type {type_name(label)}"]
    for temperature in sorted(pooled):
        lines.append(f"T = {temperature:g}")
        lines.append(f"  {'time':<18}" + "".join(f"{time:>9.3g}" for time in times[temperature]))
        rows = [("pooled", pooled[temperature][label]), ("per configuration", per_configuration[temperature][label])]
        if ceilings and temperature in ceilings:
            rows.append(("noise ceiling", ceilings[temperature][label]))
        for name, values in rows:
            lines.append(f"  {name:<18}" + "".join(f"{value:>9.3f}" for value in values))
    return "\n".join(lines)


def correlations_per_temperature(
    data: dict[str, torch.Tensor], num_types: int
) -> tuple[dict[float, np.ndarray], dict[float, np.ndarray]]:
    """Pooled and per-configuration Pearson, (num_types, T) per temperature, of collected predictions."""
    scores = pearson_per_temperature(
        data["prediction"], data["target"], data["node_type"], data["graph"], data["temperature"], num_types
    )
    return {key: values[0] for key, values in scores.items()}, {key: values[1] for key, values in scores.items()}


def timescale_times(
    datamodule: object, temperatures: list[float], num_timescales: int
) -> tuple[dict[float, np.ndarray], str]:
    """The selected times per temperature from the datamodule and their axis label; timescale indices + 1
    when it does not know them all."""
    times = {temperature: selected_times(datamodule, temperature) for temperature in temperatures}
    if any(values is None or len(values) != num_timescales for values in times.values()):
        indices = np.arange(1, num_timescales + 1, dtype=float)
        return {temperature: indices for temperature in temperatures}, "timescale index + 1"
    return times, "time t (LJ units)"


def scatter_panels(
    datamodule: object,
    split: str,
    data: dict[str, torch.Tensor],
    times: dict[float, np.ndarray],
    pooled: dict[float, np.ndarray],
) -> list[dict]:
    """Panels of :func:`plot_prediction_scatter`, one per temperature of ``pooled``: the collected ``data`` of
    ``split`` at the timescale closest to the split's tau_alpha, titled with the time and type A's pooled Pearson."""
    snapshots = datamodule.split_snapshots(split) if hasattr(datamodule, "split_snapshots") else []
    graph_temperature = np.array([temperature_key(value) for value in data["temperature"]])  # as scored
    panels = []
    for temperature in pooled:
        tau = tau_alpha([snapshot for snapshot in snapshots if same_temperature(snapshot.temperature, temperature)])
        timescale = closest_timescale(times[temperature], tau)
        chosen = graph_temperature[data["graph"].numpy()] == temperature
        tau_text = "unknown" if tau is None else f"{tau:.3g}"
        panels.append(
            {
                "title": f"T = {temperature:g}, t = {times[temperature][timescale]:.3g} (tau_alpha {tau_text})\n"
                f"r_A = {pooled[temperature][0][timescale]:.3f}",
                "true": data["target"][chosen, timescale].numpy(),
                "predicted": data["prediction"][chosen, timescale].numpy(),
                "node_type": data["node_type"][chosen].numpy(),
            }
        )
    return panels


class PearsonReport(Callback):
    """Collect test predictions and report Pearson per temperature, with figures (see module doc)."""

    def __init__(self) -> None:
        self._collected = CollectedPredictions()

    def on_test_epoch_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._collected.reset()

    def on_test_batch_end(self, trainer, pl_module, outputs, batch, batch_idx: int, dataloader_idx: int = 0) -> None:
        self._collected.add(outputs["prediction"], batch)

    def on_test_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        data = self._collected.merged(trainer)
        if not trainer.is_global_zero or data is None:
            return
        pooled, per_configuration = correlations_per_temperature(data, int(pl_module.hparams.num_types))
        temperatures = list(pooled)
        times, time_label = timescale_times(trainer.datamodule, temperatures, data["target"].shape[1])
        ceilings = test_noise_ceilings(trainer.datamodule, temperatures)
        tables = {"pearson": pooled, "pearson_per_configuration": per_configuration, "noise_ceiling": ceilings}
        metrics = temperature_metrics("test", tables)
        for logger in trainer.loggers:
            logger.log_metrics(metrics, step=trainer.global_step)
        table = format_table(times, pooled, per_configuration, 0, ceilings)
        rank_zero_info(table)
        self._write_artifacts(trainer, data, times, time_label, pooled, table)

    def _write_artifacts(self, trainer, data, times, time_label, pooled, table) -> None:
        loggers = mlflow_loggers(trainer)
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch) if loggers else Path(trainer.default_root_dir) / "test_report"
            directory.mkdir(parents=True, exist_ok=True)
            paths = [
                plot_pearson_vs_time(times, pooled, directory / "pearson_vs_time.png", time_label),
                plot_prediction_scatter(
                    scatter_panels(trainer.datamodule, "test", data, times, pooled), directory / "scatter_tau_alpha.png"
                ),
            ]
            paths.append(write_text_atomically(directory / "test_pearson.txt", table + "\n"))
            for logger in loggers:
                for path in paths:
                    logger.experiment.log_artifact(logger.run_id, str(path))
