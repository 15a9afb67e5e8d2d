"""Atomic writes: what a killed writer leaves behind, and how the next run clears it."""

import subprocess
import sys

from glass_lightning.data.atomic_npz import remove_stale_partials

KILLED_WRITER = (
    "import os, sys\n"
    "from glass_lightning.data.atomic_npz import write_atomically\n"
    "write_atomically(sys.argv[1], lambda stream: (stream.write(b'half'), stream.flush(), os._exit(9)))\n"
)


def killed_write(path) -> None:
    """Start writing ``path`` in another process that dies before the rename, as under SIGKILL."""
    assert subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)]).returncode == 9


def test_the_temporaries_of_killed_writers_of_a_file_are_removed_and_nothing_else(tmp_path):
    target = tmp_path / "config_000.npz"
    killed_write(target)
    killed_write(target)
    stale = sorted(tmp_path.glob(".config_000.npz.*.partial"))
    assert len(stale) == 2 and not target.exists()
    kept = [
        tmp_path / name
        for name in (".config_001.npz.abcd1234.partial", ".config_000.npz.partial", "config_000.npz.partial", "notes")
    ]
    for path in kept:
        path.write_text("not a temporary of config_000.npz")
    assert sorted(remove_stale_partials([target])) == stale
    assert sorted(tmp_path.iterdir()) == sorted(kept)
    assert remove_stale_partials([target, tmp_path / "missing" / "config_000.npz"]) == []
