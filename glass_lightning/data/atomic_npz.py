"""Write files atomically: a temporary name in the same directory, then a rename, so a killed
writer never leaves a half-written file under the final name. Every file the project writes
goes through :func:`write_atomically`: arrays (npz), text (YAML, JSON, markdown) and figures (PNG)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Create ``path`` (and its folders) with ``write(stream)``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; these files are for every reader
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_npz_atomically(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> Path:
    return write_atomically(path, lambda stream: np.savez_compressed(stream, **arrays))


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    return write_atomically(path, lambda stream: stream.write(text.encode()))


def save_figure_atomically(figure: Any, path: str | os.PathLike, **options: Any) -> Path:
    """Save a matplotlib ``figure`` as ``path`` (in the format of its suffix), atomically; ``options`` go to savefig."""
    image_format = Path(path).suffix.lstrip(".")
    return write_atomically(path, lambda stream: figure.savefig(stream, format=image_format, **options))
