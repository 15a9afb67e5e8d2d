"""The console scripts start with glibc's malloc tuned; the user's own settings win."""

import os
import subprocess
import sys
from importlib.metadata import entry_points

from glass_lightning.allocator import SETTINGS, TUNABLES_VARIABLE, tuned_environment
from glass_lightning.cli import console_main, lightning_console_main


def test_the_settings_are_added_to_what_the_environment_has():
    tuned = tuned_environment({"PATH": "/bin", TUNABLES_VARIABLE: "glibc.rtld.nns=2"}, libc="glibc")
    assert tuned["PATH"] == "/bin"
    items = tuned[TUNABLES_VARIABLE].split(":")
    assert items[0] == "glibc.rtld.nns=2" and sorted(items[1:]) == sorted(f"{k}={v}" for k, v in SETTINGS.items())


def test_a_users_own_malloc_setting_keeps_its_value_and_nothing_changes_once_tuned():
    own = tuned_environment({TUNABLES_VARIABLE: "glibc.malloc.mmap_threshold=1048576"}, libc="glibc")
    assert own[TUNABLES_VARIABLE] == f"glibc.malloc.mmap_threshold=1048576:glibc.malloc.trim_threshold={4 * 2**30}"
    assert tuned_environment(own, libc="glibc") is None


def test_opted_out_or_another_c_library_is_left_alone():
    assert tuned_environment({"GLASS_LIGHTNING_MALLOC": "system"}, libc="glibc") is None
    assert tuned_environment({}, libc="") is None


def test_a_script_restarts_once_with_the_settings_and_its_arguments(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import os, sys\n"
        "from glass_lightning.allocator import restart_with_tuned_malloc\n"
        "print('started', flush=True)\n"
        "restart_with_tuned_malloc(sys.argv)\n"
        "print(os.environ['GLIBC_TUNABLES'], sys.argv[1:])\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != TUNABLES_VARIABLE}
    finished = subprocess.run(
        [sys.executable, str(script), "a b", "c"], env=environment, capture_output=True, text=True, check=True
    )
    lines = finished.stdout.splitlines()
    assert lines[:2] == ["started", "started"] and len(lines) == 3  # one restart, then it runs on
    assert all(f"{name}={value}" in lines[2] for name, value in SETTINGS.items()) and "['a b', 'c']" in lines[2]


def test_both_console_scripts_go_through_the_tuned_entry_points():
    scripts = {
        point.name: point.load()
        for point in entry_points(group="console_scripts")
        if point.dist.name == "glass_lightning"
    }
    assert scripts["glass-lightning"] is console_main and scripts["lightning"] is lightning_console_main
