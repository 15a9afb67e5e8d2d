"""Write files atomically: a temporary name in the same directory, then a rename, so a killed
writer never leaves a half-written file under the final name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

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
