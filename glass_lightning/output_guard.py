"""No command writes over its input: an output path that is, contains, or lies inside one of the
command's input paths is refused before anything is read or written.

Inputs are given as the commands accept them: files, folders or globs (a glob stands for every
path it matches). Paths are compared after resolving symbolic links, so a link to the input folder
is the input folder. An output beside an input (``outputs/inherent/NAME`` for ``data/NAME``) is fine.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from glass_lightning.errors import GlassDataError


def _resolved_inputs(inputs: Iterable[str | os.PathLike]) -> list[tuple[str, Path]]:
    """(input as given, resolved path) of every path the inputs name, globs expanded."""
    named = []
    for entry in inputs:
        text = str(entry)
        matches = glob.glob(text, recursive=True) if glob.has_magic(text) else [text]
        named += [(text, Path(match).resolve()) for match in matches]
    return named


def _relation(output: Path, path: Path) -> str | None:
    """How ``output`` overlaps the input ``path`` (both resolved), or None where they are apart."""
    if output == path:
        return "is"
    if output in path.parents:
        return "contains"
    if path in output.parents:
        return "lies inside"
    return None


def check_output_apart(output: str | os.PathLike, inputs: Iterable[str | os.PathLike]) -> None:
    """Refuse an ``output`` path that is, contains or lies inside one of ``inputs`` (see module doc)."""
    resolved = Path(output).resolve()
    for entry, path in _resolved_inputs(inputs):
        relation = _relation(resolved, path)
        if relation is not None:
            shown = entry if Path(entry).resolve() == path else f"{path} (from {entry})"
            problem = f"the output {relation} the input {shown}: choose an output apart from the inputs"
            raise GlassDataError(output, "output", problem)
