"""What a run was made from: the code's git commit, the package version and a fingerprint of the data files.

None of it may stop a run: outside a git checkout (an installed package, no ``git`` program) the commit
is ``"unknown"``. The data fingerprint is the sha256 of the sorted (split, file name, file sha256) lines
of every file the data module reads, file names relative to the files' common folder; so the same
files under the same split give the same fingerprint wherever they lie.
"""

from __future__ import annotations

import glob
import hashlib
import os
import subprocess
from pathlib import Path

import glass_lightning

UNKNOWN = "unknown"
GIT_SECONDS = 10
SPLITS = ("train", "val", "test")
CHUNK_BYTES = 1 << 20


def _git(directory: Path, *arguments: str) -> str | None:
    """The output of a read-only git command in ``directory``; None when git fails or is missing."""
    command = ["git", "--no-optional-locks", "-C", str(directory), *arguments]  # takes no lock on the index
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=GIT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state(directory: Path | None = None) -> tuple[str, bool | None]:
    """(commit, has uncommitted changes to tracked files) of the checkout holding ``directory`` (default: this
    package's code); ``("unknown", None)`` when that code is not tracked by a git checkout (an installed copy)."""
    directory = Path(directory or Path(glass_lightning.__file__).parent)
    if _git(directory, "ls-files", "--error-unmatch", ".") is None:
        return UNKNOWN, None
    commit = _git(directory, "rev-parse", "HEAD")
    if not commit:
        return UNKNOWN, None
    changes = _git(directory, "status", "--porcelain", "--untracked-files=no")
    return commit, None if changes is None else bool(changes)


def package_version() -> str:
    return glass_lightning.__version__


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def source_files(source: str) -> list[str]:
    """The files of a snapshot source: the file itself, or those of a file pattern (BOTAN's ``..._tc*.npz``)."""
    return [source] if Path(source).is_file() else sorted(glob.glob(source))


def split_files(datamodule: object) -> dict[str, list[str]]:
    """The files of each split that the data module serves (its ``sources(split)``); empty when it cannot tell."""
    sources = getattr(datamodule, "sources", None)
    if sources is None:
        return {}
    return {split: [path for source in sources(split) for path in source_files(str(source))] for split in SPLITS}


def data_fingerprint(files: dict[str, list[str]]) -> tuple[str, list[dict[str, str]]]:
    """The fingerprint of the split -> files map (see module doc) and its entries, one per file:
    ``{"split", "file", "sha256"}`` in sorted order."""
    paths = [Path(path).resolve() for paths in files.values() for path in paths]
    common = Path(os.path.commonpath([path.parent for path in paths])) if paths else Path()
    entries = [
        {"split": split, "file": Path(path).resolve().relative_to(common).as_posix(), "sha256": file_sha256(path)}
        for split, paths in files.items()
        for path in paths
    ]
    entries.sort(key=lambda entry: (entry["split"], entry["file"]))
    lines = "".join(f"{entry['split']}\t{entry['file']}\t{entry['sha256']}\n" for entry in entries)
    return hashlib.sha256(lines.encode()).hexdigest(), entries
