"""The potential-energy baseline: how well does each particle's inherent-structure energy alone
predict its propensity? No learning, the same test configurations, both Pearson conventions,
logged as an MLflow run of its own like every fit."""

from __future__ import annotations

from pathlib import Path

from glass_lightning.data.snapshot import Snapshot
from glass_lightning.experiments.evaluation import score_node_input
from glass_lightning.experiments.records import read_record, score_metrics, scores_record, write_record
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.training.tracking import log_to_run, open_store, start_run

ENERGIES = ("inherent_potential_energy", "potential_energy")  # the first one the files have


def energy_baseline(spec: ExperimentSpec, test_snapshots: dict[float, list[Snapshot]], target: str) -> dict | None:
    """The baseline's record (kept in ``output_dir/energy.json``), or None when the files hold no energy."""
    path = Path(spec.output_dir) / "energy.json"
    if path.is_file():
        return read_record(path)
    snapshots = [snapshot for group in test_snapshots.values() for snapshot in group]
    available = [name for name in ENERGIES if all(getattr(snapshot, name) is not None for snapshot in snapshots)]
    if not available:
        return None
    num_types = max(int(snapshot.types.max()) for snapshot in snapshots) + 1
    scores = score_node_input(available[0], target, test_snapshots, num_types)
    run_id = start_run(spec.tracking_uri, spec.experiment_name, f"{available[0]} baseline")
    try:
        log_to_run(spec.tracking_uri, run_id, score_metrics(scores), {"reproduce.node_input": available[0]})
    except Exception:
        open_store(spec.tracking_uri).set_terminated(run_id, "FAILED")
        raise
    open_store(spec.tracking_uri).set_terminated(run_id)
    record = {"label": f"{available[0]} (no learning)", "run_id": run_id, "experiment": spec.experiment_name}
    record |= {"node_input": available[0], "scores": scores_record(scores)}
    write_record(path, record)
    return record
