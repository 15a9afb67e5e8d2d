"""glibc's malloc tuned for training steps whose tensors are hundreds of megabytes.

By default glibc serves every block above a dynamic threshold (at most 32 MiB) with its own
``mmap`` and hands it back to the kernel with ``munmap`` when freed, so every large tensor of
every step is faulted in page by page again: on the real-data recipe (N = 4096, cutoff 2.5)
the kernel spent more time than the program (BENCHMARKS.md, "Recipe network").
With both thresholds at 4 GiB freed blocks stay in the process and are reused.

The settings must be in the environment when the process starts (glibc reads ``GLIBC_TUNABLES``
before any Python code runs), so the console scripts (``glass-lightning``, ``lightning``) start
themselves again once with them (:func:`restart_with_tuned_malloc`); processes they spawn (sweep
and experiment workers, DDP) inherit them. A malloc tunable the user set keeps the user's value;
``GLASS_LIGHTNING_MALLOC=system`` leaves the allocator as glibc sets it; other C libraries are left alone.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

TUNABLES_VARIABLE = "GLIBC_TUNABLES"
OPT_OUT_VARIABLE = "GLASS_LIGHTNING_MALLOC"
SETTINGS = {"glibc.malloc.mmap_threshold": str(4 * 2**30), "glibc.malloc.trim_threshold": str(4 * 2**30)}


def _tunables(environment: Mapping[str, str]) -> list[str]:
    """The ``name=value`` items of ``GLIBC_TUNABLES``."""
    return [item for item in environment.get(TUNABLES_VARIABLE, "").split(":") if item]


def untuned_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """``environment`` without :data:`SETTINGS` (and the opt-out): malloc as glibc sets it (benchmarks compare)."""
    kept = [item for item in _tunables(environment) if item.split("=", 1)[0] not in SETTINGS]
    untuned = {name: value for name, value in environment.items() if name not in (TUNABLES_VARIABLE, OPT_OUT_VARIABLE)}
    return {**untuned, TUNABLES_VARIABLE: ":".join(kept)} if kept else untuned


def tuned_environment(environment: Mapping[str, str], libc: str | None = None) -> dict[str, str] | None:
    """``environment`` with :data:`SETTINGS` added to ``GLIBC_TUNABLES``; None when there is nothing to add
    (all there or set by the user, opted out, or not glibc)."""
    libc = platform.libc_ver()[0] if libc is None else libc
    if libc != "glibc" or environment.get(OPT_OUT_VARIABLE) == "system":
        return None
    present = _tunables(environment)
    named = {item.split("=", 1)[0] for item in present}
    missing = [f"{name}={value}" for name, value in SETTINGS.items() if name not in named]
    if not missing:
        return None
    return {**environment, TUNABLES_VARIABLE: ":".join([*present, *missing])}


def restart_with_tuned_malloc(argv: Sequence[str]) -> None:
    """Replace this process by the same script (``argv[0]``, a Python file) with the tuned allocator,
    unless it already has it; returns only when nothing was to change."""
    environment = tuned_environment(os.environ)
    if environment is None or not Path(argv[0]).is_file():
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *argv], environment)
