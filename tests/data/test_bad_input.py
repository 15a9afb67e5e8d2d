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
        (
            {"initial_positions": np.where(np.arange(N)[:, None] == 3, np.nan, POSITIONS)},
            "initial_positions",
            "NaN or inf",
        ),
        ({"bb_prop": np.full((10, N), np.inf)}, "bb_prop", "NaN or inf"),
        ({"types": np.where(np.arange(N) == 0, 2, TYPES)}, "types", r"unknown labels \[2\]"),
        (
            {"initial_positions": np.where(np.arange(N)[:, None] == 1, POSITIONS[0] + 0.01, POSITIONS)},
            "positions",
            "on top of each other",
        ),
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
        (
            {"trajectory_target_positions": [[POSITIONS]] * 9},
            "trajectory_target_positions",
            r"one entry per time index \(10\)",
        ),
        ({"metadata": {"pressure": 1.0}}, "metadata", "'temperature' entry"),
        ({"time_indices": np.arange(15, 25)}, "time_indices", "indices into 'time'"),
        ({"box": np.ones(2)}, "box", "one length or three"),
    ],
)
def test_bapst_bad_fields(tmp_path, overrides, field, expected):
    _raises(write_bapst(tmp_path, **overrides), field, expected, "bapst", allow_pickle=True)


@pytest.mark.parametrize(
    "format, name, expected",
    [
        ("native", "broken.npz", "not an npz archive .*corrupt"),
        ("glassbench", "N64T0.44_0.npz", "not an npz archive"),
        ("bapst", "broken.pickle", "unreadable"),
    ],
)
def test_unreadable_files(tmp_path, format, name, expected):
    path = tmp_path / name
    path.write_bytes(b"\x00not a dataset file")
    with pytest.raises(GlassDataError) as error:
        read_snapshots(path, format, allow_pickle=True)
    assert re.search(re.escape(f"{path}: field '<file>'") + ".*" + expected, str(error.value))
    assert "allow_pickle" not in str(error.value)  # numpy's advice for pickles does not apply to a corrupt npz


def test_single_array_under_an_npz_name(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as stream:
        np.save(stream, np.zeros((4, 3)))
    _raises(path, "<file>", r"a single array of shape \(4, 3\) \(a .npy file under an .npz name\)", "native")


@pytest.mark.parametrize("dtype, expected", [(complex, "complex numbers"), (str, "text")])
def test_positions_of_the_wrong_kind_are_refused_not_cast(tmp_path, dtype, expected):
    (path,) = write_botan(tmp_path, time_indices=(7,))
    with np.load(path) as archive:
        arrays = dict(archive)
    arrays["initial_positions"] = arrays["initial_positions"].astype(dtype)
    np.savez(path, **arrays)
    _raises(path, "initial_positions", f"expected real numbers, got {expected}", "botan")


def test_particle_number_in_the_name_must_match_the_file(tmp_path):
    path = write_glassbench(tmp_path, index=0)
    path.rename(tmp_path / "N4096T0.44_0.npz")
    _raises(
        tmp_path / "N4096T0.44_0.npz",
        "<file name>",
        "the name says N4096 but the file holds 64 particles",
        "glassbench",
    )


def test_negative_propensities_are_refused(tmp_path):
    _raises(
        write_glassbench(tmp_path, md_prop=-np.ones((10, N))),
        "propensity",
        "expected non-negative values",
        "glassbench",
    )


def test_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    _raises(tmp_path / "empty", "<path>", "no dataset files in this directory", "native")


def test_glob_matching_nothing(tmp_path):
    _raises(str(tmp_path / "*.npz"), "<path>", "no dataset files in this glob", "native")


def test_mixed_particle_numbers(tmp_path):
    write_glassbench(tmp_path, index=0)
    positions, types = configuration(1, num_particles=N + 1)
    write_glassbench(
        tmp_path,
        index=1,
        types=types,
        initial_positions=positions,
        initial_positions_inherent=positions,
        initial_positions_cage=positions,
        md_prop=np.ones((10, N + 1)),
        bb_prop=np.ones((10, N + 1)),
    )
    (tmp_path / f"N{N}T0.44_1.npz").rename(tmp_path / f"N{N + 1}T0.44_1.npz")
    with pytest.raises(GlassDataError, match="mixed N"):
        read_snapshots(tmp_path, "glassbench")


def test_box_too_small_for_the_cutoff(tmp_path):
    path = write_glassbench(tmp_path)
    with pytest.raises(GlassDataError, match=re.escape(f"{path}: field 'box'") + ".*twice the cutoff"):
        GlassDataModule(str(path), format="glassbench", cutoff=2.0)


def test_unknown_format():
    with pytest.raises(GlassDataError, match="field 'format'"):
        read_snapshots(".", "xyz")
