"""Progress bars show on a terminal only, never under --no-progress, and messages go above them, not onto them."""

import io
import logging
import re
import warnings

import pytest

from glass_lightning import cli
from glass_lightning.progress import HIDDEN_VARIABLE, hidden_progress, messages_above_bars, progress_bar

LONG_COMMANDS = "inspect simulate quench propensity validate-physics predict sweep reproduce bench".split()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch) -> Terminal:
    """A terminal, and progress not hidden by the environment the tests run in."""
    monkeypatch.delenv(HIDDEN_VARIABLE, raising=False)
    return Terminal()


def test_a_bar_shows_on_a_terminal_only(terminal):
    assert not progress_bar(range(3), file=terminal).disable
    assert progress_bar(range(3), file=io.StringIO()).disable  # a log file or a pipe
    assert progress_bar(range(3), file=terminal, show=False).disable


def test_no_progress_hides_every_bar_within_and_restores_the_setting(terminal):
    with hidden_progress(True):
        assert progress_bar(range(3), file=terminal).disable
    assert not progress_bar(range(3), file=terminal).disable
    with hidden_progress(False):
        assert not progress_bar(range(3), file=terminal).disable


@pytest.mark.parametrize("name", [*LONG_COMMANDS, "bench-ddp"])
def test_every_long_command_takes_no_progress(name):
    parser = cli.load(cli.SUBCOMMANDS[name].parser)()
    assert "--no-progress" in parser._option_string_actions


def test_warnings_and_log_records_are_written_above_an_open_bar(terminal, monkeypatch):
    monkeypatch.setattr("sys.stderr", terminal)  # here: pytest sets its own stderr after the fixtures
    monkeypatch.setattr(logging.root, "handlers", [])  # as on the command line: nothing configured logging
    with messages_above_bars():
        bar = progress_bar(total=3, desc="predicting")
        bar.update()
        warnings.warn("the file's times differ from the model's")
        logging.getLogger("glass_lightning.data.graph_recipe").warning("no target at t = 3")
        bar.close()
    lines = re.split("[\r\n]", terminal.getvalue())  # what a terminal shows: \r returns to the line's start
    for message in ("UserWarning: the file's times differ from the model's", "no target at t = 3"):
        (line,) = [line for line in lines if message in line]
        assert "predicting" not in line, line  # not glued onto the bar
    assert not logging.root.handlers
