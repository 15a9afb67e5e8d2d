"""The install path must work on any Linux machine: a portable lock, always used by make install."""

import re
import subprocess
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def locked_versions() -> dict[str, str]:
    lines = (REPOSITORY / "requirements.lock").read_text().splitlines()
    pins = [line.split("==", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.lower(): version for name, version in pins}


def test_lock_pins_every_package_without_a_local_version_label():
    versions = locked_versions()
    assert versions["torch"] == "2.13.0"
    labelled = {name: version for name, version in versions.items() if "+" in version}
    assert not labelled, f"local version labels only resolve where that local build exists: {labelled}"


def test_lock_requires_an_uncompromised_lightning():
    major, minor, patch = (int(part) for part in re.findall(r"\d+", locked_versions()["lightning"])[:3])
    assert (major, minor, patch) >= (2, 6, 4)


def dry_run_install(*make_arguments: str) -> list[str]:
    """The pip commands `make install` would run on a machine with nothing installed."""
    printed = subprocess.run(
        ["make", "--always-make", "--dry-run", "install", "VENV=/nonexistent-venv", *make_arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in printed.splitlines() if "pip install" in line]


def test_make_install_installs_everything_through_the_lock():
    commands = dry_run_install()
    assert len(commands) == 2 and all("--constraint requirements.lock" in command for command in commands)
    assert "--index-url" not in commands[0]


def test_torch_variable_chooses_the_wheel_index():
    torch_install = dry_run_install("TORCH=cu128")[0]
    assert torch_install.split().count("torch") == 1 and torch_install.endswith(
        "/whl/cu128 --constraint requirements.lock torch"
    )
