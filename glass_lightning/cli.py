"""Command-line entry points.

``glass-lightning SUBCOMMAND ...`` dispatches to the module that owns the subcommand;
``lightning fit|validate|test|predict ...`` is the LightningCLI training entry point (the
``lightning`` package no longer ships that command, so this package provides it).
Modules are imported only when their subcommand runs, and a subcommand's module imports torch,
Lightning, e3nn, OpenMM, MLflow, Optuna and matplotlib only once it runs, so that ``--help`` is
instant (tests/test_cli_help.py). :data:`SUBCOMMANDS` is the one table of the subcommands and their
summaries: ``glass-lightning --help`` lists them, each subcommand's ``--help`` opens with its own
(command_parser.py), ``glass-lightning completion`` completes them (completion.py).
"""

from __future__ import annotations

import importlib
import sys
from typing import NamedTuple

from glass_lightning.allocator import restart_with_tuned_malloc
from glass_lightning.errors import GlassDataError


class Subcommand(NamedTuple):
    target: str  # "module:function", called with the remaining argv list
    summary: str  # one line: the subcommand's own --help opens with it
    parser: str | None = None  # "module:function" building its argparse parser; None: LightningCLI's (or none)


SUBCOMMANDS: dict[str, Subcommand] = {
    "inspect": Subcommand(
        "glass_lightning.data.inspect:main",
        "Summarize a glass dataset: files, N, composition, box, temperatures, times, targets, neighbours.",
        "glass_lightning.data.inspect:parser",
    ),
    "propensity": Subcommand(
        "glass_lightning.data.propensity:main",
        "Propensity and MSD of one configuration from its iso-configurational replica runs.",
        "glass_lightning.data.propensity:parser",
    ),
    "simulate": Subcommand(
        "glass_lightning.simulate.command:main",
        "Simulate the 3D Kob-Andersen mixture with OpenMM and write iso-configurational propensities.",
        "glass_lightning.simulate.command:parser",
    ),
    "quench": Subcommand(
        "glass_lightning.simulate.quench:main",
        "Give configurations their inherent structures, as native files to train on with positions: inherent.",
        "glass_lightning.simulate.quench:parser",
    ),
    "validate-physics": Subcommand(
        "glass_lightning.simulate.validate_physics:main",
        "Check the simulator against the published propensity of a Kob-Andersen configuration.",
        "glass_lightning.simulate.validate_physics:parser",
    ),
    "fit": Subcommand("glass_lightning.training.run:main", "Train a network (lightning fit: --config FILE ...)."),
    "validate": Subcommand("glass_lightning.training.cli:validate", "Evaluate a checkpoint on the validation set."),
    "test": Subcommand("glass_lightning.training.cli:test", "Evaluate a checkpoint on the test set."),
    "predict": Subcommand(
        "glass_lightning.training.predict_command:main",
        "The learned structural order parameter of any configuration, from a checkpoint alone.",
        "glass_lightning.training.predict_command:parser",
    ),
    "probe": Subcommand(
        "glass_lightning.training.probe_command:main",
        "Ridge probes on a network's frozen invariant features.",
        "glass_lightning.training.probe_command:parser",
    ),
    "curves": Subcommand(
        "glass_lightning.training.curves:main",
        "Learning curves of MLflow runs in one figure.",
        "glass_lightning.training.curves:parser",
    ),
    "sweep": Subcommand(
        "glass_lightning.sweep.command:main",
        "Run (or resume) a hyperparameter sweep of a sweep file.",
        "glass_lightning.sweep.command:parser",
    ),
    "reproduce": Subcommand(
        "glass_lightning.experiments.command:main",
        "The paper's experiments on one dataset (MLflow runs), then RESULTS.md and its figures.",
        "glass_lightning.experiments.command:parser",
    ),
    "bench": Subcommand(
        "glass_lightning.bench.command:main",
        "Time SE3Net against its references, the recipe network, the data path and the simulator; write BENCHMARKS.md.",
        "glass_lightning.bench.command:parser",
    ),
    "bench-ddp": Subcommand(
        "glass_lightning.training.ddp_throughput:main",
        "Training throughput (samples/s) with 1, 2, ... DDP processes.",
        "glass_lightning.training.ddp_throughput:parser",
    ),
    "export-pretrained": Subcommand(
        "glass_lightning.pretrained.export:main",
        "Write the checkpoint a trained network ships as.",
        "glass_lightning.pretrained.export:parser",
    ),
    "completion": Subcommand(
        "glass_lightning.completion:main",
        "Print the shell completion script of glass-lightning (bash, zsh, tcsh, fish, powershell).",
        "glass_lightning.completion:parser",
    ),
}


def version(package: str = "glass_lightning") -> str:
    """The installed version of ``package``."""
    from importlib import metadata

    return metadata.version(package)


def overview() -> str:
    """``glass-lightning --help``: every subcommand with its summary."""
    width = max(map(len, SUBCOMMANDS))
    lines = [f"  {name:<{width}}  {subcommand.summary}" for name, subcommand in SUBCOMMANDS.items()]
    return "\n".join(
        [
            "usage: glass-lightning [--help] [--version] SUBCOMMAND ...",
            "",
            "SE(3)-equivariant graph neural networks for glassy liquids, on PyTorch Lightning.",
            "",
            "subcommands:",
            *lines,
            "",
            "Run 'glass-lightning SUBCOMMAND --help' for the options of one; 'lightning fit --help' for training's.",
        ]
    )


def load(target: str):
    """The function ``target`` ("module:function") names, its module imported now."""
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


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
    from glass_lightning.progress import messages_above_bars

    try:
        with messages_above_bars():
            return load(target)(argv)
    except Exception as error:
        reason = user_error(error)
        if reason is None:
            raise
        print(f"{program}: {reason}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int | None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(overview())
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        print(f"glass-lightning {version()}")
        return 0
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"glass-lightning: unknown subcommand {name!r}; expected one of {sorted(SUBCOMMANDS)}", file=sys.stderr)
        return 2
    return _run(f"glass-lightning {name}", SUBCOMMANDS[name].target, rest)


def lightning_main(argv: list[str] | None = None) -> int | None:
    """``lightning fit|validate|test|predict ...``: LightningCLI's subcommands; ``fit`` is ``glass-lightning fit``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["-V"], ["--version"]):
        print(f"lightning {version('lightning')} (glass-lightning {version()})")
        return 0
    if argv[:1] == ["fit"]:
        return _run("lightning fit", SUBCOMMANDS["fit"].target, argv[1:])
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
