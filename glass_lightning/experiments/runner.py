"""Run a list of fits, in ``workers`` parallel processes when asked, with a progress bar.

Each process trains one fit at a time with ``cores / workers`` torch threads. Fits that fail do
not stop the others; their errors are reported together at the end, and the records already
written stay, so a re-run only repeats what is missing.
"""

from __future__ import annotations

import traceback
from concurrent.futures import as_completed

from glass_lightning.experiments.fits import record_path, run_fit
from glass_lightning.experiments.plan import Fit
from glass_lightning.experiments.records import read_record
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.progress import hidden_progress, progress_bar
from glass_lightning.worker_pool import worker_pool


class FitsFailed(RuntimeError):
    """Some fits raised; the message names each with its error."""


def _run_in_worker(spec: ExperimentSpec, fit: Fit) -> dict:
    try:
        return run_fit(spec, fit)
    except Exception as error:  # the traceback does not survive pickling: send it as text
        raise FitsFailed(f"{fit.label}: {type(error).__name__}: {error}\n{traceback.format_exc()}") from None


def pending_fits(spec: ExperimentSpec, fits: list[Fit]) -> list[Fit]:
    """The fits without a record: those ``run_fits`` trains."""
    return [fit for fit in fits if not record_path(spec, fit).is_file()]


def run_fits(spec: ExperimentSpec, fits: list[Fit], description: str) -> dict[str, dict]:
    """Fit key -> record for every fit, in order (existing records are read, the others trained)."""
    pending = pending_fits(spec, fits)
    records = {fit.key: read_record(record_path(spec, fit)) for fit in fits if fit not in pending}
    if not pending:
        return records
    failures = []
    progress = progress_bar(total=len(pending), desc=description, unit="fit")
    # children inherit hidden bars (progress.py): this bar reports progress, not each fit's bars
    with hidden_progress(), worker_pool(min(spec.workers, len(pending))) as pool:
        futures = {pool.submit(_run_in_worker, spec, fit): fit for fit in pending}
        for future in as_completed(futures):
            fit = futures[future]
            try:
                records[fit.key] = future.result()
                progress.set_postfix_str(f"{fit.label}: {records[fit.key]['wall_seconds']:.0f} s")
            except Exception as error:
                failures.append(str(error))
            progress.update()
    progress.close()
    if failures:
        raise FitsFailed(f"{len(failures)} of {len(pending)} fits failed:\n" + "\n".join(failures))
    return {fit.key: records[fit.key] for fit in fits}  # in the plan's order, whatever finished first
