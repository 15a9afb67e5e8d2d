"""The format of input files told by their names: one format per unambiguous extension, native where a
name fits several formats (``.npz``) or none, and a refusal of files of two formats."""

from pathlib import Path

import pytest

from glass_lightning.data.formats import inferred_format
from glass_lightning.errors import GlassDataError


def touch(folder: Path, *names: str) -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    return paths


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("config.extxyz", "extxyz"),
        ("config.xyz", "extxyz"),
        ("run.lammpstrj", "lammps-dump"),
        ("run.dump", "lammps-dump"),
        ("run.gsd", "gsd"),
        ("config.npz", "native"),  # also GlassBench's and BOTAN's pattern: native unless given
        ("isoconfig_N4096T0.44_10_tc07.npz", "native"),
        ("config.dat", "native"),  # no format owns it: the default, whose reader says what is wrong
    ],
)
def test_a_file_name_tells_its_format_where_only_one_owns_it(tmp_path, name, expected):
    (path,) = touch(tmp_path, name)
    assert inferred_format(path) == expected and inferred_format([str(path)]) == expected


def test_a_folder_and_a_glob_tell_the_format_of_their_files_ignoring_files_no_format_owns(tmp_path):
    touch(tmp_path / "dumps", "T0.44/a.lammpstrj", "T0.44/b.dump", "README.md")
    assert inferred_format(tmp_path / "dumps") == "lammps-dump"
    assert inferred_format(str(tmp_path / "dumps" / "**" / "*.lammpstrj")) == "lammps-dump"
    touch(tmp_path / "mixed", "a.npz", "b.extxyz")
    assert inferred_format(tmp_path / "mixed") == "native"  # as before inference: its .npz files are read


def test_files_of_two_formats_are_refused(tmp_path):
    paths = touch(tmp_path, "a.extxyz", "b.gsd")
    with pytest.raises(GlassDataError, match=r"several formats \(extxyz, gsd\): give their format"):
        inferred_format(paths)
