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


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``["KEY=VALUE", ...]`` -> {KEY: VALUE}, each value read as YAML (numbers, lists, strings)."""
    settings = {}
    for item in items:
        key, separator, value = item.partition("=")
        require("--set", item, bool(separator and key), "expected KEY=VALUE")
        settings[key] = yaml.safe_load(value)
    return settings


def run_file_command(
    argv: list[str],
    name: str,
    description: str,
    kind: str,
    workers_help: str,
    action: Callable[..., Any],
    errors: tuple[type[Exception], ...] = (GlassDataError,),
    settable: bool = False,
) -> int:
    """``glass-lightning NAME --config FILE [--workers K]``: run ``action(file, workers)``; the
    expected ``errors`` are printed as one line and exit with status 1. With ``settable``,
    ``--set KEY=VALUE`` (repeatable) is passed on as ``action(file, workers, settings)``."""
    parser = argparse.ArgumentParser(prog=f"glass-lightning {name}", description=description)
    parser.add_argument("--config", required=True, help=f"the {kind} file (YAML)")
    parser.add_argument("--workers", type=int, default=None, help=workers_help)
    if settable:
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a dotted training-config path and its value, added to the file's overrides (e.g. data.init_args.paths=DIR)",
        )
    arguments = parser.parse_args(argv)
    try:
        if settable:
            action(arguments.config, arguments.workers, parse_settings(arguments.set))
        else:
            action(arguments.config, arguments.workers)
    except errors as error:
        print(f"glass-lightning {name}: {error}", file=sys.stderr)
        return 1
    return 0
