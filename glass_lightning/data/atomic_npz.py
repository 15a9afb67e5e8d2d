"""Write files atomically: a temporary name in the same directory, then a rename, so a killed
writer never leaves a half-written file under the final name. Every file the project writes
goes through :func:`write_atomically`: arrays (npz), text (YAML, JSON, markdown) and figures (PNG).
A writer killed hard (SIGKILL, power loss) leaves its temporary ``.NAME.XXXXXXXX.partial`` behind:
a command that writes ``NAME`` again first clears them with :func:`remove_stale_partials`."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

PARTIAL_SUFFIX = ".partial"


def _partial_prefix(path: Path) -> str:
    """The start of the name of every temporary file that writes ``path``."""
    return f".{path.name}."


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Create ``path`` (and its folders) with ``write(stream)``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=_partial_prefix(path), suffix=PARTIAL_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; these files are for every reader
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_stale_partials(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Remove the temporary files that killed writers of ``paths`` left (``.NAME.*.partial`` beside
    each ``NAME``, nothing else); return them. Call it before writing ``paths`` again, not while
    another process writes them."""
    removed = []
    for path in map(Path, paths):
        pattern = glob.escape(_partial_prefix(path)) + "*" + PARTIAL_SUFFIX
        for stale in path.parent.glob(pattern):
            if stale.is_file():
                stale.unlink(missing_ok=True)
                removed.append(stale)
    return removed


def write_npz_atomically(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> Path:
    return write_atomically(path, lambda stream: np.savez_compressed(stream, **arrays))


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    return write_atomically(path, lambda stream: stream.write(text.encode()))


def save_figure_atomically(figure: Any, path: str | os.PathLike, **options: Any) -> Path:
    """Save a matplotlib ``figure`` as ``path`` (in the format of its suffix), atomically; ``options`` go to savefig."""
    image_format = Path(path).suffix.lstrip(".")
    return write_atomically(path, lambda stream: figure.savefig(stream, format=image_format, **options))
