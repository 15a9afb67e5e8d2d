"""One results file for several experiment files: each owns a part between ``<!-- begin NAME -->`` and
``<!-- end NAME -->``, which its next run replaces; the other parts stay as they are. A file written
before the markers holds one experiment's report unmarked, under its title: that report is the
experiment's part."""

from __future__ import annotations

import re

MARKED = re.compile(r"<!-- begin (?P<name>[^>]+?) -->\n.*?<!-- end (?P=name) -->\n?", re.DOTALL)


def marked(name: str, body: str) -> str:
    return f"<!-- begin {name} -->\n{body.rstrip()}\n<!-- end {name} -->\n"


def with_part(document: str, name: str, body: str, title: str) -> str:
    """``document`` with the part of ``name`` replaced by ``body`` (between its markers), or added at the
    end; unmarked text that starts with ``title`` (an older, unmarked report of ``name``) is replaced too."""
    pieces: list[tuple[str | None, str]] = []  # (name of a marked part or None, its text), in order
    position = 0
    for match in MARKED.finditer(document):
        pieces.append((None, document[position : match.start()]))
        pieces.append((match["name"], match.group(0)))
        position = match.end()
    pieces.append((None, document[position:]))
    ours = [index for index, (owner, _) in enumerate(pieces) if owner == name]
    ours = ours or [index for index, (owner, text) in enumerate(pieces) if owner is None and _starts(text, title)]
    if not ours:
        kept = document.rstrip()
        return f"{kept}\n\n{marked(name, body)}" if kept else marked(name, body)
    first, *others = ours
    part = marked(name, body)
    if pieces[first][0] is None and "".join(text for _, text in pieces[first + 1 :]).strip():
        part += "\n"  # an unmarked report ran up to the next part: keep a blank line before it
    kept = [part if index == first else text for index, (_, text) in enumerate(pieces) if index not in others]
    return "".join(kept)


def _starts(text: str, title: str) -> bool:
    return text.lstrip().startswith(title + "\n")
