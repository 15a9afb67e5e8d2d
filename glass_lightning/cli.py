"""Command-line entry points.

``glass-lightning SUBCOMMAND ...`` dispatches to the module that owns the subcommand;
``lightning fit|validate|test|predict ...`` is the LightningCLI training entry point (the
``lightning`` package no longer ships that command, so this package provides it).
Modules are imported only when their subcommand runs, so ``inspect`` never pays for e3nn.
"""

from __future__ import annotations

import importlib
import sys

from glass_lightning.errors import GlassDataError

# subcommand -> "module:function"; each function takes the remaining argv list.
SUBCOMMANDS: dict[str, str] = {
    "inspect": "glass_lightning.data.inspect:main",
    "propensity": "glass_lightning.data.propensity:main",
    "simulate": "glass_lightning.simulate.command:main",
    "bench": "glass_lightning.bench.command:main",
    "sweep": "glass_lightning.sweep.command:main",
    "bench-ddp": "glass_lightning.training.ddp_throughput:main",
    "reproduce": "glass_lightning.experiments.command:main",
    "probe": "glass_lightning.training.probe:main",
    "quench": "glass_lightning.simulate.quench:main",
    "curves": "glass_lightning.training.curves:main",
    "fit": "glass_lightning.training.run:main",
    "validate": "glass_lightning.training.cli:validate",
    "test": "glass_lightning.training.cli:test",
    "predict": "glass_lightning.training.predict:main",
}


def _run(name: str, argv: list[str]) -> int | None:
    """Run subcommand ``name``; a bad file or setting it did not report itself is one line on stderr, status 1."""
    module_name, function_name = SUBCOMMANDS[name].split(":")
    try:
        return getattr(importlib.import_module(module_name), function_name)(argv)
    except GlassDataError as error:
        print(f"glass-lightning {name}: {error}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int | None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        names = ", ".join(sorted(SUBCOMMANDS))
        print(
            f"usage: glass-lightning {{{names}}} ...\n\nRun 'glass-lightning SUBCOMMAND --help' for the options of one."
        )
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"glass-lightning: unknown subcommand {name!r}; expected one of {sorted(SUBCOMMANDS)}", file=sys.stderr)
        return 2
    return _run(name, rest)


def lightning_main(argv: list[str] | None = None) -> int | None:
    """``lightning fit|validate|test|predict ...``: LightningCLI's subcommands; ``fit`` is ``glass-lightning fit``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["fit"]:
        return _run("fit", argv[1:])
    from glass_lightning.training.cli import run

    run(argv)
