"""``glass-lightning simulate``: generate a Kob–Andersen dataset (and optionally its report)."""

from __future__ import annotations

import argparse
import time

from glass_lightning.simulate.config import QUICK, load_config
from glass_lightning.simulate.dataset import generate
from glass_lightning.simulate.engine import available_platforms, platform_by_name
from glass_lightning.simulate.report import write_report


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="glass-lightning simulate",
        description="Simulate the 3D Kob-Andersen mixture with OpenMM and write iso-configurational propensities. "
        "Existing configuration files are kept, so a killed run resumes where it stopped.",
    )
    result.add_argument("--config", help="YAML file of parameters (see configs/simulate/ka3d-mini.yaml)")
    result.add_argument("--output", help="output directory (overrides the config)")
    result.add_argument("--platform", help=f"OpenMM platform (overrides the config); here: {', '.join(available_platforms())}")
    result.add_argument("--workers", type=int, help="replica worker processes (0 = one per core)")
    result.add_argument("--quick", action="store_true", help="tiny preset that runs in seconds (tests, smoke checks)")
    result.add_argument(
        "--trajectories", action="store_true", help="also write each replica's frames at the propensity times (extxyz)"
    )
    result.add_argument("--report", action="store_true", help="write the validation report (markdown + PNG) afterwards")
    result.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
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
        paths = generate(config, progress=not arguments.no_progress)
    except KeyboardInterrupt:
        print(f"\ninterrupted; the configuration files written so far are complete: re-run to resume into {config.output}")
        return 130
    print(f"{len(paths)} configurations in {config.output} ({time.monotonic() - start:.1f} s)")
    if arguments.report:
        print(f"report: {write_report(config)}")
    return 0
