"""``glass-lightning reproduce --config configs/experiments/X.yaml [--workers K]``: the paper's
experiments on one dataset, every fit an MLflow run, then RESULTS.md and its figures.

Order: the experiment file and the data are checked; the fits that need nothing else run
(in K processes); then the transfer fits, which start from their checkpoints; then the analyses
without training (energy baselines, bond orders); then the report, with this run's wall time from
start to end. Re-running resumes: fits with a record are read back, not trained again.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from glass_lightning.command_files import file_command_parser, run_file_command
from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    from glass_lightning.experiments.plan import Plan
    from glass_lightning.experiments.spec import ExperimentSpec


def _interpretability(spec: ExperimentSpec, plan: Plan, records: dict, tests: dict) -> dict[float, dict]:
    """Temperature -> first-layer invariants against bond orders; logged in each fit's run."""
    from glass_lightning.experiments.interpretability import invariants_against_bond_order
    from glass_lightning.training.tracking import log_to_run

    results = {}
    for temperature in plan.temperatures:
        record = records[plan.studied(temperature).key]
        result = invariants_against_bond_order(record["checkpoint"], tests[temperature], spec.bond_order_cutoff)
        metrics = {
            f"interpretability/l{l}_{species}": value
            for l, row in zip(result["l"], result["correlation"])
            for species, value in zip(result["species"], row)
        }
        log_to_run(spec.tracking_uri, record["run_id"], metrics)
        results[temperature] = result
    return results


def scored_snapshots(spec: ExperimentSpec, plan: Plan) -> dict[int | None, dict[float, list]]:
    """Fold number (None without folds) -> temperature -> the configurations its comparison fits are scored on."""
    from glass_lightning.experiments.dataset import evaluation_snapshots

    studied, seed = spec.studied_model, spec.seeds[0]
    scored: dict[int | None, dict[float, list]] = {}
    for (model, temperature, fit_seed, fold), fit in plan.comparison.items():
        if (model, fit_seed) == (studied, seed):
            snapshots = evaluation_snapshots(fit.config.data.as_dict(), spec.evaluation_split)[temperature]
            scored.setdefault(fold, {})[temperature] = snapshots
    return scored


def data_summary(plan: Plan, records: dict, tests: dict) -> dict:
    """Sizes quoted in the report: particles, training and scored configurations per temperature."""
    temperature = plan.temperatures[0]
    alone = [record for record in records.values() if len(record["train_temperatures"] or []) == 1]
    trained = alone[0]["train_configurations"]
    return {"particles": tests[temperature][0].num_particles, "train": trained, "test": len(tests[temperature])}


def reproduce(config_path: str, workers: int | None = None, settings: dict | None = None) -> ExperimentSpec:
    # torch, Lightning, MLflow and e3nn, once the experiments run
    from glass_lightning.experiments.dataset import evaluation_snapshots, split_files
    from glass_lightning.experiments.energy import energy_baselines
    from glass_lightning.experiments.plan import Plan
    from glass_lightning.experiments.report.context import ReportContext
    from glass_lightning.experiments.report.document import write_results
    from glass_lightning.experiments.runner import pending_fits, run_fits
    from glass_lightning.experiments.spec import load_experiment
    from glass_lightning.training.tracking import ensure_experiment

    started = time.monotonic()
    spec = load_experiment(config_path, settings, workers)
    studied_data = spec.configs[spec.studied_model].data.as_dict()
    tests = evaluation_snapshots(studied_data, spec.evaluation_split)
    plan = Plan(spec, sorted(tests), split_files(studied_data))
    ensure_experiment(spec.tracking_uri, spec.experiment_name)
    fits = plan.first_phase()
    trained = len(pending_fits(spec, fits))
    records = run_fits(spec, fits, "fits")
    context = ReportContext(spec, plan, records)
    if "transfer" in spec.experiments:
        context.transfer = plan.transfer({t: records[plan.studied(t).key]["checkpoint"] for t in plan.temperatures})
        trained += len(pending_fits(spec, list(context.transfer.values())))
        records |= run_fits(spec, list(context.transfer.values()), "transfer fits")
    if "comparison" in spec.experiments:
        target = records[plan.studied(plan.temperatures[0]).key]["data"]["target"]
        context.energy = energy_baselines(spec, scored_snapshots(spec, plan), target)
    if "interpretability" in spec.experiments:
        context.interpretability = _interpretability(spec, plan, records, tests)
    context.trained, context.wall_seconds = trained, time.monotonic() - started
    write_results(context, config_path, data_summary(plan, records, tests))
    seconds = time.monotonic() - started
    print(f"reproduce {spec.name}: {len(records)} fits, {seconds:.0f} s; wrote {spec.results} and {spec.figures_dir}/")
    return spec


def parser() -> argparse.ArgumentParser:
    workers_help = "parallel fit processes (default: the experiment file's)"
    return file_command_parser("reproduce", "experiment", workers_help, __doc__.split("\n\n")[1])


def main(argv: list[str]) -> int:
    command = parser()
    arguments = command.parse_args(argv)
    from glass_lightning.experiments.runner import FitsFailed

    return run_file_command(command, arguments, reproduce, (GlassDataError, FitsFailed))
