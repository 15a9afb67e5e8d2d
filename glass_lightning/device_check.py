"""The device check: every GPU path of the project, run once on a GPU machine, in one report.

``scripts/device-check.sh`` installs the project into the machine's own CUDA torch environment from
``wheelhouse-device/`` (no network) and runs ``python -m glass_lightning.device_check``. Each step
runs as a child process under its own time limit; a step that fails or runs out of time is
reported and the next one runs, so one report always comes back (the report is rewritten after
every step, so even a killed check leaves the steps done so far). The steps:
    environment   torch, CUDA device, versions, importable tensor-product backends
    gpu tests     pytest -m gpu (the tests that need a GPU; ``make test`` deselects them)
    paper fit     a few steps of configs/paper.yaml on synthetic 4096-particle snapshots
    ddp nccl      a few steps of configs/ka3d-mini.yaml with configs/trainer/ddp.yaml on one GPU
    network bench glass-lightning bench on the GPU (every importable backend; without the torch.compile
                  cases, whose minutes of compiling the step's time limit does not hold)
    simulator     OpenMM CUDA platform, replica throughput
Put the report's figures in BENCHMARKS.md, with the date.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.markdown import table

CHECK_BUDGET = 8 * 60.0  # seconds for the whole check, install included; the step limits below sum to 450
SYNTHETIC_PARTICLES = 4096
PYTHON = sys.executable
CLI = [PYTHON, "-m", "glass_lightning.cli"]
ENVIRONMENT_PROBE = """
import importlib.util, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0), f"{torch.cuda.get_device_properties(0).total_memory / 2**30:.0f} GiB")
for name in ("e3nn", "lightning", "torch_geometric", "openmm", "cuequivariance_torch", "openequivariance", "mlflow"):
    spec = importlib.util.find_spec(name)
    print(name, "importable" if spec else "MISSING")
"""


@dataclass
class Step:
    name: str
    command: list[str]
    timeout: float  # seconds


@dataclass
class Outcome:
    step: Step
    status: str  # "passed", "failed (exit N)", "timed out"
    seconds: float
    output: str


def steps(data: Path, scratch: Path) -> list[Step]:
    """The check's steps; ``data`` holds the synthetic snapshots, ``scratch`` their outputs."""
    quick_fit = [
        "--data.init_args.paths",
        str(data),
        "--data.init_args.format",
        "native",
        "--trainer.logger",
        "false",
        "--trainer.max_epochs",
        "1",
        "--trainer.limit_train_batches",
        "3",
        "--trainer.limit_val_batches",
        "1",
        "--trainer.default_root_dir",
        str(scratch),
        "--trainer.enable_progress_bar",
        "false",
    ]
    return [
        Step("environment", [PYTHON, "-c", ENVIRONMENT_PROBE], 30),
        Step("gpu tests", [PYTHON, "-m", "pytest", "-m", "gpu", "-q", "-p", "no:cacheprovider", "tests/gpu"], 75),
        Step(
            "paper fit", [*CLI, "fit", "--config", "configs/paper.yaml", *quick_fit, "--test_after_fit", "false"], 100
        ),
        Step(
            "ddp nccl",
            [
                *CLI,
                "fit",
                "--config",
                "configs/ka3d-mini.yaml",
                "--config",
                "configs/trainer/ddp.yaml",
                "--trainer.devices",
                "1",
                *quick_fit,
            ],
            75,
        ),
        Step(
            "network bench",
            [
                *CLI,
                "bench",
                "--only",
                "networks",
                "data",
                "--skip-fully-connected",
                "--skip-compiled",
                "--skip-simulator",
                "--repeats",
                "1",
                "--output",
                str(scratch / "bench.md"),
            ],
            110,
        ),
        Step(
            "simulator",
            [
                PYTHON,
                "-c",
                "from glass_lightning.bench.simulator_timing import replica_throughput as r; "
                "print(r(4096, 4, 2000, 1, 'CUDA'))",
            ],
            60,
        ),
    ]


def run_step(step: Step) -> Outcome:
    start = time.monotonic()
    try:
        finished = subprocess.run(step.command, capture_output=True, text=True, timeout=step.timeout)
        status = "passed" if finished.returncode == 0 else f"failed (exit {finished.returncode})"
        output = finished.stdout + finished.stderr
    except subprocess.TimeoutExpired as expired:
        status = f"timed out after {step.timeout:g} s"
        output = "".join(
            part.decode() if isinstance(part, bytes) else part for part in (expired.stdout, expired.stderr) if part
        )
    return Outcome(step, status, time.monotonic() - start, output)


def render(outcomes: list[Outcome], started: str, tail_lines: int = 25) -> str:
    """The report: a summary table, then the end of each step's output."""
    rows = [[o.step.name, o.status, f"{o.seconds:.1f}"] for o in outcomes]
    lines = [f"# Device check, {started}", "", table(["step", "status", "seconds"], rows)]
    for outcome in outcomes:
        tail = outcome.output.strip().splitlines()[-tail_lines:]
        lines += ["", f"## {outcome.step.name}", "", f"`{' '.join(outcome.step.command)}`", "", "```", *tail, "```"]
    return "\n".join(lines) + "\n"


def write_synthetic_snapshots(directory: Path, count: int = 4, num_particles: int = SYNTHETIC_PARTICLES) -> Path:
    """``count`` synthetic snapshots at one temperature (random structure; the check times the path, not the science)."""
    from glass_lightning.data.formats.native import write_snapshot
    from glass_lightning.data.synthetic import synthetic_snapshot

    for seed in range(count):
        write_snapshot(
            directory / f"config_{seed:03d}.npz", synthetic_snapshot(num_particles, temperature=0.5, seed=seed)
        )
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m glass_lightning.device_check", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--report", default="device-check.md", help="the report file (markdown)")
    parser.add_argument("--only", nargs="+", help="run only these steps (names as in the report)")
    arguments = parser.parse_args(argv)
    started, start = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="device-check-") as scratch:
        data = write_synthetic_snapshots(Path(scratch) / "data")
        chosen = [step for step in steps(data, Path(scratch)) if not arguments.only or step.name in arguments.only]
        outcomes: list[Outcome] = []
        for step in chosen:
            print(f"device check: {step.name} ...", flush=True)
            outcomes.append(run_step(step))
            print(f"device check: {step.name}: {outcomes[-1].status} ({outcomes[-1].seconds:.0f} s)", flush=True)
            write_text_atomically(Path(arguments.report), render(outcomes, started))
    print(f"report: {arguments.report} ({time.monotonic() - start:.0f} s of a {CHECK_BUDGET:.0f} s budget)")
    return 0 if all(outcome.status == "passed" for outcome in outcomes) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
