"""The potential-energy baselines: how well does each particle's energy alone (thermal, or of the
inherent structure) predict its propensity? No learning, the configurations the fits are scored on
(each fold's own, with folds), both Pearson conventions, each logged as an MLflow run of its own like
every fit. The correlation keeps its sign: positive where the particles of higher energy move more."""

from __future__ import annotations

from pathlib import Path

from glass_lightning.command_files import require
from glass_lightning.data.snapshot import Snapshot
from glass_lightning.experiments.evaluation import score_node_input
from glass_lightning.experiments.records import (
    evaluated_files_record,
    read_record,
    score_metrics,
    scores_record,
    write_record,
)
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.training.tracking import log_to_run, open_store, start_run

ENERGIES = ("inherent_potential_energy", "potential_energy")  # by default the first one the files have
ENERGY_LABELS = {"inherent_potential_energy": "IS energy", "potential_energy": "thermal energy"}


def _held(name: str, snapshots: list[Snapshot]) -> bool:
    return all(getattr(snapshot, name, None) is not None for snapshot in snapshots)


def energy_names(spec: ExperimentSpec, snapshots: list[Snapshot]) -> list[str]:
    """The spec's ``energy_inputs`` (each one the files must hold), or the first of :data:`ENERGIES` they hold."""
    if not spec.energy_inputs:
        return [name for name in ENERGIES if _held(name, snapshots)][:1]
    for name in spec.energy_inputs:
        require(spec.source, "energy_inputs", _held(name, snapshots), f"the scored configurations hold no {name}")
    return spec.energy_inputs


def _baseline(spec: ExperimentSpec, name: str, fold: int | None, snapshots: dict[float, list[Snapshot]], target: str):
    """The record of one energy on one fold's configurations (kept in ``output_dir/energy``)."""
    suffix = "" if fold is None else f", fold {fold}"
    path = Path(spec.output_dir) / "energy" / f"{name}{'' if fold is None else f'-fold{fold}'}.json"
    if path.is_file():
        return read_record(path)
    every = [snapshot for group in snapshots.values() for snapshot in group]
    num_types = max(int(snapshot.types.max()) for snapshot in every) + 1
    scores = score_node_input(name, target, snapshots, num_types)
    run_id = start_run(spec.tracking_uri, spec.experiment_name, f"{name} baseline{suffix}")
    try:
        log_to_run(spec.tracking_uri, run_id, score_metrics(scores), {"reproduce.node_input": name})
    except Exception:
        open_store(spec.tracking_uri).set_terminated(run_id, "FAILED")
        raise
    open_store(spec.tracking_uri).set_terminated(run_id)
    record = {"label": f"{name} (no learning){suffix}", "run_id": run_id, "experiment": spec.experiment_name}
    record |= {"node_input": name, "fold": fold, "evaluated_files": evaluated_files_record(snapshots)}
    record |= {"scores": scores_record(scores)}
    write_record(path, record)
    return record


def energy_baselines(
    spec: ExperimentSpec, scored: dict[int | None, dict[float, list[Snapshot]]], target: str
) -> list[dict]:
    """One record per energy and fold; ``scored``: fold number (None: no folds) -> temperature -> the
    configurations that fold's fits are scored on."""
    every = [snapshot for folds in scored.values() for group in folds.values() for snapshot in group]
    names = energy_names(spec, every)
    return [_baseline(spec, name, fold, snapshots, target) for fold, snapshots in scored.items() for name in names]
