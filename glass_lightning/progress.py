"""Progress bars of the long commands, one setting for all of them.

A bar shows on a terminal only (tqdm's ``disable=None``: a log file or a pipe gets no carriage
returns), and never under ``--no-progress`` (:func:`add_progress_flag`, :func:`hidden_progress`),
which child processes inherit through tqdm's own ``TQDM_DISABLE``. While a command runs, log records
and warnings are written above the bars, each on a line of its own (:func:`messages_above_bars`).
tqdm is imported when a bar is made, so that a parser that adds the flag stays light.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

HIDDEN_VARIABLE = "TQDM_DISABLE"  # tqdm's own: also hides the bars of processes that were not made here


def add_progress_flag(parser: argparse.ArgumentParser) -> None:
    """``--no-progress``: the same flag and help on every long command."""
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bars (they show only on a terminal anyway)"
    )


@contextmanager
def hidden_progress(hidden: bool = True) -> Iterator[None]:
    """Within: no bar of this process or its children shows, when ``hidden``."""
    before = os.environ.get(HIDDEN_VARIABLE)
    if hidden:
        os.environ[HIDDEN_VARIABLE] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(HIDDEN_VARIABLE, None)
        else:
            os.environ[HIDDEN_VARIABLE] = before


def progress_hidden() -> bool:
    return os.environ.get(HIDDEN_VARIABLE, "").lower() not in ("", "0", "false")


def progress_bar(iterable: Iterable | None = None, *, show: bool = True, **options: Any):
    """A tqdm bar over ``iterable`` (or one updated by hand): on a terminal only, never when not ``show``
    (e.g. a few items) or when progress is hidden. ``options``: tqdm's (desc, total, unit, leave...)."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=True if not show or progress_hidden() else None, **options)


class _AboveBars(logging.Handler):
    """Writes each record through ``tqdm.write``: above the open bars, never glued onto one's line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record).rstrip("\n"), file=sys.stderr)
        except Exception:
            self.handleError(record)


@contextmanager
def messages_above_bars() -> Iterator[None]:
    """Within: log records and warnings (``warnings.warn``) go to stderr above the bars. Only where nothing
    configured logging already (the root logger has no handler), as ``logging.basicConfig`` would."""
    if logging.root.handlers:
        yield
        return
    handler = _AboveBars()
    logging.root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        logging.root.removeHandler(handler)
