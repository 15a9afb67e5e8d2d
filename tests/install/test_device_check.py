"""The CPU side of the device check: its report, its steps and their time limits, the gpu test selection,
and the install recipes for machines without network."""

import subprocess
import sys
from pathlib import Path

import pytest

from glass_lightning import device_check
from glass_lightning.device_check import Outcome, Step, render, run_step, steps

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_failing_step_and_a_step_out_of_time_are_reported_and_do_not_stop_the_check():
    failed = run_step(Step("fails", [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], 30))
    slow = run_step(
        Step("slow", [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(30)"], 2)
    )
    assert failed.status == "failed (exit 3)" and "boom" in failed.output
    assert slow.status == "timed out after 2 s" and "started" in slow.output  # what it printed before is kept
    report = render([failed, slow, Outcome(Step("ok", ["true"], 1), "passed", 0.5, "fine")], "2026-12-03 12:00 UTC")
    assert (
        "| fails | failed (exit 3) |" in report
        and "| slow | timed out after 2 s |" in report
        and "| ok | passed | 0.5 |" in report
    )
    assert report.count("```") == 6


def test_the_steps_cover_every_gpu_path_within_the_budget(tmp_path):
    chosen = steps(tmp_path / "data", tmp_path)
    assert [step.name for step in chosen] == [
        "environment",
        "gpu tests",
        "paper fit",
        "ddp nccl",
        "network bench",
        "simulator",
    ]
    assert sum(step.timeout for step in chosen) <= device_check.CHECK_BUDGET - 30  # 30 s left for the install
    assert ["-m", "gpu"] == chosen[1].command[3:5]
    assert "configs/paper.yaml" in chosen[2].command and "configs/trainer/ddp.yaml" in chosen[3].command


@pytest.mark.slow
def test_the_gpu_tests_exist_and_make_test_deselects_them():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "gpu", "tests/gpu"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0 and "test_cuda_is_there" in collected.stdout
    default = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/gpu"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert "test_cuda_is_there" not in default.stdout


def test_the_command_the_fit_steps_run_is_the_cli_itself():
    """``python -m glass_lightning.cli`` must run the dispatcher (a module that only defines it exits 0 silently)."""
    usage = subprocess.run([*device_check.CLI, "--help"], cwd=REPOSITORY, capture_output=True, text=True)
    unknown = subprocess.run([*device_check.CLI, "no-such-command"], cwd=REPOSITORY, capture_output=True, text=True)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: glass-lightning ")
    assert unknown.returncode == 2 and "unknown subcommand 'no-such-command'" in unknown.stderr


def test_a_fit_without_a_logger_needs_no_mlflow():
    """A GPU node has its own stack and no MLflow; the device check's fits run with ``--trainer.logger false``."""
    without_mlflow = "import sys; sys.modules['mlflow'] = None; import glass_lightning.training.run"
    finished = subprocess.run([sys.executable, "-c", without_mlflow], cwd=REPOSITORY, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr


def test_the_environment_step_writes_a_report(tmp_path, monkeypatch):
    monkeypatch.setattr(device_check, "SYNTHETIC_PARTICLES", 64)
    report = tmp_path / "report.md"
    device_check.main(["--report", str(report), "--only", "environment"])
    text = report.read_text()
    assert "| environment | passed |" in text and "torch " in text and "e3nn importable" in text


def make_dry_run(*arguments: str) -> str:
    return subprocess.run(["make", "-n", *arguments], cwd=REPOSITORY, capture_output=True, text=True, check=True).stdout


def test_offline_install_uses_only_the_wheelhouse_and_keeps_the_nodes_torch():
    recipe = make_dry_run("install-offline", "WHEELHOUSE=some/wheels", "PYTHON=/nonexistent/python")
    assert "--system-site-packages" in recipe and "--no-index --find-links some/wheels" in recipe
    assert " torch" not in recipe.replace("--editable", "")


def test_wheelhouses_take_locked_versions_and_leave_out_the_nodes_stack():
    (device,) = [
        line for line in make_dry_run("wheelhouse-device", "NODE_PYTHON=3.12").splitlines() if "pip download" in line
    ]
    assert "--python-version 3.12" in device and "--no-deps" in device
    lock = dict(line.split("==") for line in (REPOSITORY / "requirements.lock").read_text().split() if "==" in line)
    assert f"OpenMM=={lock['OpenMM']}" in device and f"vesin=={lock['vesin']}" in device and "torch" not in device
    full = make_dry_run("wheelhouse")
    assert "grep -v -i -E '^(torch|triton|nvidia-.*|cuda-.*|e3nn|lightning|" in full
