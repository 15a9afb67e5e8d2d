"""Commands driven by one YAML file and a worker count (``sweep``, ``reproduce``): reading the
file as a mapping of known keys with errors that name the file and the key, and the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from glass_lightning.errors import GlassDataError


def require(source: str, key: str, ok: bool, problem: str) -> None:
    """Raise GlassDataError(source, key, problem) unless ``ok``."""
    if not ok:
        raise GlassDataError(source, key, problem)


def read_mapping(path: str | Path, keys: set[str], kind: str) -> dict[str, Any]:
    """The YAML mapping in ``path``; a missing file, another YAML type or an unknown key is an error."""
    source = str(path)
    require(source, "<file>", Path(path).is_file(), f"the {kind} file does not exist")
    raw = yaml.safe_load(Path(path).read_text()) or {}
    require(source, "<root>", isinstance(raw, dict), "expected a mapping")
    unknown = sorted(set(raw) - keys)
    require(source, unknown[0] if unknown else "", not unknown, f"unknown key; expected some of {sorted(keys)}")
    return raw


def run_file_command(
    argv: list[str], name: str, description: str, kind: str, workers_help: str,
    action: Callable[[str, int | None], Any], errors: tuple[type[Exception], ...] = (GlassDataError,),
) -> int:
    """``glass-lightning NAME --config FILE [--workers K]``: run ``action(file, workers)``; the
    expected ``errors`` are printed as one line and exit with status 1."""
    parser = argparse.ArgumentParser(prog=f"glass-lightning {name}", description=description)
    parser.add_argument("--config", required=True, help=f"the {kind} file (YAML)")
    parser.add_argument("--workers", type=int, default=None, help=workers_help)
    arguments = parser.parse_args(argv)
    try:
        action(arguments.config, arguments.workers)
    except errors as error:
        print(f"glass-lightning {name}: {error}", file=sys.stderr)
        return 1
    return 0
