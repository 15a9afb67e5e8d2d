"""``glass-lightning reproduce --config configs/experiments/X.yaml [--workers K]``: the paper's
experiments on one dataset, every fit an MLflow run, then RESULTS.md and its figures.

Order: the experiment file and the data are checked; the fits that need nothing else run
(in K processes); then the transfer fits, which start from their checkpoints; then the analyses
without training (energy baseline, bond orders); then the report. Re-running resumes: fits with
a record are read back, not trained again.
"""

from __future__ import annotations

import time

from glass_lightning.command_files import run_file_command
from glass_lightning.errors import GlassDataError
from glass_lightning.experiments.energy import energy_baseline
from glass_lightning.experiments.fits import evaluation_snapshots
from glass_lightning.experiments.interpretability import invariants_against_bond_order
from glass_lightning.experiments.plan import Plan
from glass_lightning.experiments.report.context import ReportContext
from glass_lightning.experiments.report.document import write_results
from glass_lightning.experiments.runner import FitsFailed, run_fits
from glass_lightning.experiments.spec import ExperimentSpec, load_experiment
from glass_lightning.training.tracking import ensure_experiment, log_to_run


def _interpretability(spec: ExperimentSpec, plan: Plan, records: dict, tests: dict) -> dict[float, dict]:
    """Temperature -> first-layer invariants against bond orders; logged in each fit's run."""
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


def data_summary(plan: Plan, records: dict, tests: dict) -> dict:
    """Sizes quoted in the report: particles, training and test configurations per temperature."""
    temperature = plan.temperatures[0]
    alone = [record for record in records.values() if len(record["train_temperatures"] or []) == 1]
    trained = alone[0]["train_configurations"]
    return {"particles": tests[temperature][0].num_particles, "train": trained, "test": len(tests[temperature])}


def reproduce(config_path: str, workers: int | None = None, settings: dict | None = None) -> ExperimentSpec:
    spec = load_experiment(config_path, settings, workers)
    tests = evaluation_snapshots(spec.configs[spec.studied_model].data.as_dict())
    plan = Plan(spec, sorted(tests))
    ensure_experiment(spec.tracking_uri, spec.experiment_name)
    started = time.monotonic()
    records = run_fits(spec, plan.first_phase(), "fits")
    context = ReportContext(spec, plan, records)
    if "transfer" in spec.experiments:
        context.transfer = plan.transfer({t: records[plan.studied(t).key]["checkpoint"] for t in plan.temperatures})
        records |= run_fits(spec, list(context.transfer.values()), "transfer fits")
    if "comparison" in spec.experiments:
        target = records[plan.studied(plan.temperatures[0]).key]["data"]["target"]
        context.energy = energy_baseline(spec, tests, target)
    if "interpretability" in spec.experiments:
        context.interpretability = _interpretability(spec, plan, records, tests)
    write_results(context, config_path, data_summary(plan, records, tests))
    seconds = time.monotonic() - started
    print(f"reproduce {spec.name}: {len(records)} fits, {seconds:.0f} s; wrote {spec.results} and {spec.figures_dir}/")
    return spec


def main(argv: list[str]) -> int:
    workers_help = "parallel fit processes (default: the experiment file's)"
    errors = (GlassDataError, FitsFailed)
    return run_file_command(argv, "reproduce", __doc__.split("\n\n")[0], "experiment", workers_help, reproduce, errors)
