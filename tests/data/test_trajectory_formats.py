"""The extended XYZ, LAMMPS dump and GSD readers: round trips, species and boxes, and bad input."""

import re

import gsd.hoomd
import numpy as np
import pytest
from trajectory_files import (
    TEMPERATURE,
    TIME_STEP,
    TIMES,
    N,
    initial_configuration,
    replica_run,
    write_gsd,
    write_lammps_dump,
)

from glass_lightning.data.formats import TRAJECTORY_FORMATS, read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz, write_extxyz_trajectory
from glass_lightning.data.noise_ceiling import REPLICAS_KEY
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.errors import GlassDataError

TARGETS = ("propensity", "mean_squared_displacement", "potential_energy", "inherent_positions")


def _write(format, folder, trajectory):
    """The trajectory in ``format`` under a folder that names the temperature (LAMMPS and GSD store none)."""
    folder = folder / f"T{TEMPERATURE}"
    folder.mkdir(parents=True, exist_ok=True)
    if format == "extxyz":
        return write_extxyz_trajectory(trajectory, folder / "run.extxyz", TEMPERATURE)
    if format == "gsd":
        return write_gsd(folder / "run.gsd", trajectory)
    return write_lammps_dump(folder / "run.lammpstrj", trajectory)


def _raises(field, expected):
    return pytest.raises(GlassDataError, match=re.escape(f"field '{field}'") + ".*" + expected)


def test_extxyz_round_trip_keeps_positions_types_box_temperature_and_targets(tmp_path):
    snapshot = synthetic_snapshot(num_particles=N, num_times=3)
    snapshot.metadata[REPLICAS_KEY] = 8
    write_extxyz(snapshot, tmp_path / "configuration.extxyz")
    (read,) = read_snapshots(tmp_path, "extxyz")
    np.testing.assert_allclose(read.positions, snapshot.positions, atol=1e-7)
    np.testing.assert_array_equal(read.types, snapshot.types)
    np.testing.assert_allclose(read.box, snapshot.box)
    assert read.temperature == snapshot.temperature and read.metadata[REPLICAS_KEY] == 8
    np.testing.assert_allclose(read.times, snapshot.times)
    for name in TARGETS:
        np.testing.assert_allclose(getattr(read, name), getattr(snapshot, name), atol=1e-7)


def test_extxyz_with_one_time_and_chosen_columns(tmp_path):
    snapshot = synthetic_snapshot(num_particles=N, num_times=1)
    path = write_extxyz(snapshot, tmp_path / "one.xyz", ["propensity"])
    read = TRAJECTORY_FORMATS["extxyz"].read_configuration(path, None)
    assert read.propensity.shape == (1, N) and read.potential_energy is None and read.mean_squared_displacement is None


def test_extxyz_without_targets_reads_with_none(tmp_path):
    snapshot = synthetic_snapshot(num_particles=N, num_times=2)
    read = TRAJECTORY_FORMATS["extxyz"].read_configuration(write_extxyz(snapshot, tmp_path / "bare.extxyz", []), None)
    assert read.times is not None and read.propensity is None and read.bond_breaking is None


def test_extxyz_writer_refuses_columns_it_cannot_write(tmp_path):
    snapshot = synthetic_snapshot(num_particles=N, num_times=2)
    with _raises("per_particle_columns", "expected some of"):
        write_extxyz(snapshot, tmp_path / "x.extxyz", ["velocities"])
    with _raises("bond_breaking", "the snapshot has none"):
        write_extxyz(snapshot, tmp_path / "x.extxyz", ["bond_breaking"])


@pytest.mark.parametrize("format", ["lammps-dump", "gsd"])
def test_lammps_and_gsd_configurations_read_with_species_box_and_the_temperature_of_the_path(tmp_path, format):
    initial = initial_configuration()
    _write(format, tmp_path, replica_run(0))
    (read,) = read_snapshots(tmp_path, format)
    np.testing.assert_allclose(read.positions, initial.positions, atol=1e-5)
    np.testing.assert_array_equal(read.types, initial.types)  # LAMMPS types 1, 2 and GSD typeid 0, 1 -> 0, 1
    np.testing.assert_allclose(read.box, initial.box, rtol=1e-6)
    assert read.temperature == TEMPERATURE and read.propensity is None


@pytest.mark.parametrize("format", sorted(TRAJECTORY_FORMATS))
def test_trajectories_read_every_frame_with_its_time(tmp_path, format):
    run = replica_run(1)
    trajectory = TRAJECTORY_FORMATS[format].read_trajectory(_write(format, tmp_path, run), TIME_STEP)
    np.testing.assert_allclose(trajectory.times, TIMES)
    np.testing.assert_array_equal(trajectory.types, run.types)
    moved = trajectory.displacements_from(run.positions[0])
    np.testing.assert_allclose(moved, run.positions - run.positions[0], atol=1e-5)


def test_configuration_temperature_comes_from_the_file_else_the_option_else_the_path(tmp_path):
    read = TRAJECTORY_FORMATS["gsd"].read_configuration
    path = write_gsd(tmp_path / "run.gsd", replica_run(0))
    assert read(path, 0.8).temperature == 0.8
    with _raises("temperature", "not stored in the file"):
        read(path, None)
    extxyz = write_extxyz(initial_configuration(), tmp_path / "T0.9" / "stored.extxyz")
    assert read_snapshots(extxyz, "extxyz")[0].temperature == TEMPERATURE
    with _raises("temperature", "the file stores T=0.5 but T=0.8 was given"):
        TRAJECTORY_FORMATS["extxyz"].read_configuration(extxyz, 0.8)


def test_gsd_species_follow_their_names_not_their_order(tmp_path):
    run = replica_run(0)
    read = TRAJECTORY_FORMATS["gsd"]
    swapped = write_gsd(tmp_path / "swapped.gsd", run, types=("B", "A"))  # typeid 0 is B here
    np.testing.assert_array_equal(read.read_configuration(swapped, 0.5).types, run.types)
    np.testing.assert_array_equal(read.read_trajectory(swapped, TIME_STEP).types, run.types)
    assert read.read_configuration(swapped, 0.5).metadata["type_names"] == ["A", "B"]  # in label order


def test_gsd_typeid_beyond_the_types_is_refused(tmp_path):
    frame = gsd.hoomd.Frame()
    frame.configuration.box = [5.0, 5.0, 5.0, 0.0, 0.0, 0.0]
    frame.particles.N, frame.particles.types = 3, ["A"]
    frame.particles.typeid = np.array([0, 0, 1], np.uint32)
    frame.particles.position = np.zeros((3, 3), np.float32) + np.arange(3)[:, None].astype(np.float32)
    with gsd.hoomd.open(tmp_path / "bad.gsd", "w") as file:
        file.append(frame)
    with _raises("particles.typeid", re.escape("values up to 1 for 1 types ['A']")):
        TRAJECTORY_FORMATS["gsd"].read_configuration(tmp_path / "bad.gsd", 0.5)


def test_triclinic_boxes_are_refused(tmp_path):
    run = replica_run(0)
    with _raises("box", "triclinic box"):
        read_snapshots(write_lammps_dump(tmp_path / "T0.5" / "tilted.dump", run, tilts=(0.3, 0.0, 0.0)), "lammps-dump")
    with _raises("box", "triclinic box"):
        read_snapshots(write_gsd(tmp_path / "T0.5" / "tilted.gsd", run, tilt=0.1), "gsd")
    path = write_extxyz(initial_configuration(), tmp_path / "tilted.extxyz")
    path.write_text(re.sub(r'Lattice="(\S+) 0.0 0.0', r'Lattice="\1 0.5 0.0', path.read_text()))
    with _raises("box", "triclinic box"):
        read_snapshots(path, "extxyz")


def test_2d_and_open_boxes_are_refused(tmp_path):
    with _raises("box", "expected a 3D system"):
        read_snapshots(write_gsd(tmp_path / "T0.5" / "flat.gsd", replica_run(0), dimensions=2), "gsd")
    path = write_extxyz(initial_configuration(), tmp_path / "open.extxyz")
    path.write_text(path.read_text().replace('pbc="T T T"', 'pbc="T T F"'))
    with _raises("box", "expected a box periodic along x, y and z"):
        read_snapshots(path, "extxyz")


def test_frames_with_different_particle_numbers_are_refused(tmp_path):
    path = _write("extxyz", tmp_path, replica_run(0))
    lines = path.read_text().splitlines()
    frame = N + 2
    lines[frame] = str(N - 1)
    del lines[2 * frame - 1]  # the last atom of the second frame
    path.write_text("\n".join(lines) + "\n")
    with _raises("positions", f"frame 1 has {N - 1} particles, frame 0 has {N}"):
        TRAJECTORY_FORMATS["extxyz"].read_trajectory(path, None)


def test_frames_out_of_time_order_are_refused(tmp_path):
    run = replica_run(0, TIMES[::-1].copy())  # written last step first
    with _raises("times", "strictly increasing frame times"):
        TRAJECTORY_FORMATS["gsd"].read_trajectory(write_gsd(tmp_path / "run.gsd", run), TIME_STEP)


def test_a_time_step_that_is_not_positive_is_refused(tmp_path):
    with _raises("time_step", "expected a positive time step"):
        TRAJECTORY_FORMATS["gsd"].read_trajectory(write_gsd(tmp_path / "run.gsd", replica_run(0)), -TIME_STEP)


def test_lammps_and_gsd_frames_need_the_time_step(tmp_path):
    with _raises("time_step", "give the time step"):
        TRAJECTORY_FORMATS["lammps-dump"].read_trajectory(write_lammps_dump(tmp_path / "a.dump", replica_run(0)), None)


def test_extxyz_frames_need_a_time(tmp_path):
    path = write_extxyz(initial_configuration(), tmp_path / "timeless.extxyz")
    with _raises("time", r"frame 0: expected 'time' \(or 'step'\)"):
        TRAJECTORY_FORMATS["extxyz"].read_trajectory(path, None)


def test_species_ase_does_not_know_get_a_hint(tmp_path):
    path = tmp_path / "T0.5" / "letters.xyz"
    path.parent.mkdir()
    path.write_text('2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T T"\nA 0 0 0\nB 1 1 1\n')
    with _raises("<file>", "ASE knows chemical symbols only"):
        read_snapshots(path, "extxyz")


@pytest.mark.parametrize(
    "format, name", [("extxyz", "bad.extxyz"), ("lammps-dump", "bad.lammpstrj"), ("gsd", "bad.gsd")]
)
def test_corrupt_files_are_named(tmp_path, format, name):
    path = tmp_path / "T0.5" / name
    path.parent.mkdir()
    path.write_text("ITEM: TIMESTEP\nnot a number\n" if format == "lammps-dump" else "garbage\n" * 5)
    with pytest.raises(GlassDataError, match=re.escape(f"{path}: field '<file>': unreadable as")):
        read_snapshots(path, format)


@pytest.mark.parametrize("format, name", [("extxyz", "empty.extxyz"), ("gsd", "empty.gsd")])
def test_empty_files_have_no_frames(tmp_path, format, name):
    path = tmp_path / name
    if format == "gsd":
        gsd.hoomd.open(path, "w").close()
    else:
        path.write_text("")
    with _raises("<file>", "no frames"):
        TRAJECTORY_FORMATS[format].read_trajectory(path, TIME_STEP)
