"""What a run was made from: the git commit (unknown, never an error, outside a checkout) and a data
fingerprint that names files by content, not by where they lie."""

import subprocess
from pathlib import Path

import pytest

import glass_lightning
from glass_lightning.training.provenance import UNKNOWN, data_fingerprint, file_sha256, git_state

PACKAGE = Path(glass_lightning.__file__).parent


def test_the_commit_of_the_checkout_holding_the_code():
    expected = subprocess.run(["git", "-C", str(PACKAGE), "rev-parse", "HEAD"], capture_output=True, text=True)
    if expected.returncode != 0:
        pytest.skip("the package is not in a git checkout here")
    commit, dirty = git_state()
    assert commit == expected.stdout.strip() and isinstance(dirty, bool)


def test_outside_a_checkout_or_without_git_the_commit_is_unknown(tmp_path, monkeypatch):
    assert git_state(tmp_path) == (UNKNOWN, None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all
    assert git_state() == (UNKNOWN, None)


def _files(root: Path) -> dict[str, list[str]]:
    for name, text in (("T0.5/a.npz", "one"), ("T0.5/b.npz", "two"), ("T0.7/a.npz", "three")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return {"train": [str(root / "T0.5/b.npz"), str(root / "T0.5/a.npz")], "val": [str(root / "T0.7/a.npz")]}


def test_the_fingerprint_depends_on_names_contents_and_splits_not_on_the_folder(tmp_path):
    fingerprint, entries = data_fingerprint(_files(tmp_path / "here"))
    assert [(entry["split"], entry["file"]) for entry in entries] == [
        ("train", "T0.5/a.npz"),
        ("train", "T0.5/b.npz"),
        ("val", "T0.7/a.npz"),
    ]
    assert entries[0]["sha256"] == file_sha256(tmp_path / "here/T0.5/a.npz")
    elsewhere = _files(tmp_path / "there")
    assert data_fingerprint(elsewhere)[0] == fingerprint
    swapped = {"train": elsewhere["val"], "val": elsewhere["train"]}
    assert data_fingerprint(swapped)[0] != fingerprint
    (tmp_path / "there/T0.7/a.npz").write_text("changed")
    assert data_fingerprint(elsewhere)[0] != fingerprint
