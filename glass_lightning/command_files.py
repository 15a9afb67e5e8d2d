"""Commands driven by one YAML file (``sweep``, ``reproduce``): the file read into a dataclass whose
fields are its keys, errors that name the file and the key, and the command line (light: Lightning is
imported once a file is read)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from glass_lightning.command_parser import command_parser
from glass_lightning.errors import GlassDataError
from glass_lightning.progress import add_progress_flag, hidden_progress
from glass_lightning.yaml_dataclass import file_fields, read_fields


def require(source: str, key: str, ok: bool, problem: str) -> None:
    """Raise GlassDataError(source, key, problem) unless ``ok``."""
    if not ok:
        raise GlassDataError(source, key, problem)


def number(source: str, key: str, value: Any) -> float:
    """``value`` as a float; YAML reads ``1e-3`` as a string, so a numeric string counts. Anything else fails."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GlassDataError(source, key, f"expected a number, got {value!r}") from None


def as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass(kw_only=True)
class FitsFile:
    """A file of fits: each starts from ``base_config`` (one file or a list, merged in order) with the
    dotted ``overrides`` set, like ``lightning fit --config ... --key value``. A subclass adds its keys
    as fields (no default: required) and checks them in ``__post_init__``."""

    KIND = "fits"
    source: str
    base_config: str | list[str]  # training config(s), merged in order like repeated --config
    overrides: dict[str, Any] = field(default_factory=dict)  # dotted config paths set in every fit
    tracking_uri: str | None = None  # default: $MLFLOW_TRACKING_URI, else sqlite:///mlruns/mlflow.db
    workers: int = 1  # processes on this machine (--workers overrides)

    @classmethod
    def load(cls, path: str | Path, settings: dict[str, Any] | None = None, workers: int | None = None):
        """Read and check the file; ``workers`` replaces the file's, ``settings`` (dotted path -> value,
        from the command line) join its overrides. Every mistake is reported here, before any fit."""
        source, raw = str(path), read_fields(path, cls, cls.KIND)
        for each in file_fields(cls):
            if each.default is MISSING and each.default_factory is MISSING:
                require(source, each.name, raw.get(each.name) not in (None, "", [], {}), "required")
        overrides = raw.get("overrides") or {}
        require(
            source,
            "overrides",
            isinstance(overrides, dict),
            f"expected a mapping of dotted config paths, got {overrides!r}",
        )
        raw["overrides"] = overrides | dict(settings or {})
        raw["workers"] = raw.get("workers") if workers is None else workers
        return cls(source=source, **{key: value for key, value in raw.items() if value is not None})

    def __post_init__(self) -> None:
        from glass_lightning.training.tracking import chosen_tracking_uri  # Lightning: once a file is read

        self.base_config = [str(path) for path in as_list(self.base_config)]
        self.tracking_uri = self.tracking_uri or chosen_tracking_uri()
        ok = isinstance(self.workers, int) and self.workers >= 1
        require(self.source, "workers", ok, f"expected a positive integer, got {self.workers!r}")

    def checked(self, files: list[str], entries: dict[str, tuple[str, Any]] | None = None, base_field="base_config"):
        """The training config of ``files`` with the overrides and ``entries`` (file key -> (dotted path,
        value)) set, parsed by the CLI; a bad one names the entry of this file that set it."""
        from glass_lightning.training.run import check_fit, fit_arguments

        overrides = {f"overrides.{key}": (key, value) for key, value in self.overrides.items()}
        return check_fit(self.source, fit_arguments(files), overrides | (entries or {}), base_field)


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``["KEY=VALUE", ...]`` -> {KEY: VALUE}, each value read as YAML (numbers, lists, strings)."""
    settings = {}
    for item in items:
        key, separator, value = item.partition("=")
        require("--set", item, bool(separator and key), "expected KEY=VALUE")
        settings[key] = yaml.safe_load(value)
    return settings


def file_command_parser(name: str, kind: str, workers_help: str, details: str = "") -> argparse.ArgumentParser:
    """``glass-lightning NAME --config FILE [--workers K] [--set KEY=VALUE ...] [--no-progress]``."""
    parser = command_parser(name, details)
    parser.add_argument("--config", required=True, help=f"the {kind} file (YAML)")
    parser.add_argument("--workers", type=int, default=None, help=workers_help)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a dotted training-config path and its value, added to the file's overrides (e.g. data.init_args.paths=DIR)",
    )
    add_progress_flag(parser)
    return parser


def run_file_command(
    parser: argparse.ArgumentParser,
    arguments: argparse.Namespace,
    action: Callable[[str, int | None, dict[str, Any]], Any],
    errors: tuple[type[Exception], ...] = (GlassDataError,),
) -> int:
    """Run ``action(file, workers, settings)`` on the ``arguments`` parsed by ``parser`` (:func:`file_command_parser`;
    parsed first, so that --help and a usage error need none of the action's imports); the expected ``errors``
    are printed as one line and exit with status 1."""
    try:
        with hidden_progress(arguments.no_progress):
            action(arguments.config, arguments.workers, parse_settings(arguments.set))
    except errors as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    return 0
