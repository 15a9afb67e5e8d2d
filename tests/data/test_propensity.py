"""``glass-lightning propensity`` on replica runs whose displacements are known in closed form."""

import numpy as np
import pytest
from trajectory_files import (
    TEMPERATURE,
    TIME_STEP,
    TIMES,
    expected_displacements,
    initial_configuration,
    replica_run,
    write_gsd,
    write_lammps_dump,
)

from glass_lightning.cli import main
from glass_lightning.data.formats.extxyz import write_extxyz, write_extxyz_trajectory
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.noise_ceiling import RELIABILITY_KEY, REPLICAS_KEY, noise_ceiling
from glass_lightning.data.propensity import propensity_snapshot
from glass_lightning.data.snapshot import wrap_positions
from glass_lightning.errors import GlassDataError

REPLICAS = 4
WRITERS = {
    "extxyz": lambda path, run: write_extxyz_trajectory(run, path.with_suffix(".extxyz"), TEMPERATURE),
    "gsd": lambda path, run: write_gsd(path.with_suffix(".gsd"), run),
    "lammps-dump": lambda path, run: write_lammps_dump(path.with_suffix(".lammpstrj"), run),
}


def _run(positions, types, images=None, times=TIMES):
    initial = initial_configuration()
    return Trajectory(positions, types, initial.box, times, images, "<memory>")


def _replica_files(folder, format, replicas=REPLICAS):
    return [WRITERS[format](folder / "replicas" / f"replica_{r}", replica_run(r)) for r in range(replicas)]


def _propensity(initial, replica_paths, format, output, *options):
    replicas = [str(path) for path in replica_paths]
    arguments = ["--format", format, "--output", str(output), "--no-progress", *options]
    return main(["propensity", str(initial), *replicas, *arguments])


@pytest.mark.parametrize("format", sorted(WRITERS))
@pytest.mark.parametrize("remove_centre_of_mass", [False, True])
def test_propensity_of_straight_line_runs_across_the_box(tmp_path, format, remove_centre_of_mass):
    _replica_files(tmp_path, format)
    output = tmp_path / "configuration.npz"
    options = ["--temperature", str(TEMPERATURE), "--time-step", str(TIME_STEP)]
    options += ["--remove-centre-of-mass"] if remove_centre_of_mass else []
    initial = next((tmp_path / "replicas").iterdir())  # every run's first frame is the initial configuration
    assert _propensity(initial, [tmp_path / "replicas"], format, output, *options) == 0
    snapshot = read_snapshot(output)
    distances = expected_displacements(REPLICAS, remove_centre_of_mass)
    np.testing.assert_allclose(snapshot.times, TIMES[1:])
    np.testing.assert_allclose(snapshot.propensity, distances.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(snapshot.mean_squared_displacement, (distances**2).mean(axis=0), atol=1e-4)
    assert snapshot.metadata[REPLICAS_KEY] == REPLICAS
    assert np.asarray(snapshot.metadata[RELIABILITY_KEY]).shape == noise_ceiling(snapshot).shape == (3, 2)
    np.testing.assert_allclose(snapshot.positions, initial_configuration().positions, atol=1e-5)
    assert snapshot.temperature == TEMPERATURE


def test_minimum_image_unwrapping_follows_particles_over_more_than_half_a_box():
    initial, run = initial_configuration(), replica_run(0)
    wrapped = _run(np.stack([wrap_positions(frame, run.box) for frame in run.positions]), run.types)
    moved = wrapped.displacements_from(initial.positions)
    assert np.abs(moved[-1]).max() > run.box[0] / 2  # further than the minimum image of the last frame alone
    np.testing.assert_allclose(moved, run.positions - initial.positions, atol=1e-12)


def test_image_flags_follow_a_jump_of_more_than_half_a_box_between_frames():
    initial = initial_configuration()
    jump = np.zeros((len(TIMES), len(initial.types), 3))
    jump[2:, 0, 0] = 0.75 * initial.box[0]  # particle 0 jumps 3/4 of a box between frames 1 and 2
    unwrapped = replica_run(0).positions + jump
    wrapped = np.stack([wrap_positions(frame, initial.box) for frame in unwrapped])
    images = np.rint((unwrapped - wrapped) / initial.box).astype(np.int64)
    expected = unwrapped - initial.positions
    with_images = _run(wrapped, initial.types, images).displacements_from(initial.positions)
    np.testing.assert_allclose(with_images, expected, atol=1e-12)
    without_images = _run(wrapped, initial.types).displacements_from(initial.positions)
    assert not np.allclose(without_images[2, 0], expected[2, 0])


def test_centre_of_mass_removal_cancels_a_rigid_drift():
    initial = initial_configuration()
    drift = np.array([0.3, 0.2, -0.1])
    drifting = _run(initial.positions[None] + TIMES[:, None, None] * drift, initial.types)
    kept = propensity_snapshot(initial, [drifting], remove_centre_of_mass=False)
    removed = propensity_snapshot(initial, [drifting], remove_centre_of_mass=True)
    expected = np.repeat(TIMES[1:, None] * np.linalg.norm(drift), len(initial.types), axis=1)
    np.testing.assert_allclose(kept.propensity, expected)
    np.testing.assert_allclose(removed.propensity, 0.0, atol=1e-12)


def _refused(tmp_path, capsys, initial, replicas, expected, format="extxyz"):
    assert _propensity(initial, replicas, format, tmp_path / "out.npz", "--time-step", str(TIME_STEP)) == 1
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out.npz").exists()


@pytest.fixture
def initial_file(tmp_path):
    return write_extxyz(initial_configuration(), tmp_path / "initial.extxyz")


def test_replicas_with_other_particles_are_refused(tmp_path, capsys, initial_file):
    good = _replica_files(tmp_path, "extxyz", replicas=1)
    run = replica_run(1)
    fewer = write_extxyz_trajectory(_run(run.positions[:, :-1], run.types[:-1]), tmp_path / "fewer.extxyz", TEMPERATURE)
    _refused(tmp_path, capsys, initial_file, good + [fewer], "63 particles, 64 in the initial configuration")
    swapped = write_extxyz_trajectory(_run(run.positions, 1 - run.types), tmp_path / "swapped.extxyz", TEMPERATURE)
    expected = "field 'types': expected the species of the initial configuration"
    _refused(tmp_path, capsys, initial_file, good + [swapped], expected)


def test_replicas_at_other_times_are_refused(tmp_path, capsys, initial_file):
    good = _replica_files(tmp_path, "extxyz", replicas=1)
    later = write_extxyz_trajectory(replica_run(1, times=TIMES * 2), tmp_path / "later.extxyz", TEMPERATURE)
    _refused(tmp_path, capsys, initial_file, good + [later], "the replicas have different frame times: t = ")
    more = _replica_files(tmp_path, "extxyz", replicas=2)  # two runs against one: the odd one is named
    listed = f"t = [1.0, 2.0, 3.0] in {more[0]}, {more[1]}; t = [2.0, 4.0, 6.0] in {later}"
    _refused(
        tmp_path,
        capsys,
        initial_file,
        more + [later],
        f"{later}: field 'times': the replicas have different frame times: {listed}",
    )


def test_a_run_that_starts_elsewhere_is_refused(tmp_path, capsys, initial_file):
    run = replica_run(0)
    moved = write_extxyz_trajectory(_run(run.positions + 0.1, run.types), tmp_path / "moved.extxyz", TEMPERATURE)
    _refused(tmp_path, capsys, initial_file, [moved], "the frame at t = 0 is not the initial configuration")


def test_a_run_with_only_the_start_is_refused(tmp_path, capsys, initial_file):
    start_only = write_extxyz_trajectory(replica_run(0, times=TIMES[:1]), tmp_path / "start.extxyz", TEMPERATURE)
    _refused(tmp_path, capsys, initial_file, [start_only], "no frame after t = 0")


def test_missing_temperature_is_refused(tmp_path, capsys):
    (replica,) = _replica_files(tmp_path, "gsd", replicas=1)
    _refused(tmp_path, capsys, replica, [replica], "field 'temperature': not stored in the file", format="gsd")


def test_a_run_whose_step_count_does_not_start_at_zero_is_refused():
    run = replica_run(0)
    resumed = Trajectory(run.positions, run.types, run.box, run.times + 50.0, images=None, source="resumed.dump")
    with pytest.raises(GlassDataError, match="step count must start at 0") as raised:
        propensity_snapshot(initial_configuration(), [resumed])
    assert raised.value.field == "times"


def test_an_output_over_an_input_is_refused_and_the_input_kept(tmp_path, capsys, initial_file):
    replicas = _replica_files(tmp_path, "extxyz", replicas=1)
    original = initial_file.read_bytes()
    assert _propensity(initial_file, replicas, "extxyz", initial_file) == 1
    assert f"{initial_file}: field 'output': the output is the input {initial_file}" in capsys.readouterr().err
    assert initial_file.read_bytes() == original
    assert _propensity(initial_file, [tmp_path / "replicas"], "extxyz", tmp_path / "replicas" / "out.npz") == 1
    assert "the output lies inside the input" in capsys.readouterr().err
    assert not (tmp_path / "replicas" / "out.npz").exists()


def test_the_temporary_file_a_killed_run_left_is_removed(tmp_path, initial_file):
    replicas = _replica_files(tmp_path, "extxyz", replicas=1)
    stale = tmp_path / "out" / ".configuration.npz.k1ll3d00.partial"
    stale.parent.mkdir()
    stale.write_bytes(b"half a file")
    assert _propensity(initial_file, replicas, "extxyz", tmp_path / "out" / "configuration.npz") == 0
    assert sorted(path.name for path in stale.parent.iterdir()) == ["configuration.npz"]
