"""The argparse parser of a ``glass-lightning`` subcommand, and help in plain text.

Every subcommand's help opens with its one-line summary from the table of ``cli.py`` (the one home of
that line; ``glass-lightning --help`` lists it too), followed by the module's details. Help is shown in
plain text: the reST markup of a docstring used as help (double backquotes, ``:func:`name```) is
removed by :class:`PlainText`, a formatter mixin that LightningCLI's parser uses too.
"""

from __future__ import annotations

import argparse
import re

LITERAL = re.compile(r"``(.+?)``")
ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`]+?)`")  # :func:`name`, :py:class:`~module.Name`
EMPHASIS = re.compile(r"(?<![\w`])`([^`]+)`_{0,2}")  # `text`, a link `text`_


def plain_text(text: str) -> str:
    """``text`` without reST markup: double-backquoted code, roles and single-backquoted text keep their words."""
    text = ROLE.sub(lambda match: match[1].rpartition(".")[2] if match[0].count("~") else match[1], text)
    return EMPHASIS.sub(r"\1", LITERAL.sub(r"\1", text))


class PlainText:
    """Formatter mixin: descriptions, group titles and argument help without reST markup."""

    def start_section(self, heading: str | None) -> None:
        super().start_section(heading and plain_text(heading))

    def _format_text(self, text: str) -> str:
        return super()._format_text(plain_text(text))

    def _expand_help(self, action: argparse.Action) -> str:
        return plain_text(super()._expand_help(action))


class PlainTextHelpFormatter(PlainText, argparse.HelpFormatter):
    """argparse's formatter, in plain text."""


def command_parser(name: str, details: str = "", **options) -> argparse.ArgumentParser:
    """The parser of ``glass-lightning NAME``: its summary (cli.py's table), then ``details``."""
    from glass_lightning.cli import SUBCOMMANDS

    description = " ".join(part for part in (SUBCOMMANDS[name].summary, details.strip()) if part)
    return argparse.ArgumentParser(
        prog=f"glass-lightning {name}", description=description, formatter_class=PlainTextHelpFormatter, **options
    )
