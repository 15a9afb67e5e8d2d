"""Markdown as the reports write it (RESULTS.md, the simulation, bench and device-check reports): tables, numbers."""

from __future__ import annotations

import math


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table; a ``|`` inside a cell (``|r|``) is escaped."""
    lines = [_row(header), "|" + "---|" * len(header)]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def number(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.3f}"


def count(value: int) -> str:
    """An integer with thin groups of thousands: 12 345."""
    return f"{value:,}".replace(",", " ")


def signed(value: float) -> str:
    return "+0.000" if round(value, 3) == 0 else f"{value:+.3f}"


def section_text(title: str, *paragraphs: str) -> str:
    """A ``## title`` section of the given paragraphs (tables and figure links included)."""
    return "\n\n".join([f"## {title}", *paragraphs])
