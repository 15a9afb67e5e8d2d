"""``glass-lightning simulate``: generate a Kob–Andersen dataset (and optionally its report)."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping

from glass_lightning.command_parser import command_parser
from glass_lightning.progress import add_progress_flag, hidden_progress
from glass_lightning.simulate.config import PLATFORMS_HELP, QUICK, load_config


def parser() -> argparse.ArgumentParser:
    result = command_parser(
        "simulate", "Existing configuration files are kept, so a killed run resumes where it stopped."
    )
    result.add_argument("--config", help="YAML file of parameters (see configs/simulate/ka3d-mini.yaml)")
    result.add_argument("--output", help="output directory (overrides the config)")
    result.add_argument("--platform", help=f"OpenMM platform (overrides the config): {PLATFORMS_HELP}")
    result.add_argument("--workers", type=int, help="replica worker processes (0 = one per core)")
    result.add_argument("--quick", action="store_true", help="tiny preset that runs in seconds (tests, smoke checks)")
    result.add_argument(
        "--shard",
        default="0/1",
        help="K/N: compute configurations K, K+N, ... only (a job array's task K of N); "
        "'slurm' reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT",
    )
    result.add_argument(
        "--sample-only", action="store_true", help="equilibrate and checkpoint every configuration, then stop"
    )
    result.add_argument(
        "--trajectories", action="store_true", help="also write each replica's frames at the propensity times (extxyz)"
    )
    result.add_argument("--report", action="store_true", help="write the validation report (markdown + PNG) afterwards")
    add_progress_flag(result)
    return result


def parse_shard(text: str, environment: Mapping[str, str]) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 0 <= K < N; ``"slurm"`` takes them from a SLURM job array (task ids from 0)."""
    if text == "slurm":
        missing = [name for name in ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT") if name not in environment]
        if missing:
            raise SystemExit(
                f"glass-lightning simulate: --shard slurm needs {' and '.join(missing)} (run it as a job array)"
            )
        task = int(environment["SLURM_ARRAY_TASK_ID"]) - int(environment.get("SLURM_ARRAY_TASK_MIN", 0))
        text = f"{task}/{environment['SLURM_ARRAY_TASK_COUNT']}"
    index, separator, count = text.partition("/")
    if not (separator and index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise SystemExit(f"glass-lightning simulate: expected --shard K/N with 0 <= K < N, got {text!r}")
    return int(index), int(count)


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    from glass_lightning.simulate.dataset import generate  # OpenMM, once the command runs
    from glass_lightning.simulate.engine import platform_by_name
    from glass_lightning.simulate.report import write_report

    overrides = dict(QUICK) if arguments.quick else {}
    for name in ("output", "platform", "workers"):
        if getattr(arguments, name) is not None:
            overrides[name] = getattr(arguments, name)
    if arguments.trajectories:
        overrides["trajectories"] = True
    config = load_config(arguments.config, overrides)
    platform_by_name(config.platform, config.source)
    start = time.monotonic()
    try:
        with hidden_progress(arguments.no_progress):
            paths = generate(
                config, not arguments.no_progress, parse_shard(arguments.shard, os.environ), arguments.sample_only
            )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted; the configuration files written so far are complete: re-run to resume into {config.output}"
        )
        return 130
    print(f"{len(paths)} configurations in {config.output} ({time.monotonic() - start:.1f} s)")
    if arguments.report and not arguments.sample_only:
        print(f"report: {write_report(config)}")
    return 0
