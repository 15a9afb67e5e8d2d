"""Every kind of bad input raises GlassDataError naming the file, the field and what was expected."""

import io
import re
import zipfile

import ase
import ase.io
import gsd.fl
import numpy as np
import pytest
from published_layouts import N, configuration, write_bapst, write_botan, write_glassbench
from trajectory_files import replica_run, write_lammps_dump

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats import read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz_trajectory
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
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


def _with_declared_shape(path, name, shape):
    """Rewrite the header of the npz member ``name`` to declare ``shape``, its data left as it is."""
    with zipfile.ZipFile(path) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    with np.load(path) as loaded:
        array = loaded[name]
    header = io.BytesIO()
    declared = {"descr": np.lib.format.dtype_to_descr(array.dtype), "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(header, declared)
    members[f"{name}.npy"] = header.getvalue() + array.tobytes()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


@pytest.mark.parametrize(
    "format, write, name",
    [
        ("native", lambda folder: write_snapshot(folder / "config.npz", synthetic_snapshot(N)), "positions"),
        ("glassbench", write_glassbench, "md_prop"),
    ],
)
def test_npz_arrays_declaring_more_than_the_file_stores_are_refused_before_loading(tmp_path, format, write, name):
    path = _with_declared_shape(write(tmp_path), name, (10**12, 3))
    _raises(path, name, r"declares shape \(1000000000000, 3\) .*but the file stores only", format)


def _text_file(tmp_path, format, trajectory):
    folder = tmp_path / "T0.5"
    if format == "lammps-dump":
        return write_lammps_dump(folder / "run.lammpstrj", trajectory)
    return write_extxyz_trajectory(trajectory, folder / "run.extxyz", 0.5)


@pytest.mark.parametrize(
    "format, count_line, field", [("extxyz", 0, "number of atoms"), ("lammps-dump", 3, "ITEM: NUMBER OF ATOMS")]
)
@pytest.mark.parametrize(
    "declared, expected",
    [
        (10**12, "declares 1000000000000 atoms but the file's {size} bytes hold at most"),
        (0, "expected a positive number of atoms, got 0"),
        (-5, "expected a positive number of atoms, got -5"),
    ],
)
def test_a_declared_atom_count_the_file_cannot_hold_is_refused_before_reading(
    tmp_path, format, count_line, field, declared, expected
):
    path = _text_file(tmp_path, format, replica_run(0, np.array([0.0])))
    lines = path.read_text().splitlines()
    assert lines[count_line] == str(N)
    lines[count_line] = str(declared)
    path.write_text("\n".join(lines) + "\n")
    _raises(path, field, expected.format(size=path.stat().st_size), format)


def test_a_lammps_dump_cut_short_of_its_declared_atoms_is_refused(tmp_path):
    path = _text_file(tmp_path, "lammps-dump", replica_run(0, np.array([0.0])))
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-20]) + "\n")  # cut at a line boundary: 44 of 64 atoms
    _raises(path, "ITEM: NUMBER OF ATOMS", f"declares {N} atoms but the first frame holds {N - 20}", "lammps-dump")


def _gsd_frame(path, typeids, types=("A", "B"), declared=None):
    """One frame, written chunk by chunk (gsd.hoomd would refuse a lie): particles 1 apart on a line, of
    ``typeids`` into the names ``types``, and ``declared`` (default: their number) as ``particles/N``."""
    count = len(typeids)
    names = np.array([list(name.encode().ljust(2, b"\0")) for name in types], np.int8)
    positions = np.zeros((count, 3), np.float32)
    positions[:, 0] = np.arange(count) - 3.0
    path.parent.mkdir(parents=True, exist_ok=True)
    with gsd.fl.open(path, "w", application="test", schema="hoomd", schema_version=[1, 4]) as file:
        file.write_chunk("configuration/box", np.array([8.0, 8.0, 8.0, 0.0, 0.0, 0.0], np.float32))
        file.write_chunk("particles/N", np.array([count if declared is None else declared], np.uint32))
        file.write_chunk("particles/types", names)
        file.write_chunk("particles/typeid", np.array(typeids, np.uint32))
        file.write_chunk("particles/position", positions)
        file.end_frame()
    return path


def test_a_gsd_frame_declaring_more_particles_than_it_stores_is_refused_before_reading(tmp_path):
    path = _gsd_frame(tmp_path / "T0.5" / "huge.gsd", [0, 1, 0], declared=10**9)
    _raises(path, "particles/N", "frame 0 declares 1000000000 particles but stores particles/position for 3", "gsd")


def _with_unknown_type(trajectory, value):
    trajectory.types[0] = value
    return trajectory


@pytest.mark.parametrize(
    "format, field, expected",
    [
        ("native", "types", r"labels 0 = A, 1 = B, got unknown labels \[7\]"),
        ("extxyz", "type", r"labels 0 = A, 1 = B, got unknown labels \[5\]"),
        ("lammps-dump", "type", r"labels 1 = A, 2 = B, got unknown labels \[3\]"),
        ("gsd", "types", r"labels 0 = A, 1 = B, got unknown labels \[2\]"),
    ],
)
def test_unknown_species_are_refused(tmp_path, format, field, expected):
    if format == "native":
        path = write_snapshot(tmp_path / "config.npz", synthetic_snapshot(N))
        with np.load(path) as archive:
            arrays = dict(archive)
        arrays["types"][0] = 7
        np.savez(path, **arrays)
    elif format == "gsd":
        path = _gsd_frame(tmp_path / "T0.5" / "three.gsd", [0, 1, 2], types=("A", "B", "C"))
    else:
        label = {"extxyz": 5, "lammps-dump": 2}[format]  # LAMMPS writes label + 1
        path = _text_file(tmp_path, format, _with_unknown_type(replica_run(0, np.array([0.0])), label))
    _raises(path, field, expected, format)


def test_an_extxyz_type_column_of_fractions_is_refused_not_cut(tmp_path):
    snapshot = synthetic_snapshot(N)
    atoms = ase.Atoms(numbers=snapshot.types + 1, positions=snapshot.positions, cell=snapshot.box, pbc=True)
    atoms.new_array("type", snapshot.types + 0.4)
    path = tmp_path / "T0.5" / "fractions.extxyz"
    path.parent.mkdir()
    ase.io.write(path, atoms, format="extxyz")
    _raises(path, "type", r"expected integer labels, got \[0.4, 1.4\]", "extxyz")
