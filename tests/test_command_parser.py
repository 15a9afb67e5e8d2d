"""Help in plain text: the reST markup of docstrings is removed, and a subcommand's help opens with its summary."""

import argparse

import pytest

from glass_lightning import cli
from glass_lightning.command_parser import PlainTextHelpFormatter, command_parser, plain_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("``--ckpt`` also takes a name", "--ckpt also takes a name"),
        ("see :func:`read_checkpoint` and :class:`~glass_lightning.models.SE3Net`", "see read_checkpoint and SE3Net"),
        (":py:meth:`SE3Net.first_layer_invariants`", "SE3Net.first_layer_invariants"),
        ("the `BOTAN dataset`_ and `torch.compile`", "the BOTAN dataset and torch.compile"),
        ("plain text, it's (N, T) and 1e-3", "plain text, it's (N, T) and 1e-3"),
    ],
)
def test_plain_text_keeps_the_words_of_the_markup(text, expected):
    assert plain_text(text) == expected


def test_descriptions_group_titles_and_argument_help_are_plain():
    parser = argparse.ArgumentParser(
        prog="x", description="Reads ``positions: inherent``.", formatter_class=PlainTextHelpFormatter
    )
    group = parser.add_argument_group("Options of :class:`GlassModule`")
    group.add_argument("--ckpt", help="see :func:`resolve_checkpoint` (default %(default)s)", default="``a``")
    text = parser.format_help()
    assert "Reads positions: inherent." in text and "Options of GlassModule:" in text
    assert "see resolve_checkpoint (default a)" in text and "`" not in text


def test_a_subcommand_parser_opens_with_its_summary_from_the_table():
    parser = command_parser("inspect", "More about ``it``.")
    assert parser.prog == "glass-lightning inspect"
    assert parser.description == f"{cli.SUBCOMMANDS['inspect'].summary} More about ``it``."
    assert "More about it." in parser.format_help()
