"""Every kind of bad input raises GlassDataError naming the file, the field and what was expected."""

import re

import numpy as np
import pytest
from published_layouts import N, configuration, write_bapst, write_botan, write_glassbench

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats import read_snapshots
from glass_lightning.errors import GlassDataError

POSITIONS, TYPES = configuration(0)


def _raises(path, field, expected, *read_arguments, **read_keywords):
    with pytest.raises(GlassDataError, match=re.escape(f"{path}: field '{field}'") + ".*" + expected):
        read_snapshots(path, *read_arguments, **read_keywords)


@pytest.mark.parametrize(
    "overrides, field, expected",
    [
        ({"md_prop": None}, "md_prop", "missing key"),
        ({"md_prop": np.ones((9, N))}, "md_prop", r"expected shape \(10, 64\)"),
        ({"initial_positions": POSITIONS[:, :2]}, "initial_positions", r"expected shape \(\*, 3\)"),
        ({"types": TYPES.astype(float) + 0.5}, "types", "expected integer labels"),
        ({"initial_positions": np.where(np.arange(N)[:, None] == 3, np.nan, POSITIONS)}, "initial_positions", "NaN or inf"),
        ({"bb_prop": np.full((10, N), np.inf)}, "bb_prop", "NaN or inf"),
        ({"types": np.where(np.arange(N) == 0, 2, TYPES)}, "types", r"unknown labels \[2\]"),
        ({"initial_positions": np.where(np.arange(N)[:, None] == 1, POSITIONS[0] + 0.01, POSITIONS)}, "positions", "on top of each other"),
    ],
)
def test_glassbench_bad_fields(tmp_path, overrides, field, expected):
    _raises(write_glassbench(tmp_path, **overrides), field, expected, "glassbench")


def test_botan_replicas_of_the_wrong_shape(tmp_path):
    (path,) = write_botan(tmp_path, time_indices=(3,), positions=np.zeros((2, N - 1, 3)))
    _raises(path, "positions", r"expected shape \(\*, 64, 3\)", "botan")


def test_botan_time_index_outside_the_grid(tmp_path):
    (path,) = write_botan(tmp_path, time_indices=(11,))
    _raises(path, "<file name>", "outside the 10-point grid", "botan")


@pytest.mark.parametrize(
    "overrides, field, expected",
    [
        ({"trajectory_target_positions": [[POSITIONS]] * 9}, "trajectory_target_positions", r"one entry per time index \(10\)"),
        ({"metadata": {"pressure": 1.0}}, "metadata", "'temperature' entry"),
        ({"time_indices": np.arange(15, 25)}, "time_indices", "indices into 'time'"),
        ({"box": np.ones(2)}, "box", "one length or three"),
    ],
)
def test_bapst_bad_fields(tmp_path, overrides, field, expected):
    _raises(write_bapst(tmp_path, **overrides), field, expected, "bapst", allow_pickle=True)


@pytest.mark.parametrize("format, name", [("native", "broken.npz"), ("glassbench", "N64T0.44_0.npz"), ("bapst", "broken.pickle")])
def test_unreadable_files(tmp_path, format, name):
    path = tmp_path / name
    path.write_bytes(b"\x00not a dataset file")
    _raises(path, "<file>", "unreadable", format, allow_pickle=True)


def test_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    _raises(tmp_path / "empty", "<path>", "no dataset files in this directory", "native")


def test_glob_matching_nothing(tmp_path):
    _raises(str(tmp_path / "*.npz"), "<path>", "no dataset files in this glob", "native")


def test_mixed_particle_numbers(tmp_path):
    write_glassbench(tmp_path, index=0)
    positions, types = configuration(1, num_particles=N + 1)
    write_glassbench(tmp_path, index=1, types=types, initial_positions=positions, initial_positions_inherent=positions,
                     initial_positions_cage=positions, md_prop=np.ones((10, N + 1)), bb_prop=np.ones((10, N + 1)))
    with pytest.raises(GlassDataError, match="mixed N"):
        read_snapshots(tmp_path, "glassbench")


def test_box_too_small_for_the_cutoff(tmp_path):
    path = write_glassbench(tmp_path)
    with pytest.raises(GlassDataError, match=re.escape(f"{path}: field 'box'") + ".*twice the cutoff"):
        GlassDataModule(str(path), format="glassbench", cutoff=2.0)


def test_unknown_format():
    with pytest.raises(GlassDataError, match="field 'format'"):
        read_snapshots(".", "xyz")
