"""``glass-lightning completion SHELL``: the shell completion script of ``glass-lightning``, written by shtab.

The script is made from the parsers themselves: one parser with a subparser per subcommand of cli.py's table,
each built by the subcommand's own parser function (light: no subcommand's libraries are imported). Options
that take a free-form value, and positional arguments, complete file names. The training subcommands (fit,
validate, test: LightningCLI's parser) complete their name only; ``lightning`` itself has none.

    glass-lightning completion bash > ~/.local/share/bash-completion/completions/glass-lightning
    glass-lightning completion zsh > "${fpath[1]}/_glass-lightning"
"""

from __future__ import annotations

import argparse
from pathlib import Path

SHELLS = ("bash", "zsh", "tcsh", "fish", "powershell")  # shtab's


def parser() -> argparse.ArgumentParser:
    from glass_lightning.command_parser import command_parser

    result = command_parser("completion", "Save it where your shell reads completions (see the module's doc).")
    result.add_argument("shell", choices=SHELLS)
    return result


def _takes_a_path(action: argparse.Action) -> bool:
    """An argument whose value is free-form text: most often a file or a folder."""
    return action.nargs != 0 and not action.choices and action.type in (None, str, Path)


def completion_parser() -> argparse.ArgumentParser:
    """``glass-lightning`` as one argparse parser: a subparser per subcommand, built by its parser function."""
    import shtab

    from glass_lightning.cli import SUBCOMMANDS, load

    top = argparse.ArgumentParser(prog="glass-lightning")
    top.add_argument("-V", "--version", action="store_true", help="print the version")
    subcommands = top.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    for name, subcommand in SUBCOMMANDS.items():
        parents = [load(subcommand.parser)()] if subcommand.parser else []
        sub = subcommands.add_parser(name, help=subcommand.summary, parents=parents, add_help=not parents)
        for action in sub._actions:
            if _takes_a_path(action):
                action.complete = shtab.FILE
    return top


def main(argv: list[str]) -> int:
    arguments = parser().parse_args(argv)
    import shtab

    print(shtab.complete(completion_parser(), shell=arguments.shell))
    return 0
