"""Command-line entry points.

``glass-lightning SUBCOMMAND ...`` dispatches to the module that owns the subcommand;
``lightning fit|validate|test|predict ...`` is the LightningCLI training entry point (the
``lightning`` package no longer ships that command, so this package provides it).
Modules are imported only when their subcommand runs, so ``inspect`` never pays for e3nn.
"""

from __future__ import annotations

import importlib
import sys

from glass_lightning.allocator import restart_with_tuned_malloc
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
    "export-pretrained": "glass_lightning.pretrained.export:main",
}


def user_error(error: BaseException) -> str | None:
    """The one-line message of a failure the user's input caused: a GlassDataError anywhere in the chain of
    causes (jsonargparse wraps those raised while it builds a class from a config), or Lightning's
    MisconfigurationException (a trainer setting out of range); None for anything else (a bug: its traceback shows)."""
    from lightning.fabric.utilities.exceptions import MisconfigurationException

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (GlassDataError, MisconfigurationException)):
            return (str(error).strip().splitlines() or [type(error).__name__])[0]
        error = error.__cause__ or error.__context__
    return None


def _run(program: str, target: str, argv: list[str]) -> int | None:
    """Run ``target`` ("module:function") on ``argv``; a bad file or setting is one line on stderr, status 1."""
    module_name, function_name = target.split(":")
    try:
        return getattr(importlib.import_module(module_name), function_name)(argv)
    except Exception as error:
        reason = user_error(error)
        if reason is None:
            raise
        print(f"{program}: {reason}", file=sys.stderr)
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
    return _run(f"glass-lightning {name}", SUBCOMMANDS[name], rest)


def lightning_main(argv: list[str] | None = None) -> int | None:
    """``lightning fit|validate|test|predict ...``: LightningCLI's subcommands; ``fit`` is ``glass-lightning fit``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["fit"]:
        return _run("lightning fit", SUBCOMMANDS["fit"], argv[1:])
    return _run(" ".join(["lightning", *argv[:1]]), "glass_lightning.training.cli:run", argv)


def console_main() -> int | None:
    """The ``glass-lightning`` console script: :func:`main` with glibc's malloc tuned (allocator.py)."""
    restart_with_tuned_malloc(sys.argv)
    return main()


def lightning_console_main() -> int | None:
    """The ``lightning`` console script: :func:`lightning_main` with glibc's malloc tuned (allocator.py)."""
    restart_with_tuned_malloc(sys.argv)
    return lightning_main()


if __name__ == "__main__":  # python -m glass_lightning.cli, as the device check runs it
    sys.exit(console_main())
